namespace ClinChat.Identity;

/// <summary>
/// One authentication or account event, for the audit trail. Carries names and outcomes only: never a password, code,
/// token or secret.
/// </summary>
public sealed record IdentityEvent(
    string Action,
    string? Username,
    IReadOnlyList<string> Roles,
    string Outcome,
    string? Reason,
    string? SessionId,
    DateTimeOffset At);

/// <summary>Seam to the audit trail: the host registers the audit writer; the default only logs.</summary>
public interface IIdentityEventSink
{
    Task RecordAsync(IdentityEvent identityEvent, CancellationToken cancellationToken);
}

/// <summary>Action names of <see cref="IdentityEvent"/> (stable: audit queries filter on them).</summary>
public static class IdentityActions
{
    public const string Login = "auth.login";
    public const string Refresh = "auth.refresh";
    public const string Logout = "auth.logout";
    public const string SessionEnded = "auth.session_ended";
    public const string MfaEnroll = "auth.mfa_enroll";
    public const string MfaConfirm = "auth.mfa_confirm";
    public const string UserCreate = "user.create";
    public const string UserUpdate = "user.update";
}
