using System.Text;

namespace ClinChat.Interactions;

/// <summary>Canonical spelling of a name for lookup: lower case, ASCII punctuation, single spaces.</summary>
internal static class NameText
{
    public static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var raw in text.Trim())
        {
            var c = raw switch
            {
                '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212' => '-',
                '\u2019' or '\u2018' => '\'',
                '\u00ae' or '\u2122' or '\u00a9' => '\0',
                _ => char.ToLowerInvariant(raw),
            };
            if (c == '\0')
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
