namespace ClinChat.Phi.Diagnostics;

/// <summary>Counts detector failures since start; whoever scans text and fails closed records here.</summary>
public sealed class PhiDetectionMonitor
{
    private long _failures;

    public long Failures => Interlocked.Read(ref _failures);

    public void RecordFailure() => Interlocked.Increment(ref _failures);
}
