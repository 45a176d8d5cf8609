namespace ClinChat.Ingestion;

/// <summary>
/// Splits a document into passages sized for the embedding model. Sections start at heading lines; inside a section
/// chunks are packed from whole sentences, preferring paragraph breaks, and consecutive chunks share
/// <see cref="ChunkingOptions.OverlapSentences"/> sentences. Every chunk is a verbatim span of the document text and
/// together the chunks cover all of its non-whitespace characters.
/// </summary>
public sealed class TextChunker
{
    private const int MaxHeadingWords = 12;
    private const int MaxHeadingLength = 100;

    private readonly ChunkingOptions _options;

    public TextChunker(ChunkingOptions? options = null)
    {
        _options = options ?? new ChunkingOptions();
        _options.Validate();
    }

    public IReadOnlyList<TextChunk> Split(SourceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = document.Text;
        var chunks = new List<TextChunk>();
        foreach (var section in Sections(text))
        {
            foreach (var (first, last) in Pack(section.Units))
            {
                var start = section.Units[first].Start;
                var length = section.Units[last].End - start;
                chunks.Add(new TextChunk(chunks.Count, start, length, text.Substring(start, length), section.Heading));
            }
        }

        return chunks;
    }

    private List<Section> Sections(string text)
    {
        var sections = new List<Section>();
        var current = new Section(null);
        var paragraphs = Paragraphs(text);

        for (var p = 0; p < paragraphs.Count; p++)
        {
            var (start, end) = paragraphs[p];
            var lineEnd = text.IndexOf('\n', start, end - start);
            var firstLineEnd = lineEnd < 0 ? end : TrimEnd(text, start, lineEnd);
            var bodyStart = lineEnd < 0 ? end : SkipWhitespace(text, lineEnd, end);

            var isHeading = IsHeadingLine(text, start, firstLineEnd, Math.Min(MaxHeadingWords, _options.MaxWords)) &&
                (bodyStart < end ? !StartsLowercase(text, bodyStart, end) : p < paragraphs.Count - 1);
            if (isHeading)
            {
                if (current.HasBody)
                {
                    sections.Add(current);
                    current = new Section(null);
                }

                // Consecutive headings ("Title", then "Introduction") share a section named by the innermost one.
                current.Heading = text[start..firstLineEnd];
                current.Units.Add(new Unit(start, firstLineEnd, CountWords(text, start, firstLineEnd), p, IsHeading: true));
                AddSentences(text, bodyStart, end, p, current);
            }
            else
            {
                AddSentences(text, start, end, p, current);
            }
        }

        if (current.Units.Count > 0)
        {
            sections.Add(current);
        }

        return sections;
    }

    private void AddSentences(string text, int start, int end, int paragraph, Section section)
    {
        if (start >= end)
        {
            return;
        }

        foreach (var (sentenceStart, sentenceLength) in SentenceSplitter.Split(text, start, end - start))
        {
            var sentenceEnd = sentenceStart + sentenceLength;
            var words = CountWords(text, sentenceStart, sentenceEnd);
            if (words <= _options.MaxWords)
            {
                section.Units.Add(new Unit(sentenceStart, sentenceEnd, words, paragraph, IsHeading: false));
                continue;
            }

            // Run-on "sentences" (tables flattened to prose, lists without punctuation) are cut into even pieces.
            var pieces = (words + _options.MaxWords - 1) / _options.MaxWords;
            var perPiece = (words + pieces - 1) / pieces;
            var wordStarts = WordStarts(text, sentenceStart, sentenceEnd);
            for (var w = 0; w < wordStarts.Count; w += perPiece)
            {
                var pieceStart = wordStarts[w];
                var pieceEnd = w + perPiece < wordStarts.Count
                    ? TrimEnd(text, pieceStart, wordStarts[w + perPiece])
                    : sentenceEnd;
                var pieceWords = Math.Min(perPiece, wordStarts.Count - w);
                section.Units.Add(new Unit(pieceStart, pieceEnd, pieceWords, paragraph, IsHeading: false));
            }
        }
    }

    /// <summary>Greedy packing over unit indices; returns inclusive (first, last) ranges.</summary>
    private List<(int First, int Last)> Pack(List<Unit> units)
    {
        var ranges = new List<(int First, int Last)>();
        var first = 0;
        var firstNew = 0;
        while (firstNew < units.Count)
        {
            var words = 0;
            var hasBody = false;
            for (var k = first; k < firstNew; k++)
            {
                words += units[k].Words;
                hasBody |= !units[k].IsHeading;
            }

            var next = firstNew;
            while (next < units.Count)
            {
                var unit = units[next];
                if (next > firstNew)
                {
                    // A heading alone is a poor passage: it may borrow up to the hard limit to take some body with it.
                    var limit = hasBody ? _options.TargetWords : _options.MaxWords;
                    if (words + unit.Words > limit)
                    {
                        break;
                    }

                    var startsParagraph = unit.Paragraph != units[next - 1].Paragraph;
                    if (hasBody && startsParagraph && words >= _options.TargetWords * 2 / 3 &&
                        words + ParagraphWords(units, next) > _options.TargetWords)
                    {
                        break;
                    }
                }

                words += unit.Words;
                hasBody |= !unit.IsHeading;
                next++;
            }

            ranges.Add((first, next - 1));
            if (next >= units.Count)
            {
                break;
            }

            var overlapStart = Math.Max(next - _options.OverlapSentences, first + 1);
            while (overlapStart < next && Words(units, overlapStart, next) > _options.MaxWords)
            {
                overlapStart++;
            }

            first = overlapStart;
            firstNew = next;
        }

        MergeSmallTail(units, ranges);
        return ranges;
    }

    private void MergeSmallTail(List<Unit> units, List<(int First, int Last)> ranges)
    {
        if (ranges.Count < 2)
        {
            return;
        }

        var (_, last) = ranges[^1];
        var (previousFirst, previousLast) = ranges[^2];
        var newWords = Words(units, previousLast + 1, last);
        if (newWords < _options.TargetWords / 4 && Words(units, previousFirst, last) <= _options.MaxWords)
        {
            ranges[^2] = (previousFirst, last);
            ranges.RemoveAt(ranges.Count - 1);
        }
    }

    /// <summary>Words in units[from..to], inclusive.</summary>
    private static int Words(List<Unit> units, int from, int to)
    {
        var words = 0;
        for (var k = from; k <= to; k++)
        {
            words += units[k].Words;
        }

        return words;
    }

    private static int ParagraphWords(List<Unit> units, int from)
    {
        var words = 0;
        for (var k = from; k < units.Count && units[k].Paragraph == units[from].Paragraph; k++)
        {
            words += units[k].Words;
        }

        return words;
    }

    /// <summary>Blocks of non-blank lines, trimmed, as [start, end).</summary>
    private static List<(int Start, int End)> Paragraphs(string text)
    {
        var paragraphs = new List<(int Start, int End)>();
        var paragraphStart = -1;
        var paragraphEnd = -1;
        var lineStart = 0;
        while (lineStart <= text.Length)
        {
            var newline = text.IndexOf('\n', lineStart);
            var lineEnd = newline < 0 ? text.Length : newline;
            var contentStart = SkipWhitespace(text, lineStart, lineEnd);
            if (contentStart < lineEnd)
            {
                if (paragraphStart < 0)
                {
                    paragraphStart = contentStart;
                }

                paragraphEnd = TrimEnd(text, contentStart, lineEnd);
            }
            else if (paragraphStart >= 0)
            {
                paragraphs.Add((paragraphStart, paragraphEnd));
                paragraphStart = -1;
            }

            if (newline < 0)
            {
                break;
            }

            lineStart = newline + 1;
        }

        if (paragraphStart >= 0)
        {
            paragraphs.Add((paragraphStart, paragraphEnd));
        }

        return paragraphs;
    }

    private static bool IsHeadingLine(string text, int start, int end, int maxWords)
    {
        var length = end - start;
        if (length is 0 or > MaxHeadingLength || !char.IsLetterOrDigit(text[start]) || char.IsLower(text[start]))
        {
            return false;
        }

        if (text[end - 1] is '.' or ',' or ';' or '!' || SentenceSplitter.IsBulletAt(text, start, end) ||
            text.AsSpan(start, length).Contains(" | ", StringComparison.Ordinal))
        {
            return false;
        }

        return CountWords(text, start, end) <= maxWords;
    }

    private static bool StartsLowercase(string text, int start, int end)
    {
        while (start < end && !char.IsLetterOrDigit(text[start]))
        {
            start++;
        }

        return start < end && char.IsLower(text[start]);
    }

    private static List<int> WordStarts(string text, int start, int end)
    {
        var starts = new List<int>();
        for (var i = start; i < end; i++)
        {
            if (!char.IsWhiteSpace(text[i]) && (i == start || char.IsWhiteSpace(text[i - 1])))
            {
                starts.Add(i);
            }
        }

        return starts;
    }

    private static int CountWords(string text, int start, int end) => SentenceSplitter.CountWords(text, start, end);

    private static int SkipWhitespace(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        return start;
    }

    private static int TrimEnd(string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    private readonly record struct Unit(int Start, int End, int Words, int Paragraph, bool IsHeading);

    private sealed class Section(string? heading)
    {
        public string? Heading { get; set; } = heading;

        public List<Unit> Units { get; } = [];

        public bool HasBody => Units.Exists(u => !u.IsHeading);
    }
}
