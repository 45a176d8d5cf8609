namespace ClinChat.Phi.Tests;

/// <summary>
/// Names as speaker labels, coordinated subjects and objects of "with"; abbreviated years; address tails that run on into the
/// sentence. All names, streets and places are invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiSpeechAndListTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Ottavina: \"Where did you put the keys?\"", "Ottavina")]
    [InlineData("He laughed. Vasilescu: Not today.", "Vasilescu")]
    [InlineData("Zoltánné: I told you already.", "Zoltánné")]
    [InlineData("Heather: You are late again.", "Heather")]
    public void Detect_SpeakerLabel_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Plan: Continue current regimen.", "Plan")]
    [InlineData("Neuro: Awake, follows commands today.", "Neuro")]
    [InlineData("Social: Lives with wife.", "Social")]
    [InlineData("Skin: Warm, dry, no new rash today.", "Skin")]
    [InlineData("Dispo: Home tomorrow.", "Dispo")]
    public void Detect_SectionHeaders_AreNotSpeakers(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Theory]
    [InlineData("Quarrington and Vasilescu were the first to reply.", "Quarrington")]
    [InlineData("Quarrington and Vasilescu were the first to reply.", "Vasilescu")]
    [InlineData("Ostrowicz and Brown were married in the spring.", "Ostrowicz")]
    [InlineData("Ostrowicz and Brown were married in the spring.", "Brown")]
    public void Detect_CoordinatedSubjects_FlagsBothNames(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Vanc and Zosyn were held overnight.", "Vanc")]
    [InlineData("Lasix and Coumadin were held.", "Coumadin")]
    [InlineData("Mom and Dad were at the bedside.", "Dad")]
    [InlineData("Kernig and Brudzinski signs were negative.", "Kernig")]
    public void Detect_CoordinatedDrugsAndSigns_AreNotNames(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Theory]
    [InlineData("I want to add my kid Taddeo to the policy.", "Taddeo")]
    [InlineData("Ottilie is from a small town up north.", "Ottilie")]
    public void Detect_KidOrIsFrom_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("will consult with martin quellhorst re wound care.", "martin quellhorst")]
    [InlineData("follow up with ingrid a vandersloot in two weeks.", "ingrid a vandersloot")]
    public void Detect_LowerCaseNameAfterWith_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("bled with frank hematuria overnight.", "frank hematuria")]
    [InlineData("flushed with heparin solution.", "heparin")]
    [InlineData("presented with sever abd pain.", "sever abd")]
    [InlineData("Foley catheter with clear urine.", "Foley")]
    [InlineData("Jackson Pratt drain with serous output.", "Jackson Pratt")]
    [InlineData("History of Parkinson disease with tremor.", "Parkinson")]
    public void Detect_ClinicalWordsAfterWith_AreNotNames(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Theory]
    [InlineData("PMH: HTN, CABG '09, GERD.", "09")]
    [InlineData("LEFT HIP REPAIR IN 97' C/B DVT.", "97")]
    public void Detect_AbbreviatedYear_FlagsDate(string text, string year) =>
        SpanAssert.Flags(_detector, text, year, PhiType.Date);

    [Theory]
    [InlineData("Ambulated 50' with walker, tolerated well.", "50")]
    [InlineData("Order reads '10 mg' daily.", "10")]
    [InlineData("BP 120/80, HR 72.", "120/80")]
    [InlineData("Metoprolol 25 mg PO BID.", "25")]
    public void Detect_FeetDosesAndVitals_AreNotYears(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Theory]
    [InlineData("The parcel went to 14 Tallow Street Suite 2, Lentham, Ruritania 40817 last week.", "Ruritania 40817")]
    [InlineData("I'll meet you at 9 Quillon Road\n Apt. 3\n Marbury\n Ruritania 22315 after lunch.", "Ruritania 22315")]
    public void Detect_AddressTailEndingInPostalCode_RunsIntoTheSentence(string text, string part) =>
        SpanAssert.Flags(_detector, text, part, PhiType.Location);

    [Fact]
    public void Detect_AddressTailWithoutPostalCode_StopsBeforeTheSentence() =>
        SpanAssert.DoesNotFlag(_detector, "Dropped off at 12 Elm Street, Patient was seen today.", "Patient");

    [Fact]
    public void Detect_UnknownWordBeforeColonWithoutQuoteOrSurnameShape_IsNotASpeaker() =>
        SpanAssert.DoesNotFlag(_detector, "Ottavina: where did you put the keys?", "Ottavina");

    [Theory]
    [InlineData("Brisvenka, can you send me the form again?", "Brisvenka")]
    [InlineData("Are you coming back, Murphy?", "Murphy")]
    [InlineData("She had given Ottilie her new number.", "Ottilie")]
    [InlineData("Please forward this to Taddeo R. Quellhorst today.", "Taddeo R. Quellhorst")]
    [InlineData("Spoke with Ottwin Vasilescu about discharge.", "Ottwin Vasilescu")]
    public void Detect_VocativesRecipientsAndGivenNamesBeforeSurnames_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Tylenol, please give with food.", "Tylenol")]
    [InlineData("Pt given Ativan his usual dose at 2200.", "Ativan")]
    [InlineData("Positive Murphy sign on exam.", "Murphy")]
    [InlineData("Lungs, can hear crackles at bases.", "Lungs")]
    public void Detect_DrugsAndSignsInTheseShapes_AreNotNames(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Theory]
    [InlineData(">Ottokar Brisvenka\n>Harrowgate Trading\n>12 Larkspur Road\n>Dunmore 40817", "Ottokar Brisvenka")]
    [InlineData("teodor quarrington\n\nward clerk\n\nphone:\n0391 2284 1190", "teodor quarrington")]
    [InlineData("tazlina vrbensk\nphone: (555) 014-2290", "tazlina vrbensk")]
    public void Detect_NameLineAboveContactDetails_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Front Desk\nphone: (555) 014-2290", "Front Desk")]
    [InlineData("Billing Office\n12 Larkspur Road, Dunmore", "Billing Office")]
    [InlineData("Foley catheter\nphone: (555) 014-2290", "Foley")]
    public void Detect_HeadingsAboveContactDetails_AreNotNames(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Theory]
    [InlineData("Walker began painting late in life.", "Walker")]
    [InlineData("Kuba, can you check the schedule?", "Kuba")]
    public void Detect_EponymOrSurnameInPersonShapes_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Fact]
    public void Detect_ReceiverFoundOnce_CountsAsANameElsewhereInTheDocument() =>
        SpanAssert.Flags(_detector, "Hillow had given Hillow his keys.", "Hillow", PhiType.Name);
}
