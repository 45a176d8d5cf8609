using ClinChat.Interactions.Knowledge;
using ClinChat.Interactions.Normalization;

namespace ClinChat.Interactions.Checking;

/// <summary>Checks a regimen: every interacting pair across its medications, most severe first.</summary>
public sealed class InteractionChecker
{
    internal const string DuplicationRuleId = "duplicate-ingredient";

    private static readonly InteractionRule Duplication = new(
        DuplicationRuleId,
        [],
        [],
        InteractionSeverity.Moderate,
        "The same active ingredient is present in two of the listed medications.",
        "Additive exposure to one drug; risk of unintended overdose (e.g. acetaminophen in several combination products).",
        "Confirm both products are intended; count the total daily dose of the shared ingredient across products.",
        "ClinChat therapeutic duplication check",
        DrugKnowledgeBase.CuratedSourceSet);

    private readonly DrugNameNormalizer _normalizer;
    private readonly InteractionIndex _index;
    private readonly InteractionMetrics? _metrics;

    internal InteractionChecker(DrugNameNormalizer normalizer, InteractionIndex index, InteractionMetrics? metrics)
    {
        _normalizer = normalizer;
        _index = index;
        _metrics = metrics;
    }

    /// <summary>Normalises each typed name and checks every pair across different medications.</summary>
    public InteractionReport Check(IReadOnlyList<string> medications)
    {
        ArgumentNullException.ThrowIfNull(medications);
        var normalized = new DrugNormalization[medications.Count];
        for (var i = 0; i < medications.Count; i++)
        {
            normalized[i] = _normalizer.Normalize(medications[i] ?? string.Empty);
        }

        return Check(normalized);
    }

    /// <summary>Checks already-normalised medications (e.g. from <see cref="DrugMentionFinder"/>).</summary>
    public InteractionReport Check(IReadOnlyList<DrugNormalization> medications)
    {
        ArgumentNullException.ThrowIfNull(medications);
        var ids = new int[medications.Count][];
        for (var i = 0; i < medications.Count; i++)
        {
            var ingredients = medications[i].Ingredients;
            ids[i] = new int[ingredients.Count];
            for (var k = 0; k < ingredients.Count; k++)
            {
                ids[i][k] = _index.TryGetId(ingredients[k], out var id) ? id : -1;
            }
        }

        var findings = new List<InteractionFinding>();
        for (var i = 0; i < medications.Count; i++)
        {
            for (var j = i + 1; j < medications.Count; j++)
            {
                for (var x = 0; x < ids[i].Length; x++)
                {
                    for (var y = 0; y < ids[j].Length; y++)
                    {
                        var a = medications[i].Ingredients[x];
                        var b = medications[j].Ingredients[y];
                        InteractionRule? rule;
                        if (string.Equals(a, b, StringComparison.Ordinal))
                        {
                            rule = Duplication;
                        }
                        else
                        {
                            rule = ids[i][x] >= 0 && ids[j][y] >= 0 ? _index.Find(ids[i][x], ids[j][y]) : null;
                        }

                        if (rule is not null)
                        {
                            findings.Add(new InteractionFinding(
                                [medications[i].Input, medications[j].Input],
                                [a, b],
                                rule.Severity,
                                rule.Mechanism,
                                rule.Effect,
                                rule.Management,
                                rule.Source,
                                rule.Id));
                        }
                    }
                }
            }
        }

        // List.Sort is unstable; the index keeps regimen order within a severity.
        var ordered = findings
            .Select((f, n) => (f, n))
            .OrderByDescending(t => t.f.Severity)
            .ThenBy(t => t.n)
            .Select(t => t.f)
            .ToArray();
        var unknown = medications.Where(m => !m.IsKnown).Select(m => m.Input).ToArray();
        var report = new InteractionReport(medications.ToArray(), unknown, ordered);
        _metrics?.Record(report);
        return report;
    }
}
