using System.Security.Cryptography;
using System.Text;
using ClinChat.Security.Secrets;

namespace ClinChat.Security.Encryption;

/// <summary>
/// The key-encryption key (256 bits). It never touches the database: it comes from <c>CLINCHAT_MASTER_KEY_FILE</c>
/// (a file holding base64 of 32 bytes, as a Kubernetes secret or Vault Agent delivers it) or <c>CLINCHAT_MASTER_KEY</c>.
/// Its id is a hash prefix, safe to store and report.
/// </summary>
public sealed class MasterKey : IDisposable
{
    public const string Variable = "CLINCHAT_MASTER_KEY";
    public const int KeyBytes = 32;

    private readonly byte[] _key;

    private MasterKey(byte[] key, SecretOrigin origin)
    {
        if (key.Length != KeyBytes)
        {
            throw new SecurityConfigurationException(Variable, $"the master key must be exactly {KeyBytes} bytes.");
        }

        _key = key.ToArray();
        Origin = origin;
        Id = IdOf(_key);
    }

    public string Id { get; }

    public SecretOrigin Origin { get; }

    internal ReadOnlySpan<byte> Bytes => _key;

    public static MasterKey FromEnvironment(Func<string, string?>? environment = null)
    {
        var loaded = SecretSource.TryLoadKey(Variable, KeyBytes, exact: true, environment)
            ?? throw new SecurityConfigurationException(Variable, $"no master key; set {Variable}_FILE (a file holding base64 of {KeyBytes} bytes) or {Variable}.");
        return new MasterKey(loaded.Key, loaded.Origin);
    }

    /// <summary>Reads a key file (base64 of 32 bytes), e.g. the new key for <c>clinchat keys rotate --new-key-file</c>.</summary>
    public static MasterKey FromFile(string path, string settingName = Variable + "_FILE") =>
        new(SecretSource.LoadKeyFile(settingName, path, KeyBytes, exact: true), SecretOrigin.File);

    public static MasterKey FromBytes(ReadOnlySpan<byte> key) => new(key.ToArray(), SecretOrigin.Supplied);

    /// <summary>A new random key as base64, for provisioning (write it to the secret store, not to configuration files).</summary>
    public static string GenerateBase64() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static string IdOf(ReadOnlySpan<byte> key)
    {
        var material = new byte[key.Length + 25];
        Encoding.ASCII.GetBytes("clinchat-master-key-id/v1").CopyTo(material, 0);
        key.CopyTo(material.AsSpan(25));
        return "mk-" + Convert.ToHexStringLower(SHA256.HashData(material))[..16];
    }
}
