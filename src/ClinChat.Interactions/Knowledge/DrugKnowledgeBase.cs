using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ClinChat.Interactions.Knowledge;

/// <summary>
/// The curated, reviewed drug knowledge: drugs and their classes, brand and synonym tables, salt words and
/// interaction rules. Immutable once loaded; validated on load so a typo in a data file fails the build's tests
/// instead of silently dropping a rule.
/// </summary>
public sealed class DrugKnowledgeBase
{
    public const string CuratedSourceSet = "curated";

    private static readonly Lazy<DrugKnowledgeBase> Embedded = new(LoadEmbedded);

    private readonly FrozenDictionary<string, FrozenSet<string>> _classMembers;

    private DrugKnowledgeBase(
        string version,
        DateOnly updated,
        FrozenDictionary<string, IReadOnlyList<string>> drugClasses,
        FrozenDictionary<string, DrugClass> classes,
        FrozenDictionary<string, FrozenSet<string>> classMembers,
        FrozenDictionary<string, IReadOnlyList<string>> brands,
        FrozenDictionary<string, IReadOnlyList<string>> synonyms,
        FrozenSet<string> saltWords,
        IReadOnlyList<InteractionRule> rules)
    {
        Version = version;
        Updated = updated;
        DrugClasses = drugClasses;
        Classes = classes;
        _classMembers = classMembers;
        Brands = brands;
        Synonyms = synonyms;
        SaltWords = saltWords;
        Rules = rules;
    }

    /// <summary>The knowledge base shipped in this assembly (loaded once; immutable).</summary>
    public static DrugKnowledgeBase Default => Embedded.Value;

    /// <summary>Declared version plus a content hash, so two builds with edited data never share a version.</summary>
    public string Version { get; }

    public DateOnly Updated { get; }

    /// <summary>Generic drug name → the classes it is directly listed in.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DrugClasses { get; }

    public IReadOnlyDictionary<string, DrugClass> Classes { get; }

    /// <summary>US brand name (lower case) → its active ingredients (generic names); combination products have several.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Brands { get; }

    /// <summary>Alternative generic names and abbreviations (lower case) → ingredients.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Synonyms { get; }

    /// <summary>Salt and ester words that do not change the active moiety (succinate, hydrochloride, …).</summary>
    public IReadOnlySet<string> SaltWords { get; }

    public IReadOnlyList<InteractionRule> Rules { get; }

    public bool IsClass(string name) => Classes.ContainsKey(name);

    /// <summary>All drugs in a class, following <c>includes</c> transitively.</summary>
    public IReadOnlySet<string> MembersOf(string classId) =>
        _classMembers.TryGetValue(classId, out var members) ? members : FrozenSet<string>.Empty;

    public static DrugKnowledgeBase LoadEmbedded()
    {
        var assembly = typeof(DrugKnowledgeBase).Assembly;
        return Load(name => OpenResource(assembly, name));
    }

    /// <summary>Loads from a directory laid out like <c>Data/</c>; used to review edits without rebuilding.</summary>
    public static DrugKnowledgeBase LoadDirectory(string directory) =>
        Load(name => File.ReadAllText(Path.Combine(directory, name)));

    internal static DrugKnowledgeBase Load(Func<string, string> read)
    {
        var files = new[] { "manifest.yaml", "classes.yaml", "drugs.yaml", "synonyms.csv", "brands.csv", "salts.txt", "rules.yaml" }
            .ToDictionary(n => n, read);
        var yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

        var manifest = yaml.Deserialize<ManifestFile>(files["manifest.yaml"]);
        var classFile = yaml.Deserialize<Dictionary<string, ClassFileEntry>>(files["classes.yaml"]) ?? [];
        var drugFile = yaml.Deserialize<Dictionary<string, List<string>?>>(files["drugs.yaml"]) ?? [];
        var ruleFile = yaml.Deserialize<List<RuleFileEntry>>(files["rules.yaml"]) ?? [];

        var classes = classFile.ToDictionary(
            kv => kv.Key,
            kv => new DrugClass(kv.Key, kv.Value.Description ?? string.Empty, kv.Value.Includes ?? []),
            StringComparer.Ordinal);

        var drugClasses = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (drug, memberOf) in drugFile)
        {
            var name = NameText.Clean(drug);
            if (name != drug)
            {
                throw new KnowledgeBaseException($"drugs.yaml: '{drug}' must be written lower case with single spaces");
            }

            if (classes.ContainsKey(name))
            {
                throw new KnowledgeBaseException($"drugs.yaml: '{drug}' is also a class id in classes.yaml");
            }

            foreach (var c in memberOf ?? [])
            {
                if (!classes.ContainsKey(c))
                {
                    throw new KnowledgeBaseException($"drugs.yaml: '{drug}' lists unknown class '{c}'");
                }
            }

            drugClasses[name] = memberOf ?? [];
        }

        var direct = classes.Keys.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var (drug, memberOf) in drugClasses)
        {
            foreach (var c in memberOf)
            {
                direct[c].Add(drug);
            }
        }

        var members = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        foreach (var id in classes.Keys)
        {
            members[id] = Expand(id, classes, direct, []).ToFrozenSet(StringComparer.Ordinal);
        }

        var brands = ReadIngredientTable("brands.csv", files["brands.csv"], drugClasses);
        var synonyms = ReadIngredientTable("synonyms.csv", files["synonyms.csv"], drugClasses);
        var salts = files["salts.txt"].Split('\n')
            .Select(l => l.Split('#')[0].Trim().ToLowerInvariant())
            .Where(l => l.Length > 0)
            .ToFrozenSet(StringComparer.Ordinal);

        var rules = new List<InteractionRule>(ruleFile.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ruleFile.Count; i++)
        {
            var r = ruleFile[i];
            var where = $"rules.yaml entry {i + 1} ({r.Id ?? "no id"})";
            if (string.IsNullOrWhiteSpace(r.Id) || !ids.Add(r.Id))
            {
                throw new KnowledgeBaseException($"{where}: id missing or duplicated");
            }

            if (!InteractionSeverityNames.TryParse(r.Severity, out var severity))
            {
                throw new KnowledgeBaseException($"{where}: severity '{r.Severity}' is not contraindicated|major|moderate|minor");
            }

            foreach (var field in new[] { (nameof(r.Mechanism), r.Mechanism), (nameof(r.Effect), r.Effect), (nameof(r.Management), r.Management), (nameof(r.Source), r.Source) })
            {
                if (string.IsNullOrWhiteSpace(field.Item2))
                {
                    throw new KnowledgeBaseException($"{where}: {field.Item1.ToLowerInvariant()} is required");
                }
            }

            if (r.A is not { Count: > 0 } || r.B is not { Count: > 0 })
            {
                throw new KnowledgeBaseException($"{where}: a and b must each list at least one drug or class");
            }

            foreach (var name in r.A.Concat(r.B))
            {
                if (!drugClasses.ContainsKey(name) && !classes.ContainsKey(name))
                {
                    throw new KnowledgeBaseException($"{where}: '{name}' is neither a drug in drugs.yaml nor a class in classes.yaml");
                }
            }

            rules.Add(new InteractionRule(r.Id, r.A, r.B, severity, Squash(r.Mechanism!), Squash(r.Effect!), Squash(r.Management!), Squash(r.Source!), CuratedSourceSet, r.Overrides));
        }

        var version = $"{manifest.Version}+{ContentHash(files)}";
        var updated = DateOnly.TryParse(manifest.Updated, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : DateOnly.MinValue;

        return new DrugKnowledgeBase(
            version,
            updated,
            drugClasses.ToFrozenDictionary(StringComparer.Ordinal),
            classes.ToFrozenDictionary(StringComparer.Ordinal),
            members.ToFrozenDictionary(StringComparer.Ordinal),
            brands,
            synonyms,
            salts,
            rules);
    }

    private static HashSet<string> Expand(string id, Dictionary<string, DrugClass> classes, Dictionary<string, HashSet<string>> direct, HashSet<string> visiting)
    {
        if (!visiting.Add(id))
        {
            throw new KnowledgeBaseException($"classes.yaml: class '{id}' includes itself through its includes");
        }

        var result = new HashSet<string>(direct[id], StringComparer.Ordinal);
        foreach (var inc in classes[id].Includes)
        {
            if (!classes.ContainsKey(inc))
            {
                throw new KnowledgeBaseException($"classes.yaml: class '{id}' includes unknown class '{inc}'");
            }

            result.UnionWith(Expand(inc, classes, direct, visiting));
        }

        visiting.Remove(id);
        return result;
    }

    private static FrozenDictionary<string, IReadOnlyList<string>> ReadIngredientTable(string file, string text, Dictionary<string, IReadOnlyList<string>> drugs)
    {
        var table = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || (lineNumber == 1 && line.StartsWith("name,", StringComparison.Ordinal)))
            {
                continue;
            }

            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0)
            {
                throw new KnowledgeBaseException($"{file} line {lineNumber}: expected 'name,ingredient[;ingredient…]'");
            }

            var name = NameText.Clean(line[..comma]);
            var ingredients = line[(comma + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var ingredient in ingredients)
            {
                if (!drugs.ContainsKey(ingredient))
                {
                    throw new KnowledgeBaseException($"{file} line {lineNumber}: ingredient '{ingredient}' of '{name}' is not in drugs.yaml");
                }
            }

            if (drugs.ContainsKey(name))
            {
                throw new KnowledgeBaseException($"{file} line {lineNumber}: '{name}' is already a generic name in drugs.yaml");
            }

            if (ingredients.Length == 0 || !table.TryAdd(name, ingredients))
            {
                throw new KnowledgeBaseException($"{file} line {lineNumber}: '{name}' has no ingredients or is listed twice");
            }
        }

        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string ContentHash(Dictionary<string, string> files)
    {
        var all = string.Join("\u0000", files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "\u0001" + f.Value));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all)))[..12];
    }

    private static string OpenResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream("ClinChat.Interactions.Data." + name)
            ?? throw new KnowledgeBaseException($"embedded resource Data/{name} is missing from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private sealed class ManifestFile
    {
        public string Version { get; set; } = "0";

        public string? Updated { get; set; }
    }

    private sealed class ClassFileEntry
    {
        public string? Description { get; set; }

        public List<string>? Includes { get; set; }
    }

    private sealed class RuleFileEntry
    {
        public string? Id { get; set; }

        public List<string>? A { get; set; }

        public List<string>? B { get; set; }

        public string? Severity { get; set; }

        public string? Mechanism { get; set; }

        public string? Effect { get; set; }

        public string? Management { get; set; }

        public string? Source { get; set; }

        public bool Overrides { get; set; }
    }
}
