using System.Diagnostics;

namespace ClinChat.Phi.Detection;

/// <summary>
/// A cooperative time budget for one detection: recognizers check it between passes and lines, so a pathological input ends in
/// <see cref="PhiDetectionTimeoutException"/> (the caller fails closed) instead of holding a request thread.
/// </summary>
internal readonly struct DetectionDeadline(long expiresAt, CancellationToken cancellationToken)
{
    public static DetectionDeadline After(TimeSpan budget, CancellationToken cancellationToken) =>
        new(budget == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency), cancellationToken);

    public void Check()
    {
        cancellationToken.ThrowIfCancellationRequested();
        // default(DetectionDeadline) (expiresAt 0) means no budget, as for direct calls of a recognizer in tests.
        if (expiresAt is not (0 or long.MaxValue) && Stopwatch.GetTimestamp() > expiresAt)
        {
            throw new PhiDetectionTimeoutException();
        }
    }
}
