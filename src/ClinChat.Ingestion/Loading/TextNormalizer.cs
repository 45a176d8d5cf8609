using System.Text;

namespace ClinChat.Ingestion;

/// <summary>Puts every loader's output into the one canonical shape that chunks and citations quote from.</summary>
internal static class TextNormalizer
{
    private const int MaxTitleLength = 120;

    /// <summary>\n line endings, no trailing spaces, at most one blank line in a row, no leading or trailing blank lines.</summary>
    public static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        var line = new StringBuilder();
        var pendingNewlines = 0;

        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\n';
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    continue;
                }

                c = '\n';
            }

            if (c is '\n' or '\f' or '\v' or '\u2028' or '\u2029' || i == text.Length)
            {
                var end = line.Length;
                while (end > 0 && char.IsWhiteSpace(line[end - 1]))
                {
                    end--;
                }

                if (end == 0)
                {
                    pendingNewlines++;
                }
                else
                {
                    if (result.Length > 0)
                    {
                        result.Append('\n', Math.Min(pendingNewlines + 1, 2));
                    }

                    result.Append(line, 0, end);
                    pendingNewlines = 0;
                }

                line.Clear();
                continue;
            }

            // Stray control characters (NUL, escape codes from PDFs) would otherwise leak into embeddings and quotes.
            line.Append(char.IsControl(c) && c != '\t' ? ' ' : c);
        }

        return result.ToString();
    }

    /// <summary>Collapses every whitespace run, line breaks included, to one space.</summary>
    public static string CollapseWhitespace(string text)
    {
        var result = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>Collapses spaces inside each line but keeps the line breaks (e.g. from &lt;br&gt;).</summary>
    public static string CollapseWhitespaceKeepLines(string text)
    {
        var lines = text.Split('\n').Select(CollapseWhitespace).Where(l => l.Length > 0);
        return string.Join('\n', lines);
    }

    public static string? ShortFirstLine(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (trimmed.IsEmpty)
            {
                continue;
            }

            return trimmed.Length <= MaxTitleLength ? trimmed.ToString() : null;
        }

        return null;
    }

    public static string? NullIfBlank(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return CollapseWhitespace(value);
    }
}
