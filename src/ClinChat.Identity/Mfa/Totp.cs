using System.Security.Cryptography;
using OtpNet;

namespace ClinChat.Identity.Mfa;

/// <summary>RFC 6238 TOTP (SHA-1, 6 digits, 30 s) as authenticator apps expect, accepting one step either side for clock skew.</summary>
internal static class TotpCodes
{
    public const int SecretBytes = 20;

    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(SecretBytes);

    public static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    public static string OtpAuthUri(string issuer, string username, byte[] secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(username)}?secret={ToBase32(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The matched time step, or null when the code is not valid within ±1 step of <paramref name="now"/>.</summary>
    public static long? Verify(byte[] secret, string code, DateTimeOffset now)
    {
        var digits = new string(code.Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(secret);
        return totp.VerifyTotp(now.UtcDateTime, digits, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>The code for a moment (tests and the CLI's self-check).</summary>
    public static string Compute(byte[] secret, DateTimeOffset now) => new Totp(secret).ComputeTotp(now.UtcDateTime);
}

/// <summary>Single-use recovery codes: 16 characters of base32 (80 bits) in groups of four, stored as SHA-256 hashes.</summary>
internal static class RecoveryCodes
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static IReadOnlyList<string> Generate(int count) => Enumerable.Range(0, count)
        .Select(_ => RandomNumberGenerator.GetString(Alphabet, 16))
        .Select(c => $"{c[..4]}-{c[4..8]}-{c[8..12]}-{c[12..]}")
        .ToList();

    /// <summary>High-entropy codes need no slow hash: SHA-256 of the normalised code (no dashes, upper case).</summary>
    public static string Hash(string code)
    {
        var normalised = new string(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(normalised)));
    }

    public static bool LooksLikeRecoveryCode(string value) =>
        value.Count(char.IsAsciiLetterOrDigit) == 16 && value.Any(char.IsAsciiLetter);
}
