namespace ClinChat.Hosting;

/// <summary>
/// A connection string for a server ClinChat uses (PostgreSQL, Redis), read the way Kubernetes delivers secrets:
/// <c>NAME_FILE</c> names a file holding it (wins), else <c>NAME</c> holds it, else a configuration setting. Errors name
/// the setting, never the value.
/// </summary>
internal static class ServerConnection
{
    /// <returns>The value and the name of the setting it came from, or null when none is set.</returns>
    public static (string Setting, string Value)? Read(
        IConfiguration configuration, string variable, string setting, Func<string, string, Exception> error)
    {
        var fileVariable = variable + "_FILE";
        if (configuration[fileVariable] is { Length: > 0 } file)
        {
            string text;
            try
            {
                text = File.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw error(fileVariable, $"the file it names cannot be read ({e.GetType().Name}).");
            }

            return text.Length > 0 ? (fileVariable, text) : throw error(fileVariable, "the file it names is empty.");
        }

        if (configuration[variable] is { Length: > 0 } inline)
        {
            return (variable, inline);
        }

        return configuration[setting] is { Length: > 0 } value ? (setting, value) : null;
    }
}
