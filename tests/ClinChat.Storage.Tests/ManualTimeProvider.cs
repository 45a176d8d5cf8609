namespace ClinChat.Storage.Tests;

/// <summary>A clock the test moves by hand, so timestamps in the store are predictable.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
