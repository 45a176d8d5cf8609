using System.Globalization;
using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;

namespace ClinChat.Security.Compliance;

public enum ComplianceMode
{
    Development,
    /// <summary>Warnings count as failures.</summary>
    Production,
}

public enum ControlStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>
/// What the host knows about itself at evaluation time. Null means "not reported" and is a warning (a failure in
/// production), so a host that forgets to report something never passes by omission.
/// </summary>
public sealed record ComplianceSnapshot
{
    public ComplianceMode Mode { get; init; }
    /// <summary>Roles that must use MFA (default: admin and auditor).</summary>
    public IReadOnlyCollection<string> PrivilegedRoles { get; init; } = ["admin", "auditor"];
    /// <summary>Roles for which the identity configuration enforces MFA.</summary>
    public IReadOnlyCollection<string>? MfaEnforcedRoles { get; init; }
    public IReadOnlyList<SecretCheck>? Secrets { get; init; }
    public EncryptionStatus? Encryption { get; init; }
    public AuditVerification? Audit { get; init; }
    public bool? PhiSelfTestPassed { get; init; }
    public bool TlsConfigured { get; init; }
    public bool TrustedProxyConfigured { get; init; }
    public DateTimeOffset? LastBackupAt { get; init; }
    public RetentionOptions? Retention { get; init; }
}

/// <summary>Thresholds of the self-check (configuration section <c>Compliance</c>).</summary>
public sealed class ComplianceOptions
{
    /// <summary><c>Compliance:CheckpointMaxAge</c>: the oldest audit event not covered by a signed checkpoint may be this old.</summary>
    public TimeSpan CheckpointMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary><c>Compliance:BackupMaxAge</c>: a nightly backup plus two hours of slack.</summary>
    public TimeSpan BackupMaxAge { get; set; } = TimeSpan.FromHours(26);

    /// <summary><c>Compliance:MasterKeyRotationWarning</c>: a master key older than this earns a warning.</summary>
    public TimeSpan MasterKeyRotationWarning { get; set; } = TimeSpan.FromDays(365);
}

public sealed record ControlResult(string Id, string Title, string Safeguard, ControlStatus Status, string Reason);

public sealed record ComplianceReport(ComplianceMode Mode, DateTimeOffset EvaluatedAt, IReadOnlyList<ControlResult> Controls)
{
    /// <summary>Fraction of controls passing (0..1); exported as <c>clinchat_hipaa_compliance_score</c>.</summary>
    public double Score => Controls.Count == 0 ? 0 : (double)Controls.Count(c => c.Status == ControlStatus.Pass) / Controls.Count;

    /// <summary>No control fails (in production, warnings have already become failures).</summary>
    public bool Compliant => Controls.All(c => c.Status != ControlStatus.Fail);
}

/// <summary>One control: a stable id, the HIPAA safeguard it serves, and its rule.</summary>
public sealed record ComplianceControl(string Id, string Title, string Safeguard, Func<ComplianceSnapshot, ComplianceOptions, DateTimeOffset, (ControlStatus Status, string Reason)> Rule);

/// <summary>Evaluates every control against a snapshot. Pure: no I/O, time from the <see cref="TimeProvider"/>.</summary>
public sealed class ComplianceEngine(TimeProvider time, ComplianceOptions? options = null)
{
    private readonly ComplianceOptions _options = options ?? new ComplianceOptions();

    public static IReadOnlyList<ComplianceControl> Controls { get; } =
    [
        new("mfa-privileged-roles", "MFA enforced for privileged roles", "164.312(d) person or entity authentication", Mfa),
        new("secrets-strong", "No default or weak secrets", "164.312(a)(1) access control", Secrets),
        new("encryption-at-rest", "Clinical text encrypted at rest", "164.312(a)(2)(iv) encryption and decryption", Encryption),
        new("audit-chain-intact", "Audit chain intact", "164.312(b) audit controls; 164.312(c)(1) integrity", AuditChainIntact),
        new("audit-checkpoint-recent", "Recent signed audit checkpoint", "164.312(c)(2) mechanism to authenticate ePHI", AuditCheckpoint),
        new("phi-detection-active", "PHI detection self-test passing", "164.514(b) de-identification", Phi),
        new("transport-security", "TLS or trusted TLS-terminating proxy", "164.312(e)(1) transmission security", Transport),
        new("backup-recent", "Backup within the allowed age", "164.308(a)(7)(ii)(A) data backup plan", Backup),
        new("retention-configured", "Retention configured; audit kept six years", "164.316(b)(2)(i) time limit", Retention),
    ];

    public ComplianceReport Evaluate(ComplianceSnapshot snapshot)
    {
        var now = time.GetUtcNow();
        var results = new List<ControlResult>(Controls.Count);
        foreach (var control in Controls)
        {
            var (status, reason) = control.Rule(snapshot, _options, now);
            if (status == ControlStatus.Warn && snapshot.Mode == ComplianceMode.Production)
            {
                status = ControlStatus.Fail;
                reason = "Production treats this warning as a failure: " + reason;
            }

            results.Add(new ControlResult(control.Id, control.Title, control.Safeguard, status, reason));
        }

        return new ComplianceReport(snapshot.Mode, now, results);
    }

    private static (ControlStatus, string) Mfa(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now)
    {
        if (s.MfaEnforcedRoles is null)
        {
            return (ControlStatus.Warn, "The identity configuration did not report which roles require MFA.");
        }

        var missing = s.PrivilegedRoles.Where(r => !s.MfaEnforcedRoles.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        return missing.Count == 0
            ? (ControlStatus.Pass, $"MFA is required for {string.Join(", ", s.PrivilegedRoles)}.")
            : (ControlStatus.Fail, $"MFA is not required for privileged role(s) {string.Join(", ", missing)}.");
    }

    private static (ControlStatus, string) Secrets(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now)
    {
        if (s.Secrets is null || s.Secrets.Count == 0)
        {
            return (ControlStatus.Warn, "No secrets were reported for assessment.");
        }

        var bad = s.Secrets.Where(c => c.State is SecretState.Default or SecretState.Weak).ToList();
        if (bad.Count > 0)
        {
            return (ControlStatus.Fail, string.Join(" ", bad.Select(c => c.Reason)));
        }

        var missing = s.Secrets.Where(c => c.State == SecretState.Missing).ToList();
        return missing.Count > 0
            ? (ControlStatus.Warn, string.Join(" ", missing.Select(c => c.Reason)))
            : (ControlStatus.Pass, $"{s.Secrets.Count} secrets set and strong.");
    }

    private static (ControlStatus, string) Encryption(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now)
    {
        if (s.Encryption is not { Enabled: true } e)
        {
            return (ControlStatus.Fail, "Encryption at rest is not enabled (no master key loaded).");
        }

        if (e.EncryptedFields.Count == 0)
        {
            return (ControlStatus.Warn, "Encryption keys are loaded but no stored field is registered as encrypted.");
        }

        if (e.RotationAge is { } age && age > o.MasterKeyRotationWarning)
        {
            return (ControlStatus.Warn, $"{e.Algorithm} is on for {e.EncryptedFields.Count} fields, but keys were last rotated {Days(age)} days ago.");
        }

        return (ControlStatus.Pass, $"{e.Algorithm} under master key {e.MasterKeyId} for {string.Join(", ", e.EncryptedFields)}.");
    }

    private static (ControlStatus, string) AuditChainIntact(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now) =>
        s.Audit switch
        {
            null => (ControlStatus.Fail, "The audit chain was not verified."),
            { Intact: true } a => (ControlStatus.Pass, a.Summary),
            var a => (ControlStatus.Fail, a.Summary),
        };

    private static (ControlStatus, string) AuditCheckpoint(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now)
    {
        if (s.Audit is not { } a)
        {
            return (ControlStatus.Fail, "The audit chain was not verified.");
        }

        if (a.UncheckpointedEvents == 0)
        {
            return (ControlStatus.Pass, a.LastCheckpoint is { } c
                ? $"Every event is covered by signed checkpoint {c.Id} ({Hours(now - c.CreatedAt)} h old)."
                : "The audit trail is empty.");
        }

        var age = now - (a.OldestUncheckpointedEventAt ?? now);
        return age <= o.CheckpointMaxAge
            ? (ControlStatus.Pass, $"{a.UncheckpointedEvents} events await the next checkpoint; the oldest is {Hours(age)} h old.")
            : (ControlStatus.Fail, $"{a.UncheckpointedEvents} events are not covered by a signed checkpoint; the oldest is {Hours(age)} h old (limit {Hours(o.CheckpointMaxAge)} h).");
    }

    private static (ControlStatus, string) Phi(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now) =>
        s.PhiSelfTestPassed switch
        {
            null => (ControlStatus.Warn, "The PHI detection self-test has not run."),
            true => (ControlStatus.Pass, "The PHI detection self-test passes."),
            false => (ControlStatus.Fail, "The PHI detection self-test fails; questions cannot be screened."),
        };

    private static (ControlStatus, string) Transport(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now) =>
        (s.TlsConfigured, s.TrustedProxyConfigured) switch
        {
            (true, _) => (ControlStatus.Pass, "TLS is served directly."),
            (false, true) => (ControlStatus.Pass, "TLS terminates at a configured trusted proxy."),
            _ => (ControlStatus.Warn, "Neither TLS nor a trusted TLS-terminating proxy is configured."),
        };

    private static (ControlStatus, string) Backup(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now)
    {
        if (s.LastBackupAt is not { } at)
        {
            return (ControlStatus.Warn, "No backup is recorded.");
        }

        var age = now - at;
        return age <= o.BackupMaxAge
            ? (ControlStatus.Pass, $"Last backup {Hours(age)} h ago.")
            : (ControlStatus.Fail, $"Last backup {Hours(age)} h ago (limit {Hours(o.BackupMaxAge)} h).");
    }

    private static (ControlStatus, string) Retention(ComplianceSnapshot s, ComplianceOptions o, DateTimeOffset now)
    {
        if (s.Retention is not { } r)
        {
            return (ControlStatus.Warn, "Retention settings were not reported.");
        }

        if (r.Audit < RetentionOptions.SixYears)
        {
            return (ControlStatus.Fail, $"Audit events are kept {Days(r.Audit)} days; at least six years are required.");
        }

        return r.Conversations is { } c
            ? (ControlStatus.Pass, $"Conversations are purged after {Days(c)} days; audit events are kept {Days(r.Audit)} days.")
            : (ControlStatus.Warn, "Retention:Conversations is not configured; conversations are kept indefinitely.");
    }

    private static string Hours(TimeSpan span) => span.TotalHours.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Days(TimeSpan span) => span.TotalDays.ToString("0", CultureInfo.InvariantCulture);
}
