using System.Text;

using ClinChat.Security.Secrets;

namespace ClinChat.Security.Compliance;

public enum SecretState
{
    Strong,
    Missing,
    /// <summary>A value shipped in samples, documentation or development defaults.</summary>
    Default,
    Weak,
}

/// <summary>The assessment of one secret setting. Holds the setting name only, never the value.</summary>
public sealed record SecretCheck(string Setting, SecretState State, string Reason);

/// <summary>Judges secrets without keeping them: the host assesses at start and passes the <see cref="SecretCheck"/>s on.</summary>
public static class SecretPolicy
{
    public const int MinimumKeyBytes = 32;

    private static readonly HashSet<string> KnownDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        "changeme", "change-me", "changeit", "secret", "password", "admin", "default", "development", "dev", "test",
        "clinchat", "letmein", "12345678", "123456789", "1234567890", "please-change-me", "your-secret-key",
        "supersecret", "super-secret-key", "insecure", "example",
    };

    /// <summary>
    /// Assesses a textual secret: a signing key (base64 or text, at least <paramref name="minimumBytes"/> bytes) or a
    /// password (pass a smaller minimum, e.g. 16). <paramref name="knownDefaults"/> adds values the host ships.
    /// </summary>
    public static SecretCheck Assess(string setting, string? value, int minimumBytes = MinimumKeyBytes, IEnumerable<string>? knownDefaults = null)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new SecretCheck(setting, SecretState.Missing, $"{setting} is not set.");
        }

        var trimmed = value.Trim();
        if (KnownDefaults.Contains(trimmed) || (knownDefaults?.Contains(trimmed, StringComparer.Ordinal) ?? false)
            || trimmed.Contains("change", StringComparison.OrdinalIgnoreCase) && trimmed.Contains("me", StringComparison.OrdinalIgnoreCase))
        {
            return new SecretCheck(setting, SecretState.Default, $"{setting} is a known default value.");
        }

        var bytes = TryBase64(trimmed) ?? Encoding.UTF8.GetBytes(trimmed);
        return AssessKey(setting, bytes, minimumBytes);
    }

    /// <summary>Assesses binary key material: at least <paramref name="minimumBytes"/> bytes (32 by default) and not trivially repetitive.</summary>
    public static SecretCheck AssessKey(string setting, ReadOnlySpan<byte> key, int minimumBytes = MinimumKeyBytes)
    {
        if (key.IsEmpty)
        {
            return new SecretCheck(setting, SecretState.Missing, $"{setting} is not set.");
        }

        if (key.Length < minimumBytes)
        {
            return new SecretCheck(setting, SecretState.Weak, $"{setting} holds {key.Length} bytes; at least {minimumBytes} are required.");
        }

        var distinct = new HashSet<byte>();
        foreach (var b in key)
        {
            distinct.Add(b);
        }

        if (distinct.Count < 8)
        {
            return new SecretCheck(setting, SecretState.Weak, $"{setting} has too little variety to be a random key.");
        }

        return new SecretCheck(setting, SecretState.Strong, $"{setting} is set and strong.");
    }

    /// <summary>In production the service refuses to start with a default, weak or missing secret. The message names settings only.</summary>
    public static void ThrowIfUnsafeForProduction(IEnumerable<SecretCheck> checks)
    {
        var bad = checks.Where(c => c.State != SecretState.Strong).ToList();
        if (bad.Count > 0)
        {
            throw new SecurityConfigurationException(
                string.Join(", ", bad.Select(c => c.Setting)),
                "production refuses to start with default, weak or missing secrets: " + string.Join(" ", bad.Select(c => c.Reason)));
        }
    }

    private static byte[]? TryBase64(string text)
    {
        if (text.Length < 16 || text.Length % 4 != 0)
        {
            return null;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
