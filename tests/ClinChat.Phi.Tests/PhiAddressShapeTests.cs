namespace ClinChat.Phi.Tests;

/// <summary>Address shapes beyond the US street line: tails on one line, unit stacks, military and post-office boxes. All invented.</summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiAddressShapeTests(DetectorFixture fixture)
{
    private readonly PhiDetector _detector = fixture.Detector;

    [Theory]
    [InlineData("Send it to 48 Wrenfield Drive Apt. 5 Tamsworth Oregon.", "Tamsworth Oregon")]
    [InlineData("Home: 9 Quillon Road Suite 12 Marbury VIC", "Marbury VIC")]
    [InlineData("Mail to 14 Tallow Street Belvoir Gardens\n Suite 21\n Lentham\n United Kingdom 40817", "Belvoir Gardens")]
    [InlineData("Mail to 14 Tallow Street Belvoir Gardens\n Suite 21\n Lentham\n United Kingdom 40817", "United Kingdom 40817")]
    [InlineData("Her flat is at 7 Harrowgate Lane Apt. 4 Apt. 9, Dunmore, Ruritania 2231.", "Ruritania 2231")]
    [InlineData("Forward to 12 rue des Tanneurs\n>Apt. 7\n>Valmont\n>France 69002", "France 69002")]
    [InlineData("Staying with her sister at 33 Ostrava u Brna 4, Velka Lhota nad Orlici, Czech Republic 33156.", "Velka Lhota nad Orlici")]
    public void Detect_AddressTail_FlagsCityRegionAndCountry(string text, string part) =>
        SpanAssert.Flags(_detector, text, part, PhiType.Location);

    [Theory]
    [InlineData("USNS Halvorsen\nFPO AP 91234", "USNS Halvorsen")]
    [InlineData("uscgc marrow\nfpo ae 44941", "uscgc marrow")]
    [InlineData("psc 4412, box 2231\napo ae 09012", "apo ae 09012")]
    [InlineData("Send to po box 1183, Dunmore.", "po box 1183")]
    [InlineData("Postbox 418\nNarvik", "Postbox 418")]
    [InlineData("12 Cedar Court, apt. 12, Dunmore", "apt. 12")]
    public void Detect_BoxAndUnitAddresses_FlagsLocationInAnyCase(string text, string part) =>
        SpanAssert.Flags(_detector, text, part, PhiType.Location);

    [Theory]
    [InlineData("The office is on Kornblumen Strasse 14.", "Kornblumen Strasse 14")]
    [InlineData("She grew up on Rózsa utca 7 in the old town.", "Rózsa utca 7")]
    [InlineData("Meet me at Via dei Tintori 17.", "Via dei Tintori 17")]
    [InlineData("Sent to C/ Mayor Viejo 88, Teruel.", "Mayor Viejo 88")]
    public void Detect_StreetTypeAfterTheName_FlagsLocation(string text, string street) =>
        SpanAssert.Flags(_detector, text, street, PhiType.Location);

    [Theory]
    [InlineData("He lives at 12 Elm St with his wife.", "with")]
    [InlineData("The office is on Kornblumen Strasse 14.", "is on")]
    [InlineData("Gave 2 units PRBC, Apt. status pending.", "units PRBC")]
    [InlineData("Placed on Lasix 40 Daily Weight.", "Lasix")]
    [InlineData("BP 120/80, 2/6 murmur, Foley catheter in place.", "Foley catheter")]
    public void Detect_WordsAroundAnAddress_AreNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(_detector, text, words);
}
