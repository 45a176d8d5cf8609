using System.Security.Cryptography;

namespace ClinChat.Identity.Tokens;

/// <summary>The HMAC-SHA256 key that signs access tokens.</summary>
public sealed class JwtSigningKey
{
    /// <summary>The environment variable that names the key file (Kubernetes Secret, Vault Agent template).</summary>
    public const string FileVariable = "CLINCHAT_JWT_KEY_FILE";

    /// <summary>The configuration key that may name the key file instead.</summary>
    public const string FileSetting = "ClinChat:Identity:JwtKeyFile";

    public const int MinimumBytes = 32;

    private JwtSigningKey(byte[] key, bool ephemeral, string source)
    {
        Key = key;
        IsEphemeral = ephemeral;
        Source = source;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key))[..16];
    }

    public byte[] Key { get; }

    /// <summary>Generated for this process: tokens die with it, and replicas do not share it.</summary>
    public bool IsEphemeral { get; }

    /// <summary>Where the key came from, for logs and the compliance check (never the key itself).</summary>
    public string Source { get; }

    /// <summary>A fingerprint, not the key: the first 16 hex digits of its SHA-256.</summary>
    public string KeyId { get; }

    public static JwtSigningKey Ephemeral() => new(RandomNumberGenerator.GetBytes(MinimumBytes), ephemeral: true, "generated for this process");

    /// <summary>
    /// The key from <paramref name="keyFile"/> (base64 of at least 32 random bytes). Without a file, production refuses to
    /// start and anything else gets a per-process key.
    /// </summary>
    public static JwtSigningKey Load(string? keyFile, bool production)
    {
        if (string.IsNullOrWhiteSpace(keyFile))
        {
            return production
                ? throw new IdentityConfigurationException($"{FileVariable} (or {FileSetting}) must name a file holding the base64 of at least {MinimumBytes} random bytes: production never uses a generated or default signing key")
                : Ephemeral();
        }

        string text;
        try
        {
            text = File.ReadAllText(keyFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentityConfigurationException($"{FileVariable}: the JWT key file {keyFile} cannot be read ({e.GetType().Name})");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new IdentityConfigurationException($"{FileVariable}: the JWT key file {keyFile} must hold base64 (e.g. `openssl rand -base64 48`)");
        }

        if (Weakness(key) is { } weakness)
        {
            throw new IdentityConfigurationException($"{FileVariable}: the JWT key in {keyFile} is weak: {weakness}");
        }

        return new JwtSigningKey(key, ephemeral: false, $"file {keyFile}");
    }

    /// <summary>Why a key is too weak to sign with, or null. Catches short keys and typed-in placeholders, not subtle bias.</summary>
    internal static string? Weakness(byte[] key)
    {
        if (key.Length < MinimumBytes)
        {
            return $"{key.Length} bytes, fewer than {MinimumBytes}";
        }

        if (key.Distinct().Count() < 12)
        {
            return "too few distinct bytes to be random";
        }

        return key.All(b => b is >= 0x20 and < 0x7f) && key.Distinct().Count() < 24 ? "it looks like typed text, not random bytes" : null;
    }
}

/// <summary>A setting that prevents the service from starting; the message names the setting.</summary>
public sealed class IdentityConfigurationException(string message) : Exception(message);
