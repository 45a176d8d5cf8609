using ClinChat.Security.Secrets;

namespace ClinChat.Security.Retention;

/// <summary>Settings of the retention job (configuration section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>HIPAA asks for six years of documentation (45 CFR 164.316(b)(2)); the audit trail keeps at least that.</summary>
    public static readonly TimeSpan SixYears = TimeSpan.FromDays(6 * 365 + 2);

    /// <summary><c>Retention:Conversations</c>: conversations inactive for longer are purged. Null keeps them (and the compliance check reports retention as not configured).</summary>
    public TimeSpan? Conversations { get; set; }

    /// <summary><c>Retention:Audit</c>: how long audit events are kept. The conversation purge never touches them; default six years.</summary>
    public TimeSpan Audit { get; set; } = SixYears;

    /// <summary><c>Retention:Interval</c>: how often the host runs the purge.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(24);

    public void Validate()
    {
        if (Conversations is { } c && c < TimeSpan.FromDays(1))
        {
            throw new SecurityConfigurationException("Retention:Conversations", "must be at least one day when set.");
        }

        if (Audit < SixYears)
        {
            throw new SecurityConfigurationException("Retention:Audit", "must be at least six years (2192 days).");
        }

        if (Interval < TimeSpan.FromMinutes(1))
        {
            throw new SecurityConfigurationException("Retention:Interval", "must be at least one minute.");
        }
    }
}
