using System.Text.RegularExpressions;
using ClinChat.Phi.Detection;
using ClinChat.Phi.Dictionaries;

namespace ClinChat.Phi;

/// <summary>
/// Finds the 18 HIPAA Safe Harbor identifier kinds in free text. Thread-safe; build one and share it
/// (loading the dictionaries takes a moment).
/// </summary>
public sealed partial class PhiDetector
{
    /// <summary>Bumped whenever rules or word lists change what is detected.</summary>
    public const string EngineVersion = "1.8.0";

    /// <summary>Default time budget per megabyte of text (at least this much for any call): about 20 times the measured cost.</summary>
    public static readonly TimeSpan DefaultTimeoutPerMegabyte = TimeSpan.FromSeconds(20);

    private readonly PhiLexicon _lexicon;
    private readonly NameRecognizer _names;
    private readonly TimeSpan _timeoutPerMegabyte;
    private readonly SitePlaceRecognizer? _sitePlaces;

    internal PhiDetector(PhiLexicon lexicon, TimeSpan? timeoutPerMegabyte = null, IEnumerable<string>? sitePlaces = null)
    {
        _lexicon = lexicon;
        _names = new NameRecognizer(lexicon);
        _timeoutPerMegabyte = timeoutPerMegabyte ?? DefaultTimeoutPerMegabyte;
        _sitePlaces = sitePlaces is null ? null : SitePlaceRecognizer.Create(sitePlaces, lexicon);
    }

    /// <summary>
    /// A detector that also knows the site's own place names (wards, units, clinics, nearby towns: one a line, <c>#</c> starts a
    /// comment), found in any case wherever they occur. One-word names that are ordinary English or clinical words are refused
    /// (see <see cref="RefusedSitePlaces"/>).
    /// </summary>
    public static PhiDetector Create(IEnumerable<string> sitePlaces, TimeSpan? timeoutPerMegabyte = null)
    {
        ArgumentNullException.ThrowIfNull(sitePlaces);
        return new(PhiLexicon.LoadEmbedded(), timeoutPerMegabyte, sitePlaces);
    }

    /// <summary>Site place names loaded (0 without a list).</summary>
    public int SitePlaceCount => _sitePlaces?.Count ?? 0;

    /// <summary>One-word site place names refused because they are ordinary English or clinical words.</summary>
    public IReadOnlyList<string> RefusedSitePlaces => _sitePlaces?.Refused ?? [];

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
    public IReadOnlyDictionary<string, int> DictionaryCounts =>
        _sitePlaces is null ? _lexicon.Counts : new Dictionary<string, int>(_lexicon.Counts) { ["site-places"] = _sitePlaces.Count };

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
        _sitePlaces?.Find(text, spans);
        deadline.Check();
        AgesAfterNames(text, spans);
        return TrimPossessives(text, DropEponyms(text, Merge(spans)));
    }

    // ", 96," / ", 90 -" / " (92)" right after a person's name: the age, which Safe Harbor removes above 89.
    [GeneratedRegex(@"\G(?:,[ \t]*|[ \t]*\([ \t]*)(?<v>9\d|1[01]\d)(?:[ \t]*(?:y/?o|yo|yrs?|y))?[ \t]*(?=[,.;)]|[ \t]+-|$)",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex AgeAfterName();

    private static void AgesAfterNames(string text, List<PhiSpan> spans)
    {
        var count = spans.Count;
        for (var s = 0; s < count; s++)
        {
            if (spans[s].Type != PhiType.Name)
            {
                continue;
            }

            var m = AgeAfterName().Match(text, spans[s].End);
            if (m.Success)
            {
                var v = m.Groups["v"];
                spans.Add(new PhiSpan(v.Index, v.Index + v.Length, PhiType.Age, 0.8));
            }
        }
    }

    /// <summary>
    /// "Okafor's" redacts as "[NAME]'s": the possessive ending is grammar, not part of a person's name. Places keep it: it belongs to
    /// "St. Brigid's" or "Mercy's" as a name.
    /// </summary>
    private static List<PhiSpan> TrimPossessives(string text, List<PhiSpan> spans)
    {
        for (var k = 0; k < spans.Count; k++)
        {
            var span = spans[k];
            if (span.Type == PhiType.Name && span.End - span.Start > 3 && text[span.End - 1] is 's' or 'S'
                && text[span.End - 2] is '\'' or '\u2019')
            {
                spans[k] = span with { End = span.End - 2 };
            }
        }

        return spans;
    }

    // Head nouns after which a capitalised word names a disease, sign or test after a person or place
    // ("Fuchs endothelial dystrophy", "Barrett esophagus", "Lyme disease"), not a patient.
    private static readonly HashSet<string> EponymHeads = new(StringComparer.OrdinalIgnoreCase)
    {
        "syndrome", "disease", "disorder", "dystrophy", "myopathy", "neuropathy", "dysplasia", "anomaly", "anemia",
        "anaemia", "sign", "test", "reflex", "palsy", "sequence", "esophagus", "oesophagus", "ataxia", "tumor", "tumour",
        "lymphoma", "sarcoma", "carcinoma", "phenomenon", "maneuver", "manoeuvre", "fracture", "score", "scale",
        "criteria", "classification", "procedure", "operation", "catheter", "deficiency", "retraction", "microphthalmia",
        "leukodystrophy", "encephalopathy", "dementia", "chorea", "contracture", "ulcer", "cyst", "nodes", "bodies",
        "gland", "duct", "law", "type", "variant", "endothelial", "lipogranulomatosis", "related", "associated", "like",
        // Devices and findings named after people: "Jackson Pratt drain", "Mallory Weiss tear", "Austin Flint murmur" (not "cell":
        // "Mavis Holloway cell 555-0100" gives a phone).
        "drain", "tear", "murmur", "pupil", "malformation", "stain", "tube", "line", "effect", "node", "cells", "body", "bag",
        "stockings", "splint", "boot", "collar", "mask", "valve", "shunt", "stent", "pouch", "clamp", "forceps", "retractor", "needle",
        "position", "bundle", "triad", "method", "technique", "solution", "equation", "formula", "rule", "index", "ratio", "pump",
        // Grading and findings: "Clark level III", "Dawson fingers", "Rumack-Matthew nomogram", "Mayfield pins".
        "level", "fingers", "nomogram", "grade", "stage", "pins", "frame",
    };

    private static readonly string[] EponymSuffixes = ["itis", "osis", "oma", "pathy", "trophy", "plasia", "emia", "aemia", "algia", "uria", "ectomy", "plasty", "cephaly", "aly"];

    private static readonly string[] AdjectiveSuffixes = ["al", "ic", "ar", "ous", "ile", "ive", "ary", "oid"];

    /// <summary>
    /// A name or place directly followed by a disease, sign or test noun is an eponym in clinical vocabulary;
    /// redacting it would strip the clinical meaning a question or document depends on.
    /// </summary>
    private static List<PhiSpan> DropEponyms(string text, List<PhiSpan> spans)
    {
        spans.RemoveAll(span => (span.Type is PhiType.Name or PhiType.Location) && FollowedByEponymHead(text, span.End));
        return spans;
    }

    private static bool FollowedByEponymHead(string text, int end)
    {
        var i = end;
        if (i + 1 < text.Length && text[i] is '\'' or '\u2019' && text[i + 1] is 's' or 'S')
        {
            i += 2;
        }

        // Up to two adjectives may stand between the eponym and its head ("Fuchs endothelial dystrophy").
        for (var words = 0; words < 3; words++)
        {
            if (i >= text.Length || text[i] is not (' ' or '-'))
            {
                return false;
            }

            i++;
            var start = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }

            var word = text[start..i];
            if (EponymHeads.Contains(word) || EponymSuffixes.Any(suffix => word.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && word.Length > suffix.Length + 2))
            {
                return true;
            }

            if (!AdjectiveSuffixes.Any(suffix => word.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && word.Length > suffix.Length + 3))
            {
                return false;
            }
        }

        return false;
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
