using ClinChat.Identity.Login;
using ClinChat.Identity.Mfa;
using ClinChat.Identity.Passwords;
using ClinChat.Identity.Sessions;

namespace ClinChat.Identity.Users;

/// <summary>Outcome of an administrative change; <see cref="Error"/> says why it was refused.</summary>
public sealed record AdministrationResult<T>(T? Value, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Account administration behind <c>clinchat users …</c>: run by whoever holds the data directory, so it needs no
/// sign-in. Privileged accounts get their second factor at creation (printed once), which makes the first admin's
/// bootstrap a single command.
/// </summary>
internal sealed class UserAdministration(
    UserStore users,
    SessionStore sessions,
    PasswordHashing hashing,
    PasswordPolicy policy,
    ISecretProtector protector,
    IIdentityEventSink events,
    IdentityOptions options,
    TimeProvider time)
{
    public async Task<AdministrationResult<CreatedUser>> CreateAsync(string username, IReadOnlyList<string> roles, string? password, CancellationToken cancellationToken)
    {
        if (!SignInService.IsValidUsername(username))
        {
            return new(null, "the user name must be 1-64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit");
        }

        if (roles.Count == 0)
        {
            return new(null, $"at least one role is required ({string.Join(", ", Roles.All)})");
        }

        if (roles.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown)
        {
            return new(null, $"unknown role '{unknown}' (roles: {string.Join(", ", Roles.All)})");
        }

        var generated = password is null ? PasswordPolicy.Generate() : null;
        var effective = password ?? generated!;
        if (policy.Check(username, effective) is { } weakness)
        {
            return new(null, weakness);
        }

        var now = time.GetUtcNow();
        MfaEnrollment? enrollment = null;
        IReadOnlyList<string>? recovery = null;
        string? protectedSecret = null;
        if (Roles.RequireMfa(roles))
        {
            var secret = TotpCodes.NewSecret();
            protectedSecret = protector.Protect(secret);
            enrollment = new MfaEnrollment(TotpCodes.ToBase32(secret), TotpCodes.OtpAuthUri(options.TotpIssuer, username, secret));
            recovery = RecoveryCodes.Generate(options.RecoveryCodeCount);
        }

        var record = new UserRecord(
            username,
            UserSource.Local,
            roles.Distinct(StringComparer.Ordinal).ToList(),
            hashing.Hash(effective),
            0,
            null,
            protectedSecret,
            protectedSecret is not null,
            0,
            recovery?.Select(RecoveryCodes.Hash).ToList() ?? [],
            false,
            now,
            null);
        if (!await users.CreateAsync(record, cancellationToken))
        {
            return new(null, $"user '{username}' already exists");
        }

        await events.RecordAsync(new IdentityEvent(IdentityActions.UserCreate, username, record.Roles, "success", "cli", null, now), cancellationToken);
        return new(new CreatedUser(Summarise(record, now), generated, enrollment, recovery), null);
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return (await users.ListAsync(cancellationToken)).Select(u => Summarise(u, now)).ToList();
    }

    /// <summary>Removes the second factor and ends the user's sessions (a lost phone); privileged users re-enrol at next sign-in.</summary>
    public Task<AdministrationResult<UserSummary>> ResetMfaAsync(string username, CancellationToken cancellationToken) =>
        ChangeAsync(username, "mfa_reset", cancellationToken, users.ResetMfaAsync);

    public Task<AdministrationResult<UserSummary>> UnlockAsync(string username, CancellationToken cancellationToken) =>
        ChangeAsync(username, "unlock", cancellationToken, users.UnlockAsync);

    public Task<AdministrationResult<UserSummary>> SetDisabledAsync(string username, bool disabled, CancellationToken cancellationToken) =>
        ChangeAsync(username, disabled ? "disable" : "enable", cancellationToken, (u, ct) => users.SetDisabledAsync(u, disabled, ct));

    private async Task<AdministrationResult<UserSummary>> ChangeAsync(string username, string reason, CancellationToken cancellationToken, Func<string, CancellationToken, Task> change)
    {
        var user = await users.FindAsync(username, cancellationToken);
        if (user is null)
        {
            return new(null, $"no user '{username}'");
        }

        await change(user.Username, cancellationToken);
        if (reason is "mfa_reset" or "disable")
        {
            await sessions.RevokeAllAsync(user.Username, reason, cancellationToken);
        }

        var now = time.GetUtcNow();
        await events.RecordAsync(new IdentityEvent(IdentityActions.UserUpdate, user.Username, user.Roles, "success", reason, null, now), cancellationToken);
        var updated = await users.FindAsync(user.Username, cancellationToken);
        return new(Summarise(updated!, now), null);
    }

    private static UserSummary Summarise(UserRecord user, DateTimeOffset now) => new(
        user.Username,
        UserStore.SourceName(user.Source),
        user.Roles,
        user.MfaEnabled,
        user.RequiresMfa,
        user.IsLockedOut(now),
        user.Disabled,
        user.CreatedAt,
        user.LastLoginAt);
}
