using System.Collections.Frozen;
using System.IO.Compression;

namespace ClinChat.Phi.Dictionaries;

[Flags]
internal enum WordKind : byte
{
    None = 0,
    English = 1,
    Medical = 2,
    Eponym = 4,
    FirstName = 8,
    LastName = 16,
    Place = 32,
    Clinical = 64,
}

/// <summary>
/// The vendored word lists (see README.md beside this file), merged into one case-insensitive table so that
/// classifying a token costs a single lookup and no allocation.
/// </summary>
internal sealed class PhiLexicon
{
    private readonly FrozenDictionary<string, WordKind> _words;
    private readonly FrozenDictionary<string, WordKind>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _placePhrases;

    private PhiLexicon(FrozenDictionary<string, WordKind> words, FrozenSet<string> placePhrases, IReadOnlyDictionary<string, int> counts)
    {
        _words = words;
        _lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        _placePhrases = placePhrases.GetAlternateLookup<ReadOnlySpan<char>>();
        Counts = counts;
    }

    /// <summary>Entries per list, for the status endpoint.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; }

    public int Size => _words.Count;

    public WordKind Classify(ReadOnlySpan<char> word) => _lookup.TryGetValue(word, out var kind) ? kind : WordKind.None;

    /// <summary>A multi-word place name ("ellicott city", "glen burnie"): words joined by one space, any case.</summary>
    public bool IsPlacePhrase(ReadOnlySpan<char> phrase) => _placePhrases.Contains(phrase);

    public static PhiLexicon LoadEmbedded()
    {
        var words = new Dictionary<string, WordKind>(400_000, StringComparer.OrdinalIgnoreCase);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Load("english.txt.gz", WordKind.English);
        Load("medical.txt.gz", WordKind.Medical);
        Load("eponyms.txt.gz", WordKind.Eponym);
        Load("first-names.txt.gz", WordKind.FirstName);
        Load("last-names.txt.gz", WordKind.LastName);
        Load("places.txt.gz", WordKind.Place);
        Load("clinical-allow.txt", WordKind.Clinical);

        // The medical word list carries a few hundred given names and surnames in lower case ("amelia", "larson"):
        // a name that is not an eponym or a hand-kept clinical word is a name first.
        var medicalNames = words.Where(static p => (p.Value & WordKind.Medical) != 0 && (p.Value & (WordKind.FirstName | WordKind.LastName)) != 0
            && (p.Value & (WordKind.Clinical | WordKind.Eponym)) == 0).Select(static p => p.Key).ToList();
        foreach (var word in medicalNames)
        {
            words[word] &= ~WordKind.Medical;
        }

        var phrases = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var reader = Open("place-phrases.txt.gz"))
        {
            while (reader.ReadLine() is { Length: > 0 } line)
            {
                phrases.Add(line);
            }
        }

        counts["place-phrases"] = phrases.Count;
        return new PhiLexicon(words.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), phrases.ToFrozenSet(StringComparer.OrdinalIgnoreCase), counts);

        static StreamReader Open(string file)
        {
            var raw = typeof(PhiLexicon).Assembly.GetManifestResourceStream("ClinChat.Phi.Dictionaries." + file)
                ?? throw new InvalidOperationException($"Embedded PHI dictionary '{file}' is missing from the build.");
            return new StreamReader(file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw);
        }

        void Load(string file, WordKind kind)
        {
            using var reader = Open(file);
            var count = 0;
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var word = line.Trim();
                words[word] = words.GetValueOrDefault(word) | kind;
                count++;
            }

            counts[Path.GetFileNameWithoutExtension(Path.GetFileNameWithoutExtension(file))] = count;
        }
    }
}
