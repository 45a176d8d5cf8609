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

    private PhiLexicon(FrozenDictionary<string, WordKind> words, IReadOnlyDictionary<string, int> counts)
    {
        _words = words;
        _lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        Counts = counts;
    }

    /// <summary>Entries per list, for the status endpoint.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; }

    public int Size => _words.Count;

    public WordKind Classify(ReadOnlySpan<char> word) => _lookup.TryGetValue(word, out var kind) ? kind : WordKind.None;

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
        return new PhiLexicon(words.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), counts);

        void Load(string file, WordKind kind)
        {
            var assembly = typeof(PhiLexicon).Assembly;
            using var raw = assembly.GetManifestResourceStream("ClinChat.Phi.Dictionaries." + file)
                ?? throw new InvalidOperationException($"Embedded PHI dictionary '{file}' is missing from the build.");
            using Stream stream = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
            using var reader = new StreamReader(stream);
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
