namespace ClinChat.Phi.Tests;

/// <summary>One detector for all tests: loading the word lists is the slow part.</summary>
public sealed class DetectorFixture
{
    public PhiDetector Detector { get; } = PhiDetector.CreateDefault();
}

[CollectionDefinition(nameof(DetectorCollection))]
public sealed class DetectorCollection : ICollectionFixture<DetectorFixture>;

internal static class SpanAssert
{
    public static void Flags(PhiDetector detector, string text, string expected, PhiType type)
    {
        var start = text.IndexOf(expected, StringComparison.Ordinal);
        Assert.True(start >= 0, "test text must contain the expected value");
        var spans = detector.Detect(text);
        Assert.Contains(spans, s => s.Start <= start && s.End >= start + expected.Length && s.Type == type);
    }

    public static void DoesNotFlag(PhiDetector detector, string text, string clinical)
    {
        var start = text.IndexOf(clinical, StringComparison.Ordinal);
        Assert.True(start >= 0, "test text must contain the clinical phrase");
        var spans = detector.Detect(text);
        Assert.DoesNotContain(spans, s => s.Overlaps(start, start + clinical.Length));
    }
}
