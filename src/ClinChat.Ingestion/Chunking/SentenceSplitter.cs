namespace ClinChat.Ingestion;

/// <summary>
/// Finds sentence spans in text without copying or altering it, so callers can quote <c>text.Substring(Start, Length)</c>
/// verbatim. Spans never include leading or trailing whitespace, and together they cover every non-whitespace character.
/// </summary>
/// <remarks>
/// Tuned for clinical prose: abbreviations (Dr., e.g., approx., No. 5), decimals (2.5 mg), initials (J. Smith), list
/// items and headings on their own lines, ellipses, and closing quotes or brackets after the terminal punctuation.
/// A blank line always ends a sentence.
/// </remarks>
public static class SentenceSplitter
{
    private const int ShortLineWords = 8;

    // Never end a sentence: these almost always lead into the next word.
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr", "fig", "figs", "vs", "e.g", "i.e", "eg", "ie", "cf", "viz",
        "approx", "ca", "vol", "ref", "refs", "pp", "dept", "u.s", "u.k", "a.k.a", "resp", "incl", "esp", "avg",
    };

    // End a sentence only when the next word is not a number ("No. 5", "mg. 10 patients" is rare and ambiguous).
    private static readonly HashSet<string> AbbreviationsBeforeNumbers = new(StringComparer.OrdinalIgnoreCase)
    {
        "no", "nos", "al", "p", "mg", "min", "max", "ml", "mcg", "kg", "g", "l", "hr", "hrs", "wk", "wks", "yr", "yrs", "mo", "mos",
        "tab", "tabs", "cap", "caps", "ch", "sec", "art", "para", "eq", "tel",
    };

    // "reported by J. Smith": lower-case words that usually lead into a person's name.
    private static readonly HashSet<string> NameLeadIns = new(StringComparer.Ordinal)
    {
        "by", "and", "with", "from", "to", "per", "said", "says", "wrote", "et",
    };

    // After "Capitalised X." these words start a new sentence rather than continue a name.
    private static readonly HashSet<string> SentenceStarters = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "this", "that", "these", "those", "it", "its", "they", "there", "their", "a", "an", "in", "if", "for",
        "when", "while", "as", "at", "on", "of", "to", "with", "without", "however", "although", "because", "but",
        "and", "or", "also", "most", "some", "many", "all", "each", "other", "such", "we", "he", "she", "you", "your",
        "our", "people", "patients", "treatment", "symptoms", "signs", "about", "after", "before", "during", "is", "are",
    };

    public static IReadOnlyList<(int Start, int Length)> Split(string text, int start = 0, int length = -1)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (length < 0)
        {
            length = text.Length - start;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, text.Length, nameof(length));

        var end = start + length;
        var spans = new List<(int Start, int Length)>();
        var lineStart = LineStart(text, start);
        var i = SkipWhitespace(text, start, end, ref lineStart);
        var sentenceStart = i;

        while (i < end)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (IsLineBreakBoundary(text, lineStart, i, end))
                {
                    Add(spans, text, sentenceStart, i);
                    i = SkipWhitespace(text, i, end, ref lineStart);
                    sentenceStart = i;
                }
                else
                {
                    i++;
                    lineStart = i;
                    while (lineStart < end && text[lineStart] is ' ' or '\t')
                    {
                        lineStart++;
                    }
                }

                continue;
            }

            if (IsTerminal(c))
            {
                var after = AfterTerminalRun(text, i, end);
                if (IsSentenceEnd(text, lineStart, sentenceStart, i, after, end))
                {
                    Add(spans, text, sentenceStart, after);
                    i = SkipWhitespace(text, after, end, ref lineStart);
                    sentenceStart = i;
                }
                else
                {
                    i = after;
                }

                continue;
            }

            i++;
        }

        Add(spans, text, sentenceStart, end);
        return spans;
    }

    internal static bool IsBulletAt(string text, int index, int end)
    {
        if (index >= end)
        {
            return false;
        }

        var c = text[index];
        if (c is '-' or '*' or '•' or '·' or '▪' or '◦' or '‣' or '–')
        {
            return index + 1 < end && text[index + 1] is ' ' or '\t';
        }

        // "1. ", "12) ", "a) ", "b. "
        var i = index;
        while (i < end && i - index < 3 && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == index && char.IsAsciiLetterLower(c))
        {
            i++;
        }

        return i > index && i + 1 < end && text[i] is '.' or ')' && text[i + 1] is ' ' or '\t';
    }

    private static bool IsTerminal(char c) => c is '.' or '!' or '?' or '…';

    private static bool IsClosing(char c) => c is '"' or '\'' or ')' or ']' or '}' or '”' or '’' or '»';

    private static bool IsOpening(char c) => c is '"' or '\'' or '(' or '[' or '{' or '“' or '‘' or '«' or '¿' or '¡';

    private static int AfterTerminalRun(string text, int i, int end)
    {
        while (i < end && IsTerminal(text[i]))
        {
            i++;
        }

        while (i < end && IsClosing(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsSentenceEnd(string text, int lineStart, int sentenceStart, int terminal, int after, int end)
    {
        // "2.5", "e.g.,", "www.example.org", "U.S.A": punctuation inside a token.
        if (after < end && !char.IsWhiteSpace(text[after]))
        {
            return false;
        }

        var nextLineStart = lineStart;
        var next = SkipWhitespace(text, after, end, ref nextLineStart);
        if (next >= end)
        {
            return true;
        }

        var newlines = CountNewlines(text, after, next);
        if (newlines >= 2 || (newlines == 1 && IsBulletAt(text, next, end)))
        {
            return true;
        }

        var first = next;
        while (first < end && IsOpening(text[first]))
        {
            first++;
        }

        var nextChar = first < end ? text[first] : ' ';
        if (char.IsLower(nextChar))
        {
            return false;
        }

        var isSinglePeriod = text[terminal] == '.' && (terminal + 1 >= end || text[terminal + 1] != '.');
        if (!isSinglePeriod || (terminal > 0 && text[terminal - 1] == '.'))
        {
            return true;
        }

        var wordStart = terminal;
        while (wordStart > lineStart && !char.IsWhiteSpace(text[wordStart - 1]))
        {
            wordStart--;
        }

        while (wordStart < terminal && IsOpening(text[wordStart]))
        {
            wordStart++;
        }

        var word = text.AsSpan(wordStart, terminal - wordStart);
        if (word.IsEmpty)
        {
            return true;
        }

        var lookup = Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.Contains(word))
        {
            return false;
        }

        if (char.IsAsciiDigit(nextChar) && AbbreviationsBeforeNumbers.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word))
        {
            return false;
        }

        // "1. Take with food" at the start of a line or of a sentence is a list number, not a sentence.
        if (word.Length <= 3 && IsAllDigits(word) && (wordStart == sentenceStart || IsOnlyWhitespace(text, lineStart, wordStart)))
        {
            return false;
        }

        return !IsInitial(text, lineStart, word, wordStart, first, end);
    }

    /// <summary>
    /// "J. Smith", "A. B. Jones", "Dr. M.M. Cohen", "John F. Kennedy", "reported by J. Smith" — but not
    /// "hepatitis B. Treatment …" or "Vitamin D. It …".
    /// </summary>
    private static bool IsInitial(string text, int lineStart, ReadOnlySpan<char> word, int wordStart, int next, int end)
    {
        if (!IsDottedCapitals(word))
        {
            return false;
        }

        // Followed by another initial: "A. B. Jones".
        if (next + 1 < end && char.IsUpper(text[next]) && text[next + 1] == '.')
        {
            return true;
        }

        var nextWordEnd = next;
        while (nextWordEnd < end && char.IsLetter(text[nextWordEnd]))
        {
            nextWordEnd++;
        }

        if (SentenceStarters.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text.AsSpan(next, nextWordEnd - next)))
        {
            return false;
        }

        var previousEnd = wordStart;
        while (previousEnd > lineStart && char.IsWhiteSpace(text[previousEnd - 1]))
        {
            previousEnd--;
        }

        var previousStart = previousEnd;
        while (previousStart > lineStart && !char.IsWhiteSpace(text[previousStart - 1]))
        {
            previousStart--;
        }

        var previous = text.AsSpan(previousStart, previousEnd - previousStart).TrimStart("\"'([“‘");
        if (previous.IsEmpty)
        {
            return false;
        }

        if (!char.IsUpper(previous[0]))
        {
            return NameLeadIns.GetAlternateLookup<ReadOnlySpan<char>>().Contains(previous);
        }

        if (previous[^1] == '.')
        {
            var previousWord = previous[..^1];
            return IsDottedCapitals(previousWord) || Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(previousWord);
        }

        return char.IsLetter(previous[^1]);
    }

    /// <summary>"J", "M.M", "M.D".</summary>
    private static bool IsDottedCapitals(ReadOnlySpan<char> word)
    {
        if (word.Length % 2 == 0)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (i % 2 == 0 ? !char.IsUpper(word[i]) : word[i] != '.')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLineBreakBoundary(string text, int lineStart, int newline, int end)
    {
        var last = newline - 1;
        while (last >= lineStart && text[last] is ' ' or '\t')
        {
            last--;
        }

        if (last < lineStart)
        {
            return true;
        }

        var next = newline + 1;
        while (next < end && text[next] is ' ' or '\t')
        {
            next++;
        }

        if (next >= end || text[next] == '\n' || IsBulletAt(text, next, end))
        {
            return true;
        }

        var lastContent = last;
        while (lastContent > lineStart && IsClosing(text[lastContent]))
        {
            lastContent--;
        }

        // The punctuation rule already looked across this line break and chose to continue.
        if (IsTerminal(text[lastContent]))
        {
            return false;
        }

        var first = next;
        while (first < end && IsOpening(text[first]))
        {
            first++;
        }

        if (first < end && char.IsLower(text[first]))
        {
            return false;
        }

        var lastChar = text[last];
        if (lastChar is ',' or ';' or '(' or '[' or '/' or '-' or '–' or '&')
        {
            return false;
        }

        if (lastChar == ':' || IsBulletAt(text, lineStart, end) || text.AsSpan(lineStart, last - lineStart + 1).Contains(" | ", StringComparison.Ordinal))
        {
            return true;
        }

        // A short line (a heading, a label) ends at its line break; a long one is hard-wrapped prose.
        if (CountWords(text, lineStart, last + 1) <= ShortLineWords)
        {
            return true;
        }

        var nextLineEnd = text.IndexOf('\n', next, end - next);
        var nextLineLength = (nextLineEnd < 0 ? end : nextLineEnd) - next;
        return last + 1 - lineStart < nextLineLength * 0.6;
    }

    private static int SkipWhitespace(string text, int i, int end, ref int lineStart)
    {
        while (i < end && char.IsWhiteSpace(text[i]))
        {
            if (text[i] == '\n')
            {
                lineStart = i + 1;
            }

            i++;
        }

        if (lineStart < i && IsOnlyWhitespace(text, lineStart, i))
        {
            lineStart = i;
        }

        return i;
    }

    private static int LineStart(string text, int position)
    {
        var newline = position > 0 ? text.LastIndexOf('\n', position - 1) : -1;
        var lineStart = newline + 1;
        while (lineStart < position && text[lineStart] is ' ' or '\t')
        {
            lineStart++;
        }

        return lineStart;
    }

    private static void Add(List<(int Start, int Length)> spans, string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            spans.Add((start, end - start));
        }
    }

    private static int CountNewlines(string text, int from, int to)
    {
        var count = 0;
        for (var i = from; i < to; i++)
        {
            if (text[i] == '\n')
            {
                count++;
            }
        }

        return count;
    }

    internal static int CountWords(string text, int from, int to)
    {
        var count = 0;
        var inWord = false;
        for (var i = from; i < to; i++)
        {
            var isSpace = char.IsWhiteSpace(text[i]);
            if (!isSpace && !inWord)
            {
                count++;
            }

            inWord = !isSpace;
        }

        return count;
    }

    private static bool IsOnlyWhitespace(string text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
