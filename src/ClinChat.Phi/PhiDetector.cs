using ClinChat.Phi.Detection;
using ClinChat.Phi.Dictionaries;

namespace ClinChat.Phi;

/// <summary>
/// Finds the 18 HIPAA Safe Harbor identifier kinds in free text. Thread-safe; build one and share it
/// (loading the dictionaries takes a moment).
/// </summary>
public sealed class PhiDetector
{
    /// <summary>Bumped whenever rules or word lists change what is detected.</summary>
    public const string EngineVersion = "1.0.0";

    private readonly PhiLexicon _lexicon;
    private readonly NameRecognizer _names;

    internal PhiDetector(PhiLexicon lexicon)
    {
        _lexicon = lexicon;
        _names = new NameRecognizer(lexicon);
    }

    public static PhiDetector CreateDefault() => new(PhiLexicon.LoadEmbedded());

    /// <summary>Entries loaded per word list.</summary>
    public IReadOnlyDictionary<string, int> DictionaryCounts => _lexicon.Counts;

    /// <summary>Non-overlapping spans in text order.</summary>
    public IReadOnlyList<PhiSpan> Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<PhiSpan>();
        if (text.Length == 0)
        {
            return spans;
        }

        StructuredRecognizer.Find(text, spans);
        AddressRecognizer.Find(text, spans, _lexicon);
        _names.Find(text, spans);
        return Merge(spans);
    }

    /// <summary>Overlapping findings become one span: the union of the ranges, typed by the most confident finding.</summary>
    private static List<PhiSpan> Merge(List<PhiSpan> spans)
    {
        spans.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var merged = new List<PhiSpan>(spans.Count);
        foreach (var span in spans)
        {
            if (span.End <= span.Start)
            {
                continue;
            }

            if (merged.Count > 0 && span.Start < merged[^1].End)
            {
                var last = merged[^1];
                var winner = span.Confidence > last.Confidence ? span : last;
                merged[^1] = new PhiSpan(last.Start, Math.Max(last.End, span.End), winner.Type, Math.Max(last.Confidence, span.Confidence));
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged;
    }
}
