namespace ClinChat.Phi.Tests;

/// <summary>
/// One test (or theory) per detection mechanism added for issue 3's recall targets. All names, places and numbers are invented;
/// the places come from the public gazetteers the engine ships, not from any evaluation corpus.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiContextCueTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("K 5.9 on recheck. H. Lindqvist aware, will repeat at 1400.", "Lindqvist")]
    [InlineData("LABS SENT. TOBIAS WENDT AWARE OF ABG.", "WENDT")]
    [InlineData("low uop overnight, fenella brandauer aware.", "brandauer")]
    public void Detect_NameBeforeAware_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Fact]
    public void Detect_RoleBeforeAware_IsNotFlagged()
    {
        SpanAssert.DoesNotFlag(_detector, "HCT 24.1. TEAM AWARE, FAMILY AWARE.", "TEAM");
        SpanAssert.DoesNotFlag(_detector, "Renal fellow aware of the potassium.", "Renal");
    }

    [Theory]
    [InlineData("PLAN REVIEWED. V. HALVORSEN TO FOLLOW UP IN AM.", "HALVORSEN")]
    [InlineData("Orders clarified with Q. Abernathy this evening.", "Abernathy")]
    public void Detect_InitialAndSurname_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Sinus bradycardia, no N/V. Abd soft.", "Abd")]
    [InlineData("L ARM SWOLLEN, R IJ INTACT.", "ARM")]
    [InlineData("Grew E. coli and S. aureus from the line.", "coli")]
    public void Detect_LetterBeforeClinicalWord_IsNotFlagged(string text, string clinical) =>
        SpanAssert.DoesNotFlag(_detector, text, clinical);

    [Theory]
    [InlineData("Drs. Abernathy and Kowalczyk examined the wound.", "Kowalczyk")]
    [InlineData("Her sons Teodor, Anselm and Ruben visited tonight.", "Ruben")]
    [InlineData("Her sons Teodor, Anselm and Ruben visited tonight.", "Anselm")]
    [InlineData("DR'S VANTREESE AND OYELARAN AT BEDSIDE.", "OYELARAN")]
    public void Detect_CoordinatedNames_FlagsEveryName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Fact]
    public void Detect_CoordinatedClinicalTerms_AreNotFlagged() =>
        SpanAssert.DoesNotFlag(_detector, "Seen by Dr. Abernathy and cardiology; on Lasix and heparin.", "heparin");

    [Theory]
    [InlineData("My name is Ingeborg Strandqvist and I need my results.", "Ingeborg Strandqvist")]
    [InlineData("Maiden name: Quiñones", "Quiñones")]
    [InlineData("Everyone calls me Radomir", "Radomir")]
    [InlineData("Name:      Chidinma Okafor", "Chidinma Okafor")]
    public void Detect_NameCue_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Discussed with dr. trzeciak re: heparin drip.", "trzeciak")]
    [InlineData("son ned called twice overnight, updated.", "ned")]
    [InlineData("family: ted called at 2100 for update.", "ted")]
    [InlineData("ORDERS PER TOBIAS WENDT (RESIDENT).", "WENDT")]
    [InlineData("Visited by significant other Marguerite this evening.", "Marguerite")]
    [InlineData("Dr Will Abernathy and the team met the family.", "Will")]
    public void Detect_LowerCaseAndRoleCues_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Fact]
    public void Detect_NameFoundOnceWithCue_IsFlaggedWhereverItRecurs()
    {
        const string text = "Seen by Dr. Vantreese this morning. Plan per Vantreese: diurese.";
        var second = text.LastIndexOf("Vantreese", StringComparison.Ordinal);
        Assert.Contains(_detector.Detect(text), s => s.Start <= second && s.End >= second + "Vantreese".Length);
    }

    [Theory]
    [InlineData("Pateint was comfortable overnight.", "Pateint")]
    [InlineData("SON IN AND AGREES WITH PLAN. WIFE VISTED ALL DAY.", "VISTED")]
    public void Detect_MisspeltCommonWord_IsNotAName(string text, string misspelt) =>
        SpanAssert.DoesNotFlag(_detector, text, misspelt);

    [Theory]
    [InlineData("She lives in Poughkeepsie with her husband.", "Poughkeepsie")]
    [InlineData("Daughter flying in from Ellicott City tonight.", "Ellicott City")]
    [InlineData("SON LIVES IN GAITHERSBURG, WILL VISIT IN AM.", "GAITHERSBURG")]
    [InlineData("husband returned to ellicott city today.", "ellicott city")]
    public void Detect_GazetteerPlaceAfterCue_FlagsLocation(string text, string place) =>
        SpanAssert.Flags(_detector, text, place, PhiType.Location);

    [Theory]
    [InlineData("Will transfer to Farnsworth 4 when a bed opens.", "Farnsworth")]
    [InlineData("PLAN: WHITLOCK 7 ONCE TELEMETRY BED OPENS.", "WHITLOCK")]
    [InlineData("RAPID RESPONSE ON BRENTHAVEN6 AT 0300.", "BRENTHAVEN6")]
    public void Detect_WardWithFloorNumber_FlagsLocation(string text, string ward) =>
        SpanAssert.Flags(_detector, text, ward, PhiType.Location);

    [Theory]
    [InlineData("Restarted on Lasix 40 IV.", "Lasix")]
    [InlineData("Transfer to MICU 2 for closer monitoring.", "MICU")]
    [InlineData("Insulin drip to 4 units/hr, on heparin 12 units/kg.", "heparin")]
    public void Detect_DrugOrUnitWithNumber_IsNotAWard(string text, string clinical) =>
        SpanAssert.DoesNotFlag(_detector, text, clinical);

    [Theory]
    [InlineData("ADMITTED, THEN TRANSFERRED FROM MEMORIAL HOSPITAL BY AMBULANCE.", "MEMORIAL")]
    [InlineData("Taken to Mercy Hospital, then to Brookfield Regional.", "Mercy")]
    [InlineData("Taken to Mercy Hospital, then to Brookfield Regional.", "Brookfield Regional")]
    [InlineData("Oriented x3, aware she is at General Hospital.", "General")]
    [InlineData("Follow up at Brookhaven Medical Center in two weeks.", "Brookhaven")]
    [InlineData("PT EVALUATED BY JHH TEAM FOR TRANSPLANT.", "JHH")]
    public void Detect_FacilityName_FlagsLocation(string text, string facility) =>
        SpanAssert.Flags(_detector, text, facility, PhiType.Location);

    [Fact]
    public void Detect_LeaveHospital_IsNotAFacility() =>
        SpanAssert.DoesNotFlag(_detector, "PT WANTS TO LEAVE HOSPITAL TODAY.", "LEAVE");

    [Theory]
    [InlineData("PMH: MI 11/89, CABG.", "11/89")]
    [InlineData("HX:6/21 ONSET OF DYSPNEA", "6/21")]
    [InlineData("Intubated 2/11-2/14 for pneumonia.", "2/11-2/14")]
    [InlineData("Last chemotherapy in March of 2019.", "March of 2019")]
    [InlineData("Clinic letter dated 12 Feb, 24 by fax", "12 Feb, 24")]
    [InlineData("repeat blood cx 4/17 negative", "4/17")]
    public void Detect_MoreDateShapes_FlagsDate(string text, string date) =>
        SpanAssert.Flags(_detector, text, date, PhiType.Date);

    [Theory]
    [InlineData("Give 1/2 amp D50 for glucose 52.", "1/2")]
    [InlineData("Remains on BiPAP overnight 12/6, sats 94%.", "12/6")]
    [InlineData("c/o 7/10 chest pain, NTG given.", "7/10")]
    [InlineData("Blood cx 2/4 bottles positive.", "2/4")]
    [InlineData("Weaned to PS 10/5 with TV 450.", "10/5")]
    [InlineData("Rales at bases 1/3-1/2 of the way up.", "1/3-1/2")]
    public void Detect_ClinicalFractionsAndSettings_AreNotDates(string text, string lookAlike) =>
        SpanAssert.DoesNotFlag(_detector, text, lookAlike);

    [Theory]
    [InlineData("call the neighbour (202/555/0147) if no answer", "202/555/0147")]
    [InlineData("Please call me on 07700 900123 after five.", "07700 900123")]
    [InlineData("Reach her on +33 6 12 34 56 78 in France.", "+33 6 12 34 56 78")]
    [InlineData("PAGER IS PG 48213 OVERNIGHT", "48213")]
    public void Detect_PhoneFormats_FlagsPhone(string text, string phone) =>
        SpanAssert.Flags(_detector, text, phone, PhiType.Phone);

    [Fact]
    public void Detect_GroupedDigitsWithoutPhoneCue_AreNotPhones() =>
        SpanAssert.DoesNotFlag(_detector, "Weights 72 400 310 recorded on the flowsheet.", "72 400 310");

    [Theory]
    [InlineData("Her postcode is 4051.", "4051")]
    [InlineData("Postcode: SW1A 1AA", "SW1A 1AA")]
    public void Detect_PostalCodeWithCue_FlagsLocation(string text, string code) =>
        SpanAssert.Flags(_detector, text, code, PhiType.Location);

    [Theory]
    [InlineData("Ship to 4417 Ruiskuja 28\nApt. 12\nTampere\nFinland 33100\nThanks.", "Finland 33100")]
    [InlineData("Ship to 4417 Ruiskuja 28\nApt. 12\nTampere\nFinland 33100\nThanks.", "4417 Ruiskuja 28")]
    [InlineData("She lives at 86 Rua das Gaivotas 1201, Coimbra.", "Rua das Gaivotas 1201")]
    [InlineData("Meet at the corner of 12 Larkspur Road and Fennimore Street.", "Fennimore Street")]
    [InlineData("Office: 77 Trajan Forks, Suite 3, Dunmore, PA 18512", "Dunmore")]
    public void Detect_AddressGrammar_FlagsWholeAddress(string text, string part) =>
        SpanAssert.Flags(_detector, text, part, PhiType.Location);

    [Theory]
    [InlineData("GAVE 2 UNITS FFP 2 HOURS APART.", "UNITS")]
    [InlineData("set to simv rate 12 tv 650 peep 5", "rate")]
    public void Detect_DosesAndSettingsWithNumbers_AreNotStreets(string text, string clinical) =>
        SpanAssert.DoesNotFlag(_detector, text, clinical);

    [Fact]
    public void Detect_ReferralLetter_FlagsNamesAndKeepsClinicalTerms()
    {
        const string letter =
            "Dear Dr. Halvorsen,\n\nThank you for referring Mrs. Ingrid Solbakken, whom I saw in clinic on April 2, 2025. " +
            "She has Parkinson disease and a Foley catheter since her admission to Brookhaven Medical Center. " +
            "BP 128/76, 2/6 systolic murmur, 5/5 strength throughout. Her daughter Agnieszka can be reached at (617) 555-0142.\n\n" +
            "Yours sincerely,\nTobias Wendt, MD";
        SpanAssert.Flags(_detector, letter, "Halvorsen", PhiType.Name);
        SpanAssert.Flags(_detector, letter, "Ingrid Solbakken", PhiType.Name);
        SpanAssert.Flags(_detector, letter, "Agnieszka", PhiType.Name);
        SpanAssert.Flags(_detector, letter, "Tobias Wendt", PhiType.Name);
        SpanAssert.Flags(_detector, letter, "Brookhaven", PhiType.Location);
        SpanAssert.Flags(_detector, letter, "April 2, 2025", PhiType.Date);
        SpanAssert.Flags(_detector, letter, "(617) 555-0142", PhiType.Phone);
        SpanAssert.DoesNotFlag(_detector, letter, "Parkinson disease");
        SpanAssert.DoesNotFlag(_detector, letter, "Foley catheter");
        SpanAssert.DoesNotFlag(_detector, letter, "128/76");
        SpanAssert.DoesNotFlag(_detector, letter, "2/6");
        SpanAssert.DoesNotFlag(_detector, letter, "5/5");
    }

    [Fact]
    public void Detect_DischargeSummary_FlagsHeaderFieldsAndNarrativePhi()
    {
        const string summary =
            "DISCHARGE SUMMARY\nPatient: Okafor, Chidinma\nMRN: 40418822\nAdmission date: 03/02/2025\nDischarge date: 03/09/2025\n" +
            "Attending: Priya Raghunathan, MD\n\nHospital course: 67-year-old woman admitted with CHF exacerbation, diuresed with " +
            "Lasix 40 mg IV BID. Transferred to Farnsworth 4 on day 3. Her son Emeka, who lives in Poughkeepsie, was updated daily.\n" +
            "Follow-up: Dr. Lindqvist, cardiology, in 2 weeks. Potassium 4.1, creatinine 1.2.";
        SpanAssert.Flags(_detector, summary, "Okafor", PhiType.Name);
        SpanAssert.Flags(_detector, summary, "Chidinma", PhiType.Name);
        SpanAssert.Flags(_detector, summary, "40418822", PhiType.Mrn);
        SpanAssert.Flags(_detector, summary, "03/02/2025", PhiType.Date);
        SpanAssert.Flags(_detector, summary, "Priya Raghunathan", PhiType.Name);
        SpanAssert.Flags(_detector, summary, "Farnsworth", PhiType.Location);
        SpanAssert.Flags(_detector, summary, "Emeka", PhiType.Name);
        SpanAssert.Flags(_detector, summary, "Poughkeepsie", PhiType.Location);
        SpanAssert.Flags(_detector, summary, "Lindqvist", PhiType.Name);
        SpanAssert.DoesNotFlag(_detector, summary, "Lasix 40 mg");
        SpanAssert.DoesNotFlag(_detector, summary, "CHF exacerbation");
        SpanAssert.DoesNotFlag(_detector, summary, "creatinine 1.2");
    }
}

[Collection(nameof(DetectorCollection))]
public sealed class PhiAddressCueTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("pt lives at 14 elm st with his wife.", "14 elm st")]
    [InlineData("address: 58 avenida do sol 4 suite 9, coimbra, portugal 3000", "coimbra")]
    [InlineData("Please ship it to 48 rue des glycines, Lyon.", "rue des glycines")]
    public void Detect_AddressAfterCue_FlagsAddressInAnyCase(string text, string part) =>
        SpanAssert.Flags(_detector, text, part, PhiType.Location);

    [Fact]
    public void Detect_NumberBeforeVia_IsNotAnAddress() =>
        SpanAssert.DoesNotFlag(_detector, "map 65-70 via l fem aline, levo weaned.", "aline");

    [Fact]
    public void Detect_CuedAddress_StopsBeforeTheNextClause()
    {
        const string text = "She lives at 22 Harbor View Road with her daughter.";
        SpanAssert.Flags(_detector, text, "22 Harbor View Road", PhiType.Location);
        SpanAssert.DoesNotFlag(_detector, text, "daughter");
    }
}

[Collection(nameof(DetectorCollection))]
public sealed class PhiNameShapeTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Have you met Radomir K Vasiliev before?", "Radomir K Vasiliev")]
    [InlineData("Referred by Ottoline P. Graybeard last week.", "Ottoline P. Graybeard")]
    [InlineData("The founders were Quillerby and Vasilakis, both engineers.", "Quillerby")]
    [InlineData("The founders were Quillerby and Vasilakis, both engineers.", "Vasilakis")]
    [InlineData("Quionette spent the night at her sister's.", "Quionette")]
    public void Detect_NameShapes_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Continues on Amio and Levo gtt, rate controlled.", "Amio")]
    [InlineData("Vitamin D level low; Group B strep negative.", "Vitamin D")]
    [InlineData("History of Parkinson and Alzheimer disease.", "Parkinson")]
    public void Detect_ClinicalShapes_AreNotNames(string text, string clinical) =>
        SpanAssert.DoesNotFlag(_detector, text, clinical);
}

[Collection(nameof(DetectorCollection))]
public sealed class PhiFlowsheetLookAlikeTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("FS glucose @ 0800-142, covered per scale.", "0800-142")]
    [InlineData("sacral wound 3/3cm, clean base", "3/3")]
    [InlineData("CO/CI 4/7 by thermodilution", "4/7")]
    [InlineData("CV: Vpaced 60-62 overnight.", "Vpaced")]
    public void Detect_FlowsheetValues_AreNotPhi(string text, string value) =>
        SpanAssert.DoesNotFlag(_detector, text, value);

    [Theory]
    [InlineData("Transfer to farnsworth 2 once the bed is cleaned.", "farnsworth")]
    [InlineData("plan: transferred to brenthaven when bed available", "brenthaven")]
    public void Detect_LowerCaseWardAfterTransfer_FlagsLocation(string text, string ward) =>
        SpanAssert.Flags(_detector, text, ward, PhiType.Location);
}

[Collection(nameof(DetectorCollection))]
public sealed class PhiPostalCodeTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("She moved to a flat in Ølstykke Strand 3650 last spring.", "3650")]
    [InlineData("The clinic in Vila Nova de Gaia 4400-123 closed.", "4400-123")]
    public void Detect_PlaceWithPostalCodeAfterIn_FlagsLocation(string text, string code) =>
        SpanAssert.Flags(_detector, text, code, PhiType.Location);

    [Theory]
    [InlineData("ARRIVED IN MICU 2300 FROM EW.", "2300")]
    [InlineData("Seen in Clinic 1430 today.", "1430")]
    public void Detect_UnitAndClockTime_IsNotAPostalCode(string text, string time) =>
        SpanAssert.DoesNotFlag(_detector, text, time);
}
