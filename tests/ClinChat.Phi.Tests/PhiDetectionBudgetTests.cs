namespace ClinChat.Phi.Tests;

public sealed class PhiDetectionBudgetTests
{
    private static readonly string LongNote = string.Concat(Enumerable.Repeat(
        "SEEN BY DR. HALVORSEN ON 3/14. SON TEODOR CALLED (410) 555-0123. LIVES AT 12 OAK STREET, DUNMORE, PA 18512. ", 2000));

    [Fact]
    public void Detect_PastItsTimeBudget_ThrowsTimeoutSoTheCallerFailsClosed()
    {
        var detector = PhiDetector.CreateDefault(TimeSpan.FromTicks(1));
        var error = Assert.Throws<PhiDetectionTimeoutException>(() => detector.Detect(LongNote));
        Assert.DoesNotContain("HALVORSEN", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Detect_Cancelled_ThrowsOperationCanceled()
    {
        var detector = PhiDetector.CreateDefault(Timeout.InfiniteTimeSpan);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => detector.Detect(LongNote, cancellation.Token));
    }

    [Fact]
    public void CreateDefault_NonPositiveTimeout_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PhiDetector.CreateDefault(TimeSpan.Zero));
}
