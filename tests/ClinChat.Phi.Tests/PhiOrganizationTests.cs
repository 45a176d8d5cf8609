namespace ClinChat.Phi.Tests;

/// <summary>
/// Engine 1.8.0: practices, clinics and services named like "Quenbury Dermatology" or "Tallowmere Heart and Vascular Institute",
/// facility names with their head word, a place word repeated later in the note, and the departments, scores, credentials and
/// field labels that must stay out of names and places. All names are invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiOrganizationTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("PCP: Mara Quell, MD - Brindle Hollow Family Medicine", "Brindle Hollow Family Medicine")]
    [InlineData("Referred to Quenbury Dermatology for a shave biopsy.", "Quenbury Dermatology")]
    [InlineData("Seen at Tallowmere Heart and Vascular Institute last spring.", "Tallowmere Heart and Vascular Institute")]
    [InlineData("Surgeon: Ivo Marek, MD, Saltmarsh Orthopaedic & Spine Institute", "Saltmarsh Orthopaedic & Spine Institute")]
    [InlineData("OPAT referral sent to Gullwing Home Infusion today.", "Gullwing Home Infusion")]
    [InlineData("CPAP set up through Keystone Respiratory Supply on Monday.", "Keystone Respiratory Supply")]
    [InlineData("Transferred from Fernhallow General Hospital, 4 West.", "Fernhallow General Hospital")]
    [InlineData("Born at Children's Hospital of Quenbury at term.", "Children's Hospital of Quenbury")]
    [InlineData("Discharged to Maple Manor with hospice following.", "Maple Manor")]
    [InlineData("Send records to my lawyer at Brackwater & Quill LLP, fax attached.", "Brackwater & Quill LLP")]
    [InlineData("Colonoscopy done at Tallowmere Endoscopy last year.", "Tallowmere Endoscopy")]
    public void Detect_OrganizationName_FlagsWholeName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Location);

    [Fact]
    public void Detect_FacilityWordRepeatedWithoutHead_FlagsItAgain()
    {
        const string text = "CAME TO US FROM QUENBURY HOSPITAL WITH SEPSIS. HAD 2 UNITS AT QUENBURY- THEN FLOWN HERE.";
        var second = text.LastIndexOf("QUENBURY", StringComparison.Ordinal);
        Assert.Contains(_detector.Detect(text), s => s.Start <= second && s.End >= second + "QUENBURY".Length && s.Type == PhiType.Location);
    }

    [Theory]
    [InlineData("Seen today in the Sleep Medicine clinic for snoring.", "Sleep Medicine")]
    [InlineData("Follow up in Breast Oncology in two weeks.", "Breast Oncology")]
    [InlineData("Priya Osei, MD, Pulmonary & Critical Care", "Pulmonary & Critical Care")]
    [InlineData("I reviewed him in the IBD clinic today.", "IBD")]
    [InlineData("Hand clinic follow-up in 10 days.", "Hand")]
    [InlineData("Cardiac rehab referral sent.", "Cardiac")]
    [InlineData("Diplomate, American Board of Sleep Medicine", "American Board")]
    [InlineData("Skin: Braden 13, heels offloaded.", "Braden")]
    [InlineData("Breslow thickness 0.6 mm. Clark level III.", "Clark")]
    [InlineData("Clinician: Ines Varga, PMHNP-BC, LMHC", "PMHNP")]
    [InlineData("Patient: Odile Brackwater    MRN: 0041 2290", "MRN")]
    [InlineData("on buprenorphine-naloxone 8/2 mg BID", "8/2")]
    [InlineData("Hilo Medical Center Radiology read the film.", "Radiology")]
    [InlineData("Plan: 10-20 mg daily, group 2 3 review.", "10-20")]
    [InlineData("Low-molecular-weight heparin (LMWH) is first choice; switch to LMWH later.", "LMWH")]
    [InlineData("The NIH panel recommends a target saturation.", "NIH")]
    [InlineData("Inhaled short-acting beta2-agonist (SABA) first.", "SABA")]
    [InlineData("The usual apixaban dose is 5 mg twice daily; apixaban depends least on the kidney.", "apixaban")]
    [InlineData("Many hospitals apply a bare below the elbow policy.", "Many hospitals")]
    [InlineData("Qmicu Nursing Progress: stable overnight, no events.", "Nursing")]
    [InlineData("An Official Clinical Practice Guideline of the thoracic society", "Official Clinical Practice")]
    [InlineData("CDC Clinical Practice Guideline for Prescribing Opioids", "CDC Clinical Practice")]
    public void Detect_DepartmentsScoresAndLabels_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);
}
