namespace ClinChat.Identity.Login;

/// <summary>Tokens handed to a signed-in client. <see cref="ExpiresIn"/> is the access token's lifetime in seconds.</summary>
public sealed record AuthTokens(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>Why a sign-in or refresh was refused. The names are the problem types of the HTTP API.</summary>
public enum SignInFailure
{
    None,

    /// <summary>Wrong user name or password (indistinguishable on purpose).</summary>
    InvalidCredentials,

    /// <summary>The password was right and the account needs a TOTP (or recovery) code.</summary>
    MfaRequired,

    InvalidMfaCode,

    /// <summary>The password was right, the role needs MFA, and none is enrolled: an enrolment token is issued.</summary>
    MfaEnrollmentRequired,

    LockedOut,

    InvalidRefreshToken,

    RefreshTokenReused,

    SessionExpired,
}

public sealed record SignInResult(SignInFailure Failure, AuthTokens? Tokens = null, string? Username = null, IReadOnlyList<string>? Roles = null, DateTimeOffset? RetryAfter = null, string? EnrollmentToken = null)
{
    public bool Succeeded => Failure == SignInFailure.None;

    public static SignInResult Fail(SignInFailure failure, DateTimeOffset? retryAfter = null) => new(failure, RetryAfter: retryAfter);
}

/// <summary>What a new TOTP enrolment gives the user: the secret (base32) and its otpauth:// URI for a QR code.</summary>
public sealed record MfaEnrollment(string Secret, string OtpAuthUri);

/// <summary>A user as the CLI and the API show it (no hashes, no secrets).</summary>
public sealed record UserSummary(string Username, string Source, IReadOnlyList<string> Roles, bool MfaEnabled, bool MfaRequired, bool Locked, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt);

/// <summary>A user created by <c>clinchat users add</c>: the generated password and, for privileged roles, the enrolled second factor.</summary>
public sealed record CreatedUser(UserSummary User, string? GeneratedPassword, MfaEnrollment? Mfa, IReadOnlyList<string>? RecoveryCodes);
