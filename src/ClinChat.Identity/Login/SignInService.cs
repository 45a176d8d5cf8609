using System.DirectoryServices.Protocols;
using System.Text.RegularExpressions;
using ClinChat.Identity.Ldap;
using ClinChat.Identity.Mfa;
using ClinChat.Identity.Passwords;
using ClinChat.Identity.Sessions;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace ClinChat.Identity.Login;

/// <summary>
/// Sign-in (local password or directory bind, lockout, second factor), token refresh, logoff and TOTP enrolment.
/// Transport-agnostic: the HTTP endpoints and tests call it alike.
/// </summary>
internal sealed partial class SignInService(
    UserStore users,
    SessionStore sessions,
    AccessTokens tokens,
    PasswordHashing hashing,
    LdapAuthenticator ldap,
    LdapOptions ldapOptions,
    ISecretProtector protector,
    IIdentityEventSink events,
    IdentityOptions options,
    TimeProvider time,
    ILogger<SignInService> logger)
{
    public static bool IsValidUsername(string? username) => username is not null && UsernamePattern().IsMatch(username);

    public async Task<SignInResult> SignInAsync(string? username, string? password, string? code, CancellationToken cancellationToken)
    {
        if (!IsValidUsername(username) || string.IsNullOrEmpty(password) || password.Length > 1024)
        {
            return await FailAsync(IdentityActions.Login, null, SignInFailure.InvalidCredentials, "malformed", cancellationToken);
        }

        var now = time.GetUtcNow();
        var user = await users.FindAsync(username!, cancellationToken);
        if (user is not null && user.IsLockedOut(now))
        {
            return await FailAsync(IdentityActions.Login, user.Username, SignInFailure.LockedOut, "locked", cancellationToken, user.LockoutUntil);
        }

        var methods = new List<string> { "pwd" };
        if (user is null || user.Source == UserSource.Ldap)
        {
            var signIn = await DirectorySignInAsync(username!, password!, cancellationToken);
            if (signIn is null)
            {
                return user is null
                    ? await FailAsync(IdentityActions.Login, username, SignInFailure.InvalidCredentials, "unknown_or_refused", cancellationToken)
                    : await CountFailureAsync(user, SignInFailure.InvalidCredentials, "directory_refused", cancellationToken);
            }

            if (signIn.Roles.Count == 0)
            {
                return await FailAsync(IdentityActions.Login, username, SignInFailure.InvalidCredentials, "no_mapped_group", cancellationToken);
            }

            await users.UpsertDirectoryUserAsync(username!, signIn.Roles, now, cancellationToken);
            user = await users.FindAsync(username!, cancellationToken);
            if (user is null || user.Source != UserSource.Ldap)
            {
                return await FailAsync(IdentityActions.Login, username, SignInFailure.InvalidCredentials, "local_account_exists", cancellationToken);
            }

            methods.Add("ldap");
        }
        else
        {
            var verified = hashing.Verify(user.PasswordHash, password!);
            if (verified == PasswordVerificationResult.Failed)
            {
                return await CountFailureAsync(user, SignInFailure.InvalidCredentials, "bad_password", cancellationToken);
            }

            if (verified == PasswordVerificationResult.SuccessRehashNeeded)
            {
                await users.SetPasswordHashAsync(user.Username, hashing.Hash(password!), cancellationToken);
            }
        }

        if (user.Disabled)
        {
            return await FailAsync(IdentityActions.Login, user.Username, SignInFailure.InvalidCredentials, "disabled", cancellationToken);
        }

        if (user.RequiresMfa)
        {
            if (!user.MfaEnabled)
            {
                await RecordAsync(IdentityActions.Login, user.Username, user.Roles, "denied", "mfa_enrollment_required", null, cancellationToken);
                return new SignInResult(SignInFailure.MfaEnrollmentRequired, Username: user.Username, EnrollmentToken: tokens.IssueEnrollment(user.Username));
            }

            if (string.IsNullOrWhiteSpace(code))
            {
                await RecordAsync(IdentityActions.Login, user.Username, user.Roles, "denied", "mfa_required", null, cancellationToken);
                return SignInResult.Fail(SignInFailure.MfaRequired);
            }

            var factor = await VerifySecondFactorAsync(user, code!, cancellationToken);
            if (factor is null)
            {
                return await CountFailureAsync(user, SignInFailure.InvalidMfaCode, "bad_mfa_code", cancellationToken);
            }

            methods.Add(factor);
            methods.Add("mfa");
        }

        await users.RecordSuccessAsync(user.Username, now, cancellationToken);
        var (sessionId, refresh) = await sessions.CreateAsync(user.Username, cancellationToken);
        await RecordAsync(IdentityActions.Login, user.Username, user.Roles, "success", string.Join('+', methods), sessionId, cancellationToken);
        return new SignInResult(SignInFailure.None, Issue(user, sessionId, refresh, methods), user.Username, user.Roles);
    }

    public async Task<SignInResult> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(refreshToken) || refreshToken.Length > 200)
        {
            return await FailAsync(IdentityActions.Refresh, null, SignInFailure.InvalidRefreshToken, "malformed", cancellationToken);
        }

        var (outcome, session, next) = await sessions.RotateAsync(refreshToken, cancellationToken);
        switch (outcome)
        {
            case RefreshOutcome.Rotated:
                break;
            case RefreshOutcome.Reused:
                IdentityLog.RefreshReuse(logger, session!.Id, session.Username);
                await RecordAsync(IdentityActions.Refresh, session.Username, [], "denied", "refresh_token_reuse_session_revoked", session.Id, cancellationToken);
                return SignInResult.Fail(SignInFailure.RefreshTokenReused);
            case RefreshOutcome.Idle or RefreshOutcome.Expired or RefreshOutcome.Revoked:
                await RecordAsync(IdentityActions.Refresh, session!.Username, [], "denied", outcome.ToString().ToLowerInvariant(), session.Id, cancellationToken);
                return SignInResult.Fail(SignInFailure.SessionExpired);
            default:
                return await FailAsync(IdentityActions.Refresh, null, SignInFailure.InvalidRefreshToken, "unknown_token", cancellationToken);
        }

        // Roles, lockout and disabling are re-read at each refresh: a change takes effect within one access token lifetime.
        var user = await users.FindAsync(session!.Username, cancellationToken);
        if (user is null || user.Disabled || user.IsLockedOut(time.GetUtcNow()) || user.Roles.Count == 0)
        {
            await sessions.RevokeAsync(session.Id, "account_unavailable", cancellationToken);
            return await FailAsync(IdentityActions.Refresh, session.Username, SignInFailure.SessionExpired, "account_unavailable", cancellationToken);
        }

        await RecordAsync(IdentityActions.Refresh, user.Username, user.Roles, "success", null, session.Id, cancellationToken);
        var methods = user.MfaEnabled ? new[] { "pwd", "mfa" } : ["pwd"];
        return new SignInResult(SignInFailure.None, Issue(user, session.Id, next!, methods), user.Username, user.Roles);
    }

    public async Task<bool> SignOutAsync(string username, string sessionId, CancellationToken cancellationToken)
    {
        var revoked = await sessions.RevokeAsync(sessionId, "logout", cancellationToken);
        await RecordAsync(IdentityActions.Logout, username, [], revoked ? "success" : "noop", null, sessionId, cancellationToken);
        return revoked;
    }

    /// <summary>The per-request session check (automatic logoff); records the end of a session that went idle.</summary>
    public async Task<SessionState> CheckSessionAsync(string username, string sessionId, CancellationToken cancellationToken)
    {
        var state = await sessions.TouchAsync(sessionId, cancellationToken);
        if (state == SessionState.Idle)
        {
            await RecordAsync(IdentityActions.SessionEnded, username, [], "success", "idle_timeout", sessionId, cancellationToken);
        }

        return state;
    }

    /// <summary>Starts TOTP enrolment: a new pending secret. Refused (null) while a confirmed factor exists.</summary>
    public async Task<MfaEnrollment?> BeginEnrollmentAsync(string username, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(username, cancellationToken);
        if (user is null || user.MfaEnabled || user.Disabled)
        {
            return null;
        }

        var secret = TotpCodes.NewSecret();
        await users.SetPendingMfaSecretAsync(username, protector.Protect(secret), cancellationToken);
        await RecordAsync(IdentityActions.MfaEnroll, username, user.Roles, "success", "pending", null, cancellationToken);
        return new MfaEnrollment(TotpCodes.ToBase32(secret), TotpCodes.OtpAuthUri(options.TotpIssuer, username, secret));
    }

    /// <summary>Confirms enrolment with a first code; returns the recovery codes (shown once), or null for a wrong code.</summary>
    public async Task<IReadOnlyList<string>?> ConfirmEnrollmentAsync(string username, string? code, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(username, cancellationToken);
        if (user?.ProtectedMfaSecret is null || user.MfaEnabled || string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var step = TotpCodes.Verify(protector.Unprotect(user.ProtectedMfaSecret), code, time.GetUtcNow());
        if (step is null)
        {
            await CountFailureAsync(user, SignInFailure.InvalidMfaCode, "bad_enrollment_code", cancellationToken, IdentityActions.MfaConfirm);
            return null;
        }

        var recovery = RecoveryCodes.Generate(options.RecoveryCodeCount);
        await users.EnableMfaAsync(username, step.Value, recovery.Select(RecoveryCodes.Hash).ToList(), cancellationToken);
        await RecordAsync(IdentityActions.MfaConfirm, username, user.Roles, "success", null, null, cancellationToken);
        return recovery;
    }

    private async Task<LdapSignIn?> DirectorySignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (!ldapOptions.Enabled)
        {
            // Same cost as a wrong password, so the response time does not tell whether the name exists.
            hashing.Verify(null, password);
            return null;
        }

        try
        {
            return await ldap.AuthenticateAsync(username, password, cancellationToken);
        }
        catch (Exception e) when (e is LdapException or DirectoryOperationException or IOException)
        {
            // Directory down or misconfigured: refuse (fail closed) and say why in the log, not to the client.
            IdentityLog.LdapFailed(logger, e.GetType().Name, e);
            return null;
        }
    }

    /// <summary>"totp" or "recovery" when the code is right (and unused), else null.</summary>
    private async Task<string?> VerifySecondFactorAsync(UserRecord user, string code, CancellationToken cancellationToken)
    {
        if (RecoveryCodes.LooksLikeRecoveryCode(code))
        {
            return await users.ConsumeRecoveryCodeAsync(user, RecoveryCodes.Hash(code), cancellationToken) ? "recovery" : null;
        }

        var step = TotpCodes.Verify(protector.Unprotect(user.ProtectedMfaSecret!), code, time.GetUtcNow());
        return step is { } s && await users.ClaimTotpStepAsync(user.Username, s, cancellationToken) ? "otp" : null;
    }

    private AuthTokens Issue(UserRecord user, string sessionId, string refresh, IReadOnlyList<string> methods) =>
        new(tokens.Issue(user.Username, user.Roles, sessionId, methods), refresh, (int)options.AccessTokenLifetime.TotalSeconds);

    private async Task<SignInResult> CountFailureAsync(UserRecord user, SignInFailure failure, string reason, CancellationToken cancellationToken, string action = IdentityActions.Login)
    {
        var lockedUntil = await users.RecordFailureAsync(user.Username, options.LockoutThreshold, time.GetUtcNow() + options.LockoutDuration, cancellationToken);
        if (lockedUntil is { } until)
        {
            IdentityLog.LockedOut(logger, user.Username, until);
            await RecordAsync(action, user.Username, user.Roles, "denied", reason + ";locked_out", null, cancellationToken);
            return SignInResult.Fail(SignInFailure.LockedOut, until);
        }

        await RecordAsync(action, user.Username, user.Roles, "denied", reason, null, cancellationToken);
        return SignInResult.Fail(failure);
    }

    private async Task<SignInResult> FailAsync(string action, string? username, SignInFailure failure, string reason, CancellationToken cancellationToken, DateTimeOffset? retryAfter = null)
    {
        await RecordAsync(action, username, [], "denied", reason, null, cancellationToken);
        return SignInResult.Fail(failure, retryAfter);
    }

    private Task RecordAsync(string action, string? username, IReadOnlyList<string> roles, string outcome, string? reason, string? sessionId, CancellationToken cancellationToken) =>
        events.RecordAsync(new IdentityEvent(action, username, roles, outcome, reason, sessionId, time.GetUtcNow()), cancellationToken);

    // Letters, digits and . _ - @, starting with a letter or digit: safe in logs, LDAP filters and DNs once escaped.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex UsernamePattern();
}
