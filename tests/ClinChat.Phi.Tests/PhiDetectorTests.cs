using ClinChat.Phi.Diagnostics;

namespace ClinChat.Phi.Tests;

[Collection(nameof(DetectorCollection))]
public sealed class PhiDetectorTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Seen by Dr. Okonkwo this morning.", "Okonkwo")]
    [InlineData("DR. TREVANION AWARE OF K 3.1", "TREVANION")]
    [InlineData("discussed with dr. timothy mercer, plan unchanged", "timothy mercer")]
    [InlineData("Hortense Rushton, RN", "Hortense Rushton")]
    [InlineData("B. HARTWELL MD AWARE", "HARTWELL")]
    [InlineData("daughter Lucile visiting this afternoon", "Lucile")]
    [InlineData("his son, clem, called twice", "clem")]
    [InlineData("Mrs. Quennell arrived comfortable on room air.", "Quennell")]
    [InlineData("The patient, Zsombor Kővárdy, was admitted.", "Zsombor Kővárdy")]
    [InlineData("Mr. John Roe has chronic kidney disease.", "John Roe")]
    public void Detect_NameInContext_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("History of Parkinson disease, on carbidopa.", "Parkinson disease")]
    [InlineData("Foley catheter draining clear yellow urine.", "Foley catheter")]
    [InlineData("DRAINING AMBER URINE VIA FOLEY, 40 CC PER HOUR", "FOLEY")]
    [InlineData("MS: alert, oriented x3", "alert")]
    [InlineData("O2 sats 95% on 2L, Sa02 99%", "Sa02")]
    [InlineData("How many people are affected by Fuchs endothelial dystrophy?", "Fuchs")]
    [InlineData("Is Barrett esophagus inherited?", "Barrett")]
    [InlineData("What are the genetic changes related to isolated Duane retraction syndrome?", "Duane")]
    [InlineData("What are the genetic changes related to Pierre Robin sequence?", "Robin")]
    [InlineData("What are the complications of Lyme Disease?", "Lyme")]
    [InlineData("Is Huntington disease-like syndrome inherited?", "Huntington")]
    [InlineData("What are the treatments for Langer mesomelic dysplasia?", "Langer")]
    public void Detect_ClinicalTerm_IsNotFlagged(string text, string clinical) =>
        SpanAssert.DoesNotFlag(_detector, text, clinical);

    [Theory]
    [InlineData("Admitted 10/02/2024 for chest pain.", "10/02/2024")]
    [InlineData("Follow-up on 2024-11-30.", "2024-11-30")]
    [InlineData("Seen 08 Mar 2024 in clinic.", "08 Mar 2024")]
    [InlineData("Surgery planned March 3rd, 2025.", "March 3rd, 2025")]
    [InlineData("Cath on 3/14, stent placed.", "3/14")]
    [InlineData("Last colonoscopy 01/2025.", "01/2025")]
    [InlineData("Discharged Tuesday, June 11, 2024.", "Tuesday, June 11, 2024")]
    public void Detect_DateFormats_FlagsDate(string text, string date) =>
        SpanAssert.Flags(_detector, text, date, PhiType.Date);

    [Theory]
    [InlineData("BP 120/80, HR 72.", "120/80")]
    [InlineData("2/6 systolic murmur at LSB.", "2/6")]
    [InlineData("5/5 strength in all extremities.", "5/5")]
    [InlineData("Sinemet 25/100 three times a day.", "25/100")]
    [InlineData("Rates pain 10/10 in the left flank.", "10/10")]
    [InlineData("Pain 4/10 after dilaudid.", "4/10")]
    [InlineData("A&O x3, metoprolol 25 mg PO BID, K 3.8, Hct 29.3", "x3")]
    [InlineData("Surgery in 2019 went well.", "2019")]
    [InlineData("ABG 7.40/35/64/22 on PSV 10/5", "10/5")]
    public void Detect_ClinicalLookAlike_IsNotFlagged(string text, string lookAlike) =>
        SpanAssert.DoesNotFlag(_detector, text, lookAlike);

    [Theory]
    [InlineData("Call her at (410) 555-0123 tomorrow.", "(410) 555-0123", PhiType.Phone)]
    [InlineData("cell# 410-555-0187", "410-555-0187", PhiType.Phone)]
    [InlineData("Fax: 617.555.0199", "617.555.0199", PhiType.Fax)]
    [InlineData("reach him at +44 20 7946 0958", "+44 20 7946 0958", PhiType.Phone)]
    [InlineData("pager #41736 for questions", "41736", PhiType.Phone)]
    [InlineData("Mail jane.roe@example.org today", "jane.roe@example.org", PhiType.Email)]
    [InlineData("SSN 123-45-6789 on file", "123-45-6789", PhiType.Ssn)]
    [InlineData("MRN: 00481516 admitted", "00481516", PhiType.Mrn)]
    [InlineData("Medicare member ID: 1EG4TE5MK73", "1EG4TE5MK73", PhiType.HealthPlan)]
    [InlineData("Account # 889-2231-77 billed", "889-2231-77", PhiType.Account)]
    [InlineData("card 4111 1111 1111 1111 declined", "4111 1111 1111 1111", PhiType.Account)]
    [InlineData("Prescriber NPI 1234567893", "1234567893", PhiType.License)]
    [InlineData("DEA number AB1234563 on script", "AB1234563", PhiType.License)]
    [InlineData("VIN 1HGCM82633A004352 recorded", "1HGCM82633A004352", PhiType.Vehicle)]
    [InlineData("license plate 7ABC123 seen", "7ABC123", PhiType.Vehicle)]
    [InlineData("pacemaker serial number PJN123456", "PJN123456", PhiType.Device)]
    [InlineData("See https://portal.example.com/p/123 for results", "https://portal.example.com/p/123", PhiType.Url)]
    [InlineData("login from 192.168.10.24 flagged", "192.168.10.24", PhiType.Ip)]
    [InlineData("fingerprint template ID: FP-99812 enrolled", "FP-99812", PhiType.Biometric)]
    [InlineData("Accession #: S24-118822 sent to pathology", "S24-118822", PhiType.Id)]
    [InlineData("She is 94 yo and lives alone.", "94", PhiType.Age)]
    public void Detect_StructuredIdentifier_FlagsKind(string text, string value, PhiType type) =>
        SpanAssert.Flags(_detector, text, value, type);

    [Theory]
    [InlineData("Lives at 2214 Quenby St, Dunmore, PA 18512 with wife.", "2214 Quenby St")]
    [InlineData("Lives at 2214 Quenby St, Dunmore, PA 18512 with wife.", "18512")]
    [InlineData("TRANSFERRED FROM ALLERTON HOSPITAL FOR FURTHER CARE", "ALLERTON")]
    [InlineData("will go to St. Brigid's tomorrow", "St. Brigid's")]
    [InlineData("ARRIVED TO VH AT 0415", "VH")]
    [InlineData("Address: Holunderweg 58", "Holunderweg 58")]
    public void Detect_Location_FlagsLocation(string text, string place) =>
        SpanAssert.Flags(_detector, text, place, PhiType.Location);

    [Fact]
    public void Detect_AgeUnder90_IsNotFlagged() =>
        SpanAssert.DoesNotFlag(_detector, "58 yo female with CHF", "58");

    [Fact]
    public void Detect_Spans_AreOrderedAndDisjoint()
    {
        var spans = _detector.Detect("Dr. Smith saw Mr. John Roe on 3/14/2024 at 410-555-0123, MRN 123456, 12 Oak Street.");
        for (var i = 1; i < spans.Count; i++)
        {
            Assert.True(spans[i - 1].End <= spans[i].Start);
        }

        Assert.True(spans.Count >= 5);
    }

    [Fact]
    public void SelfTest_BuiltInProbes_AllPass()
    {
        var report = PhiSelfTest.Run(_detector);
        Assert.All(report.Probes, p => Assert.True(p.Passed, p.Probe));
        Assert.True(report.Passed);
    }

    [Fact]
    public void PhiSpan_ToString_OmitsText()
    {
        var span = new PhiSpan(3, 8, PhiType.HealthPlan, 0.9);
        Assert.Equal("HEALTH_PLAN[3,8)", span.ToString());
    }
}
