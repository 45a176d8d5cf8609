using System.Security.Cryptography;
using System.Text;
using ClinChat.Security.Secrets;

namespace ClinChat.Security.Audit;

/// <summary>
/// HMAC-SHA256 keys for checkpoint signatures. They live outside the database (file or environment), so someone who
/// can write the database cannot forge a checkpoint. The current key signs; previous keys still verify old checkpoints.
/// </summary>
public sealed class AuditSigningKeys
{
    public const string Variable = "CLINCHAT_AUDIT_SIGNING_KEY";
    public const string PreviousVariable = "CLINCHAT_AUDIT_SIGNING_KEY_PREVIOUS";
    public const int MinimumKeyBytes = 32;

    private readonly byte[] _current;
    private readonly Dictionary<string, byte[]> _byId = new(StringComparer.Ordinal);

    public AuditSigningKeys(byte[] current, SecretOrigin origin, params IReadOnlyList<byte[]> previous)
    {
        if (current.Length < MinimumKeyBytes)
        {
            throw new SecurityConfigurationException(Variable, $"the signing key must be at least {MinimumKeyBytes} bytes.");
        }

        _current = current.ToArray();
        CurrentKeyId = KeyIdOf(_current);
        Origin = origin;
        _byId[CurrentKeyId] = _current;
        foreach (var key in previous)
        {
            _byId.TryAdd(KeyIdOf(key), key.ToArray());
        }
    }

    public string CurrentKeyId { get; }

    public SecretOrigin Origin { get; }

    /// <summary>Reads <c>CLINCHAT_AUDIT_SIGNING_KEY_FILE</c> or <c>CLINCHAT_AUDIT_SIGNING_KEY</c> (base64, at least 32 bytes), plus the optional <c>…_PREVIOUS</c> pair.</summary>
    public static AuditSigningKeys FromEnvironment(Func<string, string?>? environment = null)
    {
        var current = SecretSource.TryLoadKey(Variable, MinimumKeyBytes, exact: false, environment)
            ?? throw new SecurityConfigurationException(Variable, $"no audit signing key; set {Variable}_FILE (a file holding base64 of at least {MinimumKeyBytes} bytes) or {Variable}.");
        var previous = SecretSource.TryLoadKey(PreviousVariable, MinimumKeyBytes, exact: false, environment);
        return previous is { } p
            ? new AuditSigningKeys(current.Key, current.Origin, p.Key)
            : new AuditSigningKeys(current.Key, current.Origin);
    }

    /// <summary>A fresh random key, base64-encoded, for <c>clinchat audit keygen</c>-style bootstrap and tests.</summary>
    public static string GenerateBase64() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes));

    /// <summary>A short public identifier of a key (a hash prefix), safe to store and log.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> key)
    {
        var material = new byte[key.Length + 24];
        Encoding.ASCII.GetBytes("clinchat-audit-key-id/v1").CopyTo(material, 0);
        key.CopyTo(material.AsSpan(24));
        return "hmac-" + Convert.ToHexStringLower(SHA256.HashData(material))[..16];
    }

    internal string Sign(byte[] payload) => Convert.ToHexStringLower(HMACSHA256.HashData(_current, payload));

    internal bool? Verify(string keyId, byte[] payload, string signature)
    {
        if (!_byId.TryGetValue(keyId, out var key))
        {
            return null;
        }

        var expected = HMACSHA256.HashData(key, payload);
        byte[] actual;
        try
        {
            actual = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
