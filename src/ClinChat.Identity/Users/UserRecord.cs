namespace ClinChat.Identity.Users;

/// <summary>Where a user's password is checked.</summary>
public enum UserSource
{
    Local,

    /// <summary>A directory account: the password is the directory's, roles come from its groups at each sign-in.</summary>
    Ldap,
}

/// <summary>One row of <c>users</c>. The MFA secret is stored protected (<see cref="Mfa.ISecretProtector"/>).</summary>
public sealed record UserRecord(
    string Username,
    UserSource Source,
    IReadOnlyList<string> Roles,
    string? PasswordHash,
    int FailedAttempts,
    DateTimeOffset? LockoutUntil,
    string? ProtectedMfaSecret,
    bool MfaEnabled,
    long MfaLastStep,
    IReadOnlyList<string> RecoveryCodeHashes,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastLoginAt)
{
    public bool IsLockedOut(DateTimeOffset now) => LockoutUntil is { } until && until > now;

    public bool RequiresMfa => MfaEnabled || ClinChat.Identity.Roles.RequireMfa(Roles);
}
