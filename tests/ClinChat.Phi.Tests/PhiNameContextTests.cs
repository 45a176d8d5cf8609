namespace ClinChat.Phi.Tests;

/// <summary>Names in letters and reported speech: greetings, possessors of relatives, speech verbs. All names invented.</summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiNameContextTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Hi Radomir, I'm writing about the results.", "Radomir")]
    [InlineData("Dear Ottoline,\nThank you for seeing her.", "Ottoline")]
    [InlineData("Thanks Emeka for the update.", "Emeka")]
    [InlineData("Ayodele's daughter called at 1400.", "Ayodele")]
    [InlineData("SPOKE WITH VIKTOR'S WIFE ABOUT THE PLAN.", "VIKTOR")]
    [InlineData("\"We are pleased with the result,\" says Okonjo.", "Okonjo")]
    public void Detect_GreetingPossessorOrSpeaker_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Hi Radomir, I'm writing about the results.", "I'm")]
    [InlineData("The patient's daughter called.", "patient")]
    [InlineData("History of Parkinson's disease, stable.", "Parkinson")]
    [InlineData("Pt said Tylenol helped with the pain.", "Tylenol")]
    [InlineData("He says Zofran works better.", "Zofran")]
    [InlineData("Thanks for the referral.", "referral")]
    [InlineData("DR. CARVER STOPPED BY AND ORDERED LASIX.", "STOPPED")]
    public void Detect_WordsNextToNameCues_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    [Fact]
    public void Detect_PossessiveName_LeavesTheEndingOutsideTheSpan()
    {
        const string text = "Dr. Okonkwo's note reviewed.";
        var span = Assert.Single(_detector.Detect(text));
        Assert.Equal("Okonkwo", text[span.Start..span.End]);
    }

    [Fact]
    public void Detect_WardWithFloor_LeavesTheFloorNumberOutsideTheSpan()
    {
        const string text = "Transfer to Farnsworth 4 when a bed opens.";
        var span = Assert.Single(_detector.Detect(text));
        Assert.Equal("Farnsworth", text[span.Start..span.End]);
    }

    [Theory]
    [InlineData("Referred by Lovisa Guthrie for a second opinion.", "Lovisa Guthrie")]
    [InlineData("Referred by Ingrid Birbeck for a second opinion.", "Ingrid Birbeck")]
    [InlineData("Contact: Mabel R. Pellegrini, daughter.", "Mabel R. Pellegrini")]
    [InlineData("Meeting with Annelies van der Brugge today.", "Annelies van der Brugge")]
    [InlineData("follow up with tomasz k wielgosz in clinic.", "tomasz k wielgosz")]
    [InlineData("Desmond lives with his daughter since the fall.", "Desmond")]
    [InlineData("Don't worry about the bill, Rosalind!", "Rosalind")]
    public void Detect_GivenNameShapes_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Jackson Pratt drain with serous output.", "Jackson Pratt")]
    [InlineData("EGD showed a Mallory Weiss tear.", "Mallory Weiss")]
    [InlineData("Austin Flint murmur at the apex.", "Austin Flint")]
    [InlineData("gave pt a bath and changed linens.", "bath")]
    [InlineData("Rose Bengal stain negative.", "Rose Bengal")]
    public void Detect_EponymsAndLookAlikes_AreNotNames(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);

    private const string CasualNote =
        "neuro: awake and follows commands. resp: lungs clear on 2l nc, sats ok.\n" +
        "social: daughters marisol and ines came by this evening. son, wendeline, called at 2100. Nurse Tamsin Wexcombe, RN\n" +
        "plan: keep neuro aware. renal attending stopped in to see pt in am.";

    [Theory]
    [InlineData("marisol")]
    [InlineData("ines")]
    [InlineData("wendeline")]
    [InlineData("Tamsin Wexcombe")]
    public void Detect_LowerCaseNamesInACasualNote_FlagsName(string name) =>
        SpanAssert.Flags(_detector, CasualNote, name, PhiType.Name);

    [Theory]
    [InlineData("stopped")]
    [InlineData("follows")]
    public void Detect_LowerCaseWordsInACasualNote_AreNotNames(string words) =>
        SpanAssert.DoesNotFlag(_detector, CasualNote, words);
}
