namespace ClinChat.Phi;

/// <summary>Words as the PHI engine counts them: runs of letters or digits (the unit of token-level scoring and of name lists).</summary>
internal static class TextWords
{
    public static List<Range> Of(string text)
    {
        var words = new List<Range>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            words.Add(start..i);
        }

        return words;
    }
}
