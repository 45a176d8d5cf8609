namespace ClinChat.Identity;

/// <summary>Settings of sign-in, bound from <c>ClinChat:Identity</c>. Defaults are the HIPAA-minded ones.</summary>
public sealed class IdentityOptions
{
    public const string Section = "ClinChat:Identity";

    /// <summary>Failed attempts (password or second factor) before the account locks.</summary>
    public int LockoutThreshold { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    public int MinimumPasswordLength { get; set; } = 12;

    /// <summary>Lifetime of a bearer access token. Short: revocation and idle logoff act within it at the latest.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Absolute lifetime of a session (a family of refresh tokens), whatever the activity.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Automatic logoff: a session unused for this long is ended on the server.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How stale a session's recorded last activity may get before a request writes it again.</summary>
    public TimeSpan ActivityWriteInterval { get; set; } = TimeSpan.FromSeconds(30);

    public string Issuer { get; set; } = "clinchat";

    public string Audience { get; set; } = "clinchat-api";

    /// <summary>The issuer name shown by authenticator apps.</summary>
    public string TotpIssuer { get; set; } = "ClinChat";

    public int RecoveryCodeCount { get; set; } = 10;

    /// <summary>Names the first setting that is out of range, or null when all hold.</summary>
    public string? Validate()
    {
        if (LockoutThreshold < 1)
        {
            return $"{Section}:LockoutThreshold must be at least 1";
        }

        if (LockoutDuration <= TimeSpan.Zero)
        {
            return $"{Section}:LockoutDuration must be positive";
        }

        if (MinimumPasswordLength < 12)
        {
            return $"{Section}:MinimumPasswordLength must be at least 12";
        }

        if (AccessTokenLifetime <= TimeSpan.Zero || AccessTokenLifetime > TimeSpan.FromHours(1))
        {
            return $"{Section}:AccessTokenLifetime must be between 0 and 1 hour";
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            return $"{Section}:IdleTimeout must be positive";
        }

        if (SessionLifetime < IdleTimeout)
        {
            return $"{Section}:SessionLifetime must not be shorter than IdleTimeout";
        }

        return RecoveryCodeCount is < 4 or > 20 ? $"{Section}:RecoveryCodeCount must be between 4 and 20" : null;
    }
}
