using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClinChat.Identity.Tokens;

/// <summary>The claims ClinChat puts in its tokens (short JWT names; inbound claim mapping is off).</summary>
public static class ClinChatClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Session = "sid";
    public const string AuthenticationMethods = "amr";

    /// <summary>Set on a token that may only enrol a second factor (<see cref="EnrollmentPurpose"/>).</summary>
    public const string Purpose = "purpose";

    public const string EnrollmentPurpose = "mfa_enrollment";
}

/// <summary>Issues short-lived HMAC-SHA256 access tokens and validates them (the web host uses the same parameters).</summary>
public sealed class AccessTokens(JwtSigningKey key, IdentityOptions options, TimeProvider time)
{
    private static readonly TimeSpan EnrollmentLifetime = TimeSpan.FromMinutes(10);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public SymmetricSecurityKey SecurityKey { get; } = new(key.Key) { KeyId = key.KeyId };

    public TimeSpan Lifetime => options.AccessTokenLifetime;

    public string Issue(string username, IReadOnlyList<string> roles, string sessionId, IReadOnlyList<string> methods) =>
        Create(username, options.AccessTokenLifetime, new Dictionary<string, object>
        {
            [ClinChatClaims.Role] = roles.ToArray(),
            [ClinChatClaims.Session] = sessionId,
            [ClinChatClaims.AuthenticationMethods] = methods.ToArray(),
        });

    /// <summary>A token with no roles and no session that only the MFA enrolment endpoints accept.</summary>
    public string IssueEnrollment(string username) =>
        Create(username, EnrollmentLifetime, new Dictionary<string, object>
        {
            [ClinChatClaims.Purpose] = ClinChatClaims.EnrollmentPurpose,
            [ClinChatClaims.AuthenticationMethods] = new[] { "pwd" },
        });

    /// <summary>Validation on the same clock as issue (<see cref="TimeProvider"/>), with 30 s of skew.</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = SecurityKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        NameClaimType = ClinChatClaims.Subject,
        RoleClaimType = ClinChatClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(30),
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var skew = TimeSpan.FromSeconds(30);
            return expires is { } e && e + skew > now && (notBefore is not { } nb || nb - skew <= now);
        },
    };

    public async Task<TokenValidationResult> ValidateAsync(string token) => await _handler.ValidateTokenAsync(token, ValidationParameters());

    private string Create(string username, TimeSpan lifetime, Dictionary<string, object> claims)
    {
        var now = time.GetUtcNow().UtcDateTime;
        claims[ClinChatClaims.Subject] = username;
        claims["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SecurityKey, SecurityAlgorithms.HmacSha256),
        });
    }
}
