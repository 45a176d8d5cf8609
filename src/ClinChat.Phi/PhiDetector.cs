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
    public const string EngineVersion = "1.1.0";

    /// <summary>Default time budget per megabyte of text (at least this much for any call): about 20 times the measured cost.</summary>
    public static readonly TimeSpan DefaultTimeoutPerMegabyte = TimeSpan.FromSeconds(20);

    private readonly PhiLexicon _lexicon;
    private readonly NameRecognizer _names;
    private readonly TimeSpan _timeoutPerMegabyte;

    internal PhiDetector(PhiLexicon lexicon, TimeSpan? timeoutPerMegabyte = null)
    {
        _lexicon = lexicon;
        _names = new NameRecognizer(lexicon);
        _timeoutPerMegabyte = timeoutPerMegabyte ?? DefaultTimeoutPerMegabyte;
    }

    public static PhiDetector CreateDefault() => new(PhiLexicon.LoadEmbedded());

    /// <summary>
    /// A detector whose calls throw <see cref="PhiDetectionTimeoutException"/> when they run longer than
    /// <paramref name="timeoutPerMegabyte"/> per megabyte of text (and at least that long); <see cref="Timeout.InfiniteTimeSpan"/> for none.
    /// </summary>
    public static PhiDetector CreateDefault(TimeSpan timeoutPerMegabyte)
    {
        if (timeoutPerMegabyte <= TimeSpan.Zero && timeoutPerMegabyte != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeoutPerMegabyte), "The PHI detection timeout must be positive (or infinite).");
        }

        return new(PhiLexicon.LoadEmbedded(), timeoutPerMegabyte);
    }

    /// <summary>Entries loaded per word list.</summary>
    public IReadOnlyDictionary<string, int> DictionaryCounts => _lexicon.Counts;

    /// <summary>Non-overlapping spans in text order.</summary>
    /// <exception cref="PhiDetectionTimeoutException">Detection ran past its time budget: treat the text as unscanned.</exception>
    public IReadOnlyList<PhiSpan> Detect(string text) => Detect(text, CancellationToken.None);

    /// <inheritdoc cref="Detect(string)"/>
    public IReadOnlyList<PhiSpan> Detect(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<PhiSpan>();
        if (text.Length == 0)
        {
            return spans;
        }

        var budget = _timeoutPerMegabyte == Timeout.InfiniteTimeSpan
            ? Timeout.InfiniteTimeSpan
            : _timeoutPerMegabyte * Math.Max(1.0, text.Length / 1_000_000.0);
        var deadline = DetectionDeadline.After(budget, cancellationToken);
        StructuredRecognizer.Find(text, spans, deadline);
        deadline.Check();
        AddressRecognizer.Find(text, spans, _lexicon, deadline);
        deadline.Check();
        _names.Find(text, spans, deadline);
        deadline.Check();
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
