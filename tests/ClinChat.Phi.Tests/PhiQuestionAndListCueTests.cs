namespace ClinChat.Phi.Tests;

/// <summary>
/// Person cues from questions, requests, naming, colon lists, possessives of relatives and a lower-case "ms." (engine 1.6.0).
/// All names are invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiQuestionAndListCueTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Why is Brunhilde so quiet today?", "Brunhilde")]
    [InlineData("Why was Ottokarine so upset?", "Ottokarine")]
    [InlineData("Ottokar, can I ask you something?", "Ottokar")]
    [InlineData("They named him Bartholomew", "Bartholomew")]
    [InlineData("The nurse named her Mavis.", "Mavis")]
    [InlineData("I'm Bartholomew's son.", "Bartholomew")]
    [InlineData("Please add ms. Quarvelle to the account", "Quarvelle")]
    [InlineData("Our founders: Ostrowicz, Bowman and White.", "Bowman")]
    [InlineData("Our founders: Ostrowicz, Bowman and White.", "White")]
    public void Detect_PersonCue_FlagsName(string text, string name) =>
        SpanAssert.Flags(_detector, text, name, PhiType.Name);

    [Theory]
    [InlineData("Why is Lasix so expensive?", "Lasix")]
    [InlineData("Nurse, can you help with the dressing?", "Nurse")]
    [InlineData("Okay, can we start the infusion?", "Okay")]
    [InlineData("Meds: Lasix, Coumadin and Digoxin.", "Coumadin")]
    [InlineData("Plan: Bowman and White to follow up.", "Bowman")]
    [InlineData("He was named after his father.", "father")]
    public void Detect_ClinicalOrPlainLookAlikes_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);
}
