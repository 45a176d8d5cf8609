namespace ClinChat.Security.Secrets;

/// <summary>Where a key came from; reported in status objects, never the key itself.</summary>
public enum SecretOrigin
{
    File,
    Environment,
    Supplied,
}

/// <summary>
/// Reads binary keys the way Vault Agent or a Kubernetes secret delivers them: <c>NAME_FILE</c> names a file holding
/// base64 (the file wins), otherwise <c>NAME</c> holds the base64 itself. Error messages name the variable, never a value.
/// </summary>
public static class SecretSource
{
    /// <summary>Loads a base64-encoded key of exactly <paramref name="length"/> bytes, or at least that many when <paramref name="exact"/> is false.</summary>
    /// <returns>The key and its origin, or <c>null</c> when neither variable is set.</returns>
    public static (byte[] Key, SecretOrigin Origin)? TryLoadKey(string variable, int length, bool exact, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var fileVariable = variable + "_FILE";
        var path = environment(fileVariable);
        if (!string.IsNullOrWhiteSpace(path))
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SecurityConfigurationException(fileVariable, $"the file it names cannot be read ({ex.GetType().Name}).");
            }

            return (Decode(fileVariable, text, length, exact), SecretOrigin.File);
        }

        var inline = environment(variable);
        if (!string.IsNullOrWhiteSpace(inline))
        {
            return (Decode(variable, inline, length, exact), SecretOrigin.Environment);
        }

        return null;
    }

    /// <summary>Loads a key from a file holding base64 (for example <c>clinchat keys rotate --new-key-file</c>).</summary>
    public static byte[] LoadKeyFile(string settingName, string path, int length, bool exact)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecurityConfigurationException(settingName, $"the file cannot be read ({ex.GetType().Name}).");
        }

        return Decode(settingName, text, length, exact);
    }

    internal static byte[] Decode(string settingName, string text, int length, bool exact)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new SecurityConfigurationException(settingName, "the value is not valid base64.");
        }

        if (exact ? key.Length != length : key.Length < length)
        {
            var expected = exact ? $"exactly {length}" : $"at least {length}";
            throw new SecurityConfigurationException(settingName, $"the key decodes to {key.Length} bytes; {expected} are required.");
        }

        return key;
    }
}

/// <summary>A key or security setting is missing or malformed. The message names the setting, never its value.</summary>
public sealed class SecurityConfigurationException(string setting, string problem)
    : Exception($"Security configuration '{setting}': {problem}")
{
    public string Setting { get; } = setting;
}
