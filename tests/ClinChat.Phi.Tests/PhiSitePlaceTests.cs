namespace ClinChat.Phi.Tests;

/// <summary>
/// A site's own place list (<see cref="PhiDetector.Create"/>): its wards, units and towns are redacted wherever they occur, in any
/// case, longest name first, never inside a longer word or across a line; one-word names that are ordinary words are refused.
/// All names are invented.
/// </summary>
[Collection(nameof(DetectorCollection))]
public sealed class PhiSitePlaceTests
{
    private static readonly PhiDetector Detector = PhiDetector.Create(
        ["# wards and units", "Brindlecombe", "Quenbury Ward", "Quenbury Ward 6", "Tallow Annex", "Harbor", "rehab", "", "  Kestrel Unit  "]);

    [Theory]
    [InlineData("transferred to brindlecombe overnight", "brindlecombe")]
    [InlineData("MOVED TO BRINDLECOMBE AT 0300", "BRINDLECOMBE")]
    [InlineData("Seen on Quenbury Ward 6 by the night team.", "Quenbury Ward 6")]
    [InlineData("Back to the Tallow Annex after the scan.", "Tallow Annex")]
    [InlineData("bed on kestrel unit is ready", "kestrel unit")]
    public void Detect_SitePlace_FlagsWholeName(string text, string place)
    {
        var start = text.IndexOf(place, StringComparison.Ordinal);
        Assert.Contains(Detector.Detect(text), s => s.Type == PhiType.Location && s.Start == start && s.End == start + place.Length);
    }

    [Theory]
    [InlineData("the brindlecomber said hello", "brindlecomber")]
    [InlineData("Quenbury\nWard 6 was cleaned.", "Ward 6")]
    [InlineData("met at the harbor after rehab", "harbor")]
    [InlineData("met at the harbor after rehab", "rehab")]
    public void Detect_NotTheSitePlace_IsNotFlagged(string text, string words) =>
        SpanAssert.DoesNotFlag(Detector, text, words);

    [Fact]
    public void Create_OneWordOrdinaryNames_AreRefusedAndTheRestCounted()
    {
        Assert.Equal(["Harbor", "rehab"], Detector.RefusedSitePlaces);
        Assert.Equal(5, Detector.SitePlaceCount);
        Assert.Equal(5, Detector.DictionaryCounts["site-places"]);
    }

    [Fact]
    public void CreateDefault_HasNoSitePlaces() =>
        Assert.Equal(0, PhiDetector.CreateDefault().SitePlaceCount);
}
