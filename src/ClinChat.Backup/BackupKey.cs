using System.Security.Cryptography;
using System.Text;

namespace ClinChat.Backup;

/// <summary>
/// The AES-256 backup key. It never goes into the database or the backup: it comes from <c>CLINCHAT_BACKUP_KEY_FILE</c>
/// (a file holding base64 of 32 bytes), <c>CLINCHAT_BACKUP_KEY</c> or the setting <c>ClinChat:Backup:KeyFile</c>.
/// Its id (a hash prefix) is safe to store in the manifest and to print.
/// </summary>
public sealed class BackupKey : IDisposable
{
    public const string Variable = "CLINCHAT_BACKUP_KEY";
    public const string FileVariable = "CLINCHAT_BACKUP_KEY_FILE";
    public const string FileSetting = "ClinChat:Backup:KeyFile";
    public const int KeyBytes = 32;

    private readonly byte[] _key;

    private BackupKey(byte[] key, string origin)
    {
        if (key.Length != KeyBytes)
        {
            throw new BackupException($"the backup key from {origin} decodes to {key.Length} bytes; exactly {KeyBytes} are required.");
        }

        _key = key;
        Origin = origin;
        Id = IdOf(key);
    }

    /// <summary>Hash prefix of the key, e.g. <c>bk-3f2a…</c>; recorded in every manifest so a wrong key is named before decrypting.</summary>
    public string Id { get; }

    /// <summary>Where the key came from (a variable or setting name, or a path), never the key.</summary>
    public string Origin { get; }

    internal ReadOnlySpan<byte> Bytes => _key;

    public static BackupKey FromBytes(ReadOnlySpan<byte> key) => new(key.ToArray(), "supplied");

    public static BackupKey FromFile(string path, string settingName)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException($"{settingName}: the key file cannot be read ({ex.GetType().Name}).");
        }

        return new BackupKey(Decode(settingName, text), settingName);
    }

    /// <summary>
    /// Resolves the key: <c>CLINCHAT_BACKUP_KEY_FILE</c>, then <c>CLINCHAT_BACKUP_KEY</c>, then the setting
    /// <c>ClinChat:Backup:KeyFile</c>. With none of them, returns <c>null</c>.
    /// </summary>
    public static BackupKey? TryResolve(Func<string, string?> settings)
    {
        if (settings(FileVariable) is { Length: > 0 } file && !string.IsNullOrWhiteSpace(file))
        {
            return FromFile(file.Trim(), FileVariable);
        }

        if (settings(Variable) is { Length: > 0 } inline && !string.IsNullOrWhiteSpace(inline))
        {
            return new BackupKey(Decode(Variable, inline), Variable);
        }

        if (settings(FileSetting) is { Length: > 0 } setting && !string.IsNullOrWhiteSpace(setting))
        {
            return FromFile(setting.Trim(), FileSetting);
        }

        return null;
    }

    /// <summary>
    /// The embedded, non-production fallback: <c>&lt;data-dir&gt;/keys/backup.key</c>, created once (mode 0600).
    /// <paramref name="created"/> tells the caller to say so, because a key that lives beside the data is lost with it.
    /// </summary>
    public static BackupKey LoadOrCreateLocal(string dataDirectory, out bool created)
    {
        var path = LocalKeyPath(dataDirectory);
        created = false;
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var key = RandomNumberGenerator.GetBytes(KeyBytes);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, options);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
                created = true;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use theirs.
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        return FromFile(path, path);
    }

    public static string LocalKeyPath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "keys", "backup.key");

    /// <summary>A new random key as base64, for provisioning.</summary>
    public static string GenerateBase64() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static byte[] Decode(string settingName, string text)
    {
        try
        {
            return Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new BackupException($"{settingName}: the value is not valid base64 (expected base64 of {KeyBytes} bytes).");
        }
    }

    private static string IdOf(ReadOnlySpan<byte> key)
    {
        var label = Encoding.ASCII.GetBytes("clinchat-backup-key-id/v1");
        var material = new byte[label.Length + key.Length];
        label.CopyTo(material, 0);
        key.CopyTo(material.AsSpan(label.Length));
        var id = "bk-" + Convert.ToHexStringLower(SHA256.HashData(material))[..16];
        CryptographicOperations.ZeroMemory(material);
        return id;
    }
}

/// <summary>An expected failure of a backup, verification or restore, with a message fit for one line on stderr (no secrets, no PHI).</summary>
public sealed class BackupException(string message) : Exception(message);
