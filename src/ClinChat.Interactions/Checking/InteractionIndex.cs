using System.Collections.Frozen;
using ClinChat.Interactions.Knowledge;

namespace ClinChat.Interactions.Checking;

/// <summary>A named set of rules: the curated base or one imported file.</summary>
public sealed record RuleSource(string Name, IReadOnlyList<InteractionRule> Rules, DateTimeOffset LoadedAt);

/// <summary>
/// Every rule expanded to ingredient pairs ahead of time, so a check is only dictionary look-ups.
/// For each pair one rule wins: the source ranked first by precedence, then the most specific rule
/// (drug × drug over drug × class over class × class) unless a broader rule is more severe and the narrower one
/// is not marked <c>overrides</c>, then the most severe.
/// </summary>
internal sealed class InteractionIndex
{
    private readonly FrozenDictionary<string, int> _ids;
    private readonly FrozenDictionary<long, InteractionRule> _pairs;

    private InteractionIndex(FrozenDictionary<string, int> ids, FrozenDictionary<long, InteractionRule> pairs, IReadOnlyDictionary<string, int> pairsBySource)
    {
        _ids = ids;
        _pairs = pairs;
        PairsBySource = pairsBySource;
    }

    public int PairCount => _pairs.Count;

    /// <summary>How many pairs each source decides (after precedence).</summary>
    public IReadOnlyDictionary<string, int> PairsBySource { get; }

    public bool TryGetId(string ingredient, out int id) => _ids.TryGetValue(ingredient, out id);

    public InteractionRule? Find(int a, int b) => _pairs.GetValueOrDefault(Key(a, b));

    public InteractionRule? Find(string a, string b) =>
        TryGetId(a, out var x) && TryGetId(b, out var y) && x != y ? Find(x, y) : null;

    public static InteractionIndex Build(DrugKnowledgeBase knowledgeBase, IReadOnlyList<RuleSource> sources, IReadOnlyList<string> precedence, bool mostSevereAcrossSources)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string name)
        {
            if (!ids.TryGetValue(name, out var id))
            {
                id = ids.Count;
                ids[name] = id;
            }

            return id;
        }

        foreach (var drug in knowledgeBase.DrugClasses.Keys)
        {
            Id(drug);
        }

        var best = new Dictionary<long, Candidate>();
        for (var s = 0; s < sources.Count; s++)
        {
            var source = sources[s];
            var listed = IndexOf(precedence, source.Name);
            var rank = listed >= 0 ? listed : precedence.Count + s;
            foreach (var rule in source.Rules)
            {
                var left = Members(knowledgeBase, rule.A);
                var right = Members(knowledgeBase, rule.B);
                foreach (var (a, aSpecific) in left)
                {
                    foreach (var (b, bSpecific) in right)
                    {
                        if (a == b)
                        {
                            continue;
                        }

                        var key = Key(Id(a), Id(b));
                        var candidate = new Candidate(rule, rank, (aSpecific ? 1 : 0) + (bSpecific ? 1 : 0));
                        if (!best.TryGetValue(key, out var current) || Beats(candidate, current, mostSevereAcrossSources))
                        {
                            best[key] = candidate;
                        }
                    }
                }
            }
        }

        var bySource = best.Values.GroupBy(c => c.Rule.SourceSet).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new InteractionIndex(
            ids.ToFrozenDictionary(StringComparer.Ordinal),
            best.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Rule),
            bySource);
    }

    private static bool Beats(Candidate x, Candidate y, bool mostSevereFirst)
    {
        if (mostSevereFirst && x.Rule.Severity != y.Rule.Severity)
        {
            return x.Rule.Severity > y.Rule.Severity;
        }

        if (x.Rank != y.Rank)
        {
            return x.Rank < y.Rank;
        }

        if (x.Specificity != y.Specificity)
        {
            // A missed severe interaction is the worst failure: a narrower rule only lowers severity when it says so.
            var (narrow, broad) = x.Specificity > y.Specificity ? (x, y) : (y, x);
            var narrowWins = narrow.Rule.Severity >= broad.Rule.Severity || narrow.Rule.Overrides;
            return narrowWins ? ReferenceEquals(narrow.Rule, x.Rule) : ReferenceEquals(broad.Rule, x.Rule);
        }

        return x.Rule.Severity > y.Rule.Severity;
    }

    private static List<(string Drug, bool Specific)> Members(DrugKnowledgeBase knowledgeBase, IReadOnlyList<string> names)
    {
        var result = new List<(string, bool)>();
        foreach (var name in names)
        {
            if (knowledgeBase.IsClass(name))
            {
                result.AddRange(knowledgeBase.MembersOf(name).Select(m => (m, false)));
            }
            else
            {
                result.Add((name, true));
            }
        }

        // A drug named directly and through a class counts as named directly.
        return result.GroupBy(r => r.Item1).Select(g => (g.Key, g.Any(x => x.Item2))).ToList();
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static long Key(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;

    private readonly record struct Candidate(InteractionRule Rule, int Rank, int Specificity);
}
