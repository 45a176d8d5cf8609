using ClinChat.Identity;
using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Secrets;

namespace ClinChat.Security;

/// <summary>
/// Where the master key and the audit signing key come from. A deployment supplies them (<c>CLINCHAT_MASTER_KEY[_FILE]</c>,
/// <c>CLINCHAT_AUDIT_SIGNING_KEY[_FILE]</c>); production refuses to start without them. The embedded development mode
/// (a bare <c>clinchat serve</c>) generates them once under <c>&lt;data-dir&gt;/keys/</c> (mode 0600) so the README's
/// zero-configuration start keeps working and the data stays readable across restarts.
/// </summary>
internal sealed record SecurityKeys(Func<string, string?> Environment, bool DevelopmentKeys, string KeyDirectory)
{
    public const string MasterKeyFileName = "master.key";
    public const string SigningKeyFileName = "audit-signing.key";

    public static SecurityKeys Resolve(IConfiguration configuration, string dataDirectory)
    {
        var keyDirectory = Path.Combine(Path.GetFullPath(dataDirectory), "keys");
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        var production = DeploymentMode.IsProduction(configuration);
        var development = false;
        foreach (var (variable, file, generate) in new (string, string, Func<string>)[]
        {
            (MasterKey.Variable, MasterKeyFileName, MasterKey.GenerateBase64),
            (AuditSigningKeys.Variable, SigningKeyFileName, AuditSigningKeys.GenerateBase64),
        })
        {
            if (!string.IsNullOrWhiteSpace(configuration[variable + "_FILE"]) || !string.IsNullOrWhiteSpace(configuration[variable]))
            {
                continue;
            }

            if (production)
            {
                throw new SecurityConfigurationException(variable + "_FILE",
                    $"production refuses to start without it: set {variable}_FILE to a file holding base64 of 32 random bytes (openssl rand -base64 32).");
            }

            overrides[variable + "_FILE"] = EnsureKeyFile(Path.Combine(keyDirectory, file), generate);
            development = true;
        }

        return new SecurityKeys(
            name => overrides.TryGetValue(name, out var value) ? value : configuration[name],
            development,
            keyDirectory);
    }

    /// <summary>The development master key file, when the master key came from there (rotation replaces it).</summary>
    public string? DevelopmentMasterKeyFile(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[MasterKey.Variable + "_FILE"]) && string.IsNullOrWhiteSpace(configuration[MasterKey.Variable])
            ? Path.Combine(KeyDirectory, MasterKeyFileName)
            : null;

    internal static string EnsureKeyFile(string path, Func<string> generate)
    {
        if (File.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(generate());
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (the server and a CLI command starting together) created it first: use theirs.
        }

        return path;
    }

    /// <summary>Replaces a key file's content atomically, keeping mode 0600.</summary>
    internal static void ReplaceKeyFile(string path, string base64)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        EnsureKeyFile(temporary, () => base64);
        File.Move(temporary, path, overwrite: true);
    }
}
