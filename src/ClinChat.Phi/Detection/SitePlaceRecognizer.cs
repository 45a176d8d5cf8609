using ClinChat.Phi.Dictionaries;

namespace ClinChat.Phi.Detection;

/// <summary>
/// A hospital's own place names (its wards, units, clinics, affiliated sites, nearby towns): every occurrence, in any case, is a
/// location. Names are matched word by word, longest first, never inside a longer word. One-word names that are ordinary English
/// or clinical words ("Harbor", "Rehab") are refused at load: they would redact the word everywhere; write them with the word that
/// makes them a name ("Harbor Hospital", "Quenbury Rehab").
/// </summary>
internal sealed class SitePlaceRecognizer
{
    private sealed class Node
    {
        public Dictionary<string, Node>? Next;
        public bool Ends;
    }

    private readonly Node _root = new();

    private SitePlaceRecognizer(int count, IReadOnlyList<string> refused)
    {
        Count = count;
        Refused = refused;
    }

    /// <summary>Names loaded.</summary>
    public int Count { get; }

    /// <summary>One-word names refused because they are ordinary English or clinical words.</summary>
    public IReadOnlyList<string> Refused { get; }

    public static SitePlaceRecognizer Create(IEnumerable<string> names, PhiLexicon lexicon)
    {
        var refused = new List<string>();
        var entries = new List<string[]>();
        foreach (var raw in names)
        {
            var name = raw.Trim();
            if (name.Length == 0 || name[0] == '#')
            {
                continue;
            }

            var words = TextWords.Of(name).Select(r => name[r].ToLowerInvariant()).ToArray();
            if (words.Length == 0)
            {
                continue;
            }

            if (words.Length == 1 && (words[0].Length < 3
                || (lexicon.Classify(words[0]) & (WordKind.English | WordKind.Medical | WordKind.Clinical)) != 0))
            {
                refused.Add(name);
                continue;
            }

            entries.Add(words);
        }

        var recognizer = new SitePlaceRecognizer(entries.Count, refused);
        foreach (var words in entries)
        {
            var node = recognizer._root;
            foreach (var word in words)
            {
                node.Next ??= new Dictionary<string, Node>(StringComparer.OrdinalIgnoreCase);
                if (!node.Next.TryGetValue(word, out var child))
                {
                    node.Next[word] = child = new Node();
                }

                node = child;
            }

            node.Ends = true;
        }

        return recognizer;
    }

    public void Find(string text, List<PhiSpan> spans)
    {
        if (_root.Next is null)
        {
            return;
        }

        var words = TextWords.Of(text);
        for (var i = 0; i < words.Count; i++)
        {
            var node = _root;
            var end = -1;
            for (var k = i; k < words.Count && node.Next is not null; k++)
            {
                // Words of one name sit on one line, apart by spaces, a hyphen or an apostrophe-s only.
                if (k > i && !Adjacent(text, words[k - 1].End.Value, words[k].Start.Value))
                {
                    break;
                }

                var lookup = node.Next.GetAlternateLookup<ReadOnlySpan<char>>();
                if (!lookup.TryGetValue(text.AsSpan(words[k].Start.Value, words[k].End.Value - words[k].Start.Value), out var child))
                {
                    break;
                }

                node = child;
                if (node.Ends)
                {
                    end = k;
                }
            }

            if (end >= 0)
            {
                spans.Add(new PhiSpan(words[i].Start.Value, words[end].End.Value, PhiType.Location, 0.9));
                i = end;
            }
        }
    }

    private static bool Adjacent(string text, int end, int start)
    {
        var gap = text.AsSpan(end, start - end);
        return gap.Length <= 3 && !gap.ContainsAny('\n', '\r') && !gap.ContainsAnyExcept(" -'’&.");
    }
}
