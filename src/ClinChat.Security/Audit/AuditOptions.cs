using ClinChat.Security.Secrets;

namespace ClinChat.Security.Audit;

/// <summary>Settings of the audit trail (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary><c>Audit:CheckpointEveryEvents</c>: an append that brings the uncheckpointed tail to this length writes a checkpoint. 0 disables.</summary>
    public int CheckpointEveryEvents { get; set; } = 100;

    /// <summary><c>Audit:CheckpointMaxAge</c>: how old the oldest uncheckpointed event may get before the compliance check fails.</summary>
    public TimeSpan CheckpointMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary><c>Audit:VerifyPageSize</c>: events read per round trip during verification.</summary>
    public int VerifyPageSize { get; set; } = 2000;

    public void Validate()
    {
        if (CheckpointEveryEvents < 0)
        {
            throw new SecurityConfigurationException("Audit:CheckpointEveryEvents", "must be zero or positive.");
        }

        if (CheckpointMaxAge <= TimeSpan.Zero)
        {
            throw new SecurityConfigurationException("Audit:CheckpointMaxAge", "must be positive.");
        }

        if (VerifyPageSize is < 1 or > 100_000)
        {
            throw new SecurityConfigurationException("Audit:VerifyPageSize", "must be between 1 and 100000.");
        }
    }
}
