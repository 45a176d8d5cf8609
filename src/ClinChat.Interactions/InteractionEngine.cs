using System.Text.Json.Serialization;
using ClinChat.Interactions.Checking;
using ClinChat.Interactions.Import;
using ClinChat.Interactions.Knowledge;
using ClinChat.Interactions.Normalization;

namespace ClinChat.Interactions;

/// <summary>A source as reported by the health endpoint.</summary>
public sealed record RuleSourceInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("rules")] int Rules,
    [property: JsonPropertyName("pairs_decided")] int PairsDecided,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("loaded_at")] DateTimeOffset LoadedAt);

/// <summary>
/// The interaction engine: the curated knowledge base plus any imported sources, a normaliser and finder over
/// their combined vocabulary, and a checker over the pre-expanded pair index. Immutable and thread-safe;
/// build one per configuration and share it.
/// </summary>
public sealed class InteractionEngine
{
    private const string NoText = "Not provided by the imported source; check the product labelling.";

    private readonly InteractionIndex _index;

    private InteractionEngine(
        DrugKnowledgeBase knowledgeBase,
        DrugNameNormalizer normalizer,
        InteractionIndex index,
        IReadOnlyList<RuleSourceInfo> sources,
        InteractionMetrics? metrics,
        int drugCount,
        DateTimeOffset lastUpdate)
    {
        KnowledgeBase = knowledgeBase;
        Normalizer = normalizer;
        _index = index;
        Sources = sources;
        DrugCount = drugCount;
        LastUpdate = lastUpdate;
        Finder = new DrugMentionFinder(normalizer);
        Checker = new InteractionChecker(normalizer, index, metrics);
    }

    public DrugKnowledgeBase KnowledgeBase { get; }

    public DrugNameNormalizer Normalizer { get; }

    public DrugMentionFinder Finder { get; }

    public InteractionChecker Checker { get; }

    public IReadOnlyList<RuleSourceInfo> Sources { get; }

    /// <summary>Distinct generic drugs known (curated plus drugs only imported sources name).</summary>
    public int DrugCount { get; }

    public int RuleCount => Sources.Sum(s => s.Rules);

    public int ExpandedPairCount => _index.PairCount;

    public DateTimeOffset LastUpdate { get; }

    /// <summary>Brand (lower case) → ingredients; shared with the retrieval query expander.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Brands => KnowledgeBase.Brands;

    /// <summary>The winning rule for two ingredients (generic names), if any.</summary>
    public InteractionRule? FindRule(string ingredientA, string ingredientB) => _index.Find(ingredientA, ingredientB);

    public static InteractionEngine Create(
        InteractionOptions? options = null,
        IEnumerable<ImportResult>? imports = null,
        DrugKnowledgeBase? knowledgeBase = null,
        InteractionMetrics? metrics = null,
        TimeProvider? timeProvider = null)
    {
        options ??= new InteractionOptions();
        knowledgeBase ??= DrugKnowledgeBase.Default;
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var curatedLoaded = new DateTimeOffset(knowledgeBase.Updated.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        // Imported names are resolved exactly (no spelling correction: a licensed list's names are deliberate);
        // names the curated base does not know become new generics so their pairs can still be checked.
        var curatedNormalizer = new DrugNameNormalizer(knowledgeBase);
        var sources = new List<RuleSource> { new(DrugKnowledgeBase.CuratedSourceSet, knowledgeBase.Rules, curatedLoaded) };
        var extraGenerics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var import in imports ?? [])
        {
            var rules = new List<InteractionRule>(import.Pairs.Count);
            foreach (var pair in import.Pairs)
            {
                var a = Resolve(curatedNormalizer, pair.DrugA, extraGenerics);
                var b = Resolve(curatedNormalizer, pair.DrugB, extraGenerics);
                if (a.SequenceEqual(b))
                {
                    continue;
                }

                rules.Add(new InteractionRule(
                    $"{import.SourceName}:{pair.Line}",
                    a,
                    b,
                    pair.Severity,
                    pair.Mechanism ?? NoText,
                    NoText,
                    pair.Management ?? NoText,
                    pair.Source,
                    import.SourceName));
            }

            sources.Add(new RuleSource(import.SourceName, rules, now));
        }

        var index = InteractionIndex.Build(knowledgeBase, sources, options.SourcePrecedence, options.MostSevereAcrossSources);
        var normalizer = extraGenerics.Count == 0 ? curatedNormalizer : new DrugNameNormalizer(knowledgeBase, extraGenerics);
        var infos = sources.Select((s, i) =>
        {
            var listed = options.SourcePrecedence.FindIndex(p => string.Equals(p, s.Name, StringComparison.OrdinalIgnoreCase));
            return new RuleSourceInfo(
                s.Name,
                s.Rules.Count,
                index.PairsBySource.GetValueOrDefault(s.Name),
                listed >= 0 ? listed : options.SourcePrecedence.Count + i,
                s.LoadedAt);
        }).OrderBy(s => s.Rank).ToArray();

        return new InteractionEngine(
            knowledgeBase,
            normalizer,
            index,
            infos,
            metrics,
            knowledgeBase.DrugClasses.Count + extraGenerics.Count,
            sources.Max(s => s.LoadedAt));
    }

    /// <summary>Loads the configured import files and builds the engine.</summary>
    public static async Task<InteractionEngine> CreateAsync(
        InteractionOptions options,
        InteractionMetrics? metrics,
        TimeProvider? timeProvider,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var imports = new List<ImportResult>();
        foreach (var path in options.ImportFiles)
        {
            imports.Add(await InteractionImporter.ImportPathAsync(path, cancellationToken).ConfigureAwait(false));
        }

        return Create(options, imports, null, metrics, timeProvider);
    }

    private static string[] Resolve(DrugNameNormalizer normalizer, string name, HashSet<string> extra)
    {
        var r = normalizer.Normalize(name, allowSpelling: false);
        if (r.IsKnown)
        {
            return [.. r.Ingredients];
        }

        var generic = NameText.Clean(name);
        extra.Add(generic);
        return [generic];
    }
}
