using System.Reflection;
using System.Security.Cryptography;

namespace ClinChat.Identity.Passwords;

/// <summary>
/// NIST SP 800-63B style: length over composition rules. At least <see cref="IdentityOptions.MinimumPasswordLength"/>
/// characters, not the user name (or containing it), not a known common password.
/// </summary>
public sealed class PasswordPolicy(IdentityOptions options)
{
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    /// <summary>Why the password is refused, or null when it is acceptable. Never echoes the password.</summary>
    public string? Check(string username, string password)
    {
        if (password.Length < options.MinimumPasswordLength)
        {
            return $"the password must be at least {options.MinimumPasswordLength} characters long";
        }

        if (password.Length > 256)
        {
            return "the password must be at most 256 characters long";
        }

        if (password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            return "the password must not contain the user name";
        }

        if (Common.Value.Contains(password.ToLowerInvariant()))
        {
            return "the password is on the list of common passwords";
        }

        return password.Distinct().Count() < 4 ? "the password repeats too few characters" : null;
    }

    /// <summary>A random password that passes the policy: 20 characters from an unambiguous alphabet (about 115 bits).</summary>
    public static string Generate()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ClinChat.Identity.common-passwords.txt")
            ?? throw new InvalidOperationException("embedded common-passwords.txt is missing");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.Trim());
            }
        }

        return set;
    }
}
