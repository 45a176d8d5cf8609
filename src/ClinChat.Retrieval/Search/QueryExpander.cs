using System.Reflection;
using System.Text.RegularExpressions;

namespace ClinChat.Retrieval.Search;

/// <summary>One expansion the expander applied, shown to the user and used by both retrievers.</summary>
public sealed record QueryExpansion(string Term, string Expansion, string Kind);

/// <summary>
/// Expands clinical abbreviations and drug brand names in a question from dictionaries the team writes
/// (reviewable files: <c>Expansion/abbreviations.tsv</c>, and the interaction knowledge base's brand table).
/// </summary>
public sealed partial class QueryExpander
{
    private readonly Dictionary<string, List<string>> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _folded = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _brands = new(StringComparer.OrdinalIgnoreCase);

    public QueryExpander(IEnumerable<(string Abbreviation, string Expansion)> abbreviations, IEnumerable<(string Brand, string Generic)> brands)
    {
        foreach (var (abbreviation, expansion) in abbreviations)
        {
            // All-capital abbreviations (AF, PE, MI) only match as written, so ordinary words ("pe", "af") do not expand.
            var target = abbreviation.Any(char.IsLower) ? _folded : _exact;
            Add(target, abbreviation, expansion);
        }

        foreach (var (brand, generic) in brands)
        {
            Add(_brands, brand, generic);
        }
    }

    public int AbbreviationCount => _exact.Count + _folded.Count;

    public int BrandCount => _brands.Count;

    /// <summary>The abbreviations shipped with ClinChat, parsed from the embedded TSV.</summary>
    public static IReadOnlyList<(string Abbreviation, string Expansion)> LoadBuiltInAbbreviations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith("abbreviations.tsv", StringComparison.Ordinal));
        if (name is null)
        {
            return [];
        }

        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return ParseTsv(reader.ReadToEnd());
    }

    public static IReadOnlyList<(string, string)> ParseTsv(string text)
    {
        var entries = new List<(string, string)>();
        var first = true;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (first && parts[0].Equals("abbreviation", StringComparison.OrdinalIgnoreCase))
            {
                first = false;
                continue;
            }

            first = false;
            if (parts.Length >= 2 && parts[0].Trim().Length > 0 && parts[1].Trim().Length > 0)
            {
                entries.Add((parts[0].Trim(), parts[1].Trim()));
            }
        }

        return entries;
    }

    /// <summary>The expansions that apply to a question (each term once).</summary>
    public IReadOnlyList<QueryExpansion> Expand(string question)
    {
        var found = new List<QueryExpansion>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in Token().Matches(question))
        {
            var token = match.Value;
            if (!seen.Add(token))
            {
                continue;
            }

            if (_exact.TryGetValue(token, out var senses) || _folded.TryGetValue(token, out senses))
            {
                found.AddRange(senses.Select(s => new QueryExpansion(token, s, "abbreviation")));
            }

            if (_brands.TryGetValue(token, out var generics))
            {
                found.AddRange(generics.Select(g => new QueryExpansion(token, g, "brand")));
            }
        }

        return found;
    }

    private static void Add(Dictionary<string, List<string>> target, string key, string value)
    {
        if (!target.TryGetValue(key, out var list))
        {
            target[key] = list = [];
        }

        if (!list.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            list.Add(value);
        }
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)*")]
    private static partial Regex Token();
}
