using System.Text.Json.Serialization;

namespace ClinChat.Interactions.Checking;

public sealed record ProbeResult(
    [property: JsonPropertyName("drugs")] IReadOnlyList<string> Drugs,
    [property: JsonPropertyName("expected")] string Expected,
    [property: JsonPropertyName("actual")] string Actual,
    [property: JsonPropertyName("passed")] bool Passed);

public sealed record DrugDbHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("kb_version")] string KbVersion,
    [property: JsonPropertyName("drugs")] int Drugs,
    [property: JsonPropertyName("brands")] int Brands,
    [property: JsonPropertyName("rules")] int Rules,
    [property: JsonPropertyName("expanded_pairs")] int ExpandedPairs,
    [property: JsonPropertyName("sources")] IReadOnlyList<RuleSourceInfo> Sources,
    [property: JsonPropertyName("last_update")] DateTimeOffset LastUpdate,
    [property: JsonPropertyName("self_test")] IReadOnlyList<ProbeResult> SelfTest);

/// <summary>Built-in probe pairs: interactions that must always be caught at least at the stated severity, and pairs that must stay quiet.</summary>
public static class DrugDbSelfTest
{
    internal static readonly (string A, string B, InteractionSeverity? Minimum)[] Probes =
    [
        ("warfarin", "ibuprofen", InteractionSeverity.Major),
        ("Coumadin", "Bactrim", InteractionSeverity.Major),
        ("simvastatin", "clarithromycin", InteractionSeverity.Contraindicated),
        ("Viagra", "nitroglycerin", InteractionSeverity.Contraindicated),
        ("phenelzine", "sertraline", InteractionSeverity.Contraindicated),
        ("methotrexate", "trimethoprim", InteractionSeverity.Major),
        ("tizanidine", "ciprofloxacin HCl", InteractionSeverity.Contraindicated),
        ("amoxicillin", "acetaminophen", null),
        ("metformin", "atorvastatin", null),
    ];

    public static DrugDbHealth Run(InteractionEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var results = new List<ProbeResult>();
        foreach (var (a, b, minimum) in Probes)
        {
            var report = engine.Checker.Check([a, b]);
            var worst = report.Interactions.Count > 0 ? report.Interactions[0].Severity : (InteractionSeverity?)null;
            var passed = minimum is { } min
                ? worst >= min
                : worst is null or InteractionSeverity.Minor;
            results.Add(new ProbeResult(
                [a, b],
                minimum is { } m ? $">= {m.ToWireName()}" : "none or minor",
                worst?.ToWireName() ?? "none",
                passed));
        }

        return new DrugDbHealth(
            results.TrueForAll(r => r.Passed) ? "healthy" : "unhealthy",
            engine.KnowledgeBase.Version,
            engine.DrugCount,
            engine.Brands.Count,
            engine.RuleCount,
            engine.ExpandedPairCount,
            engine.Sources,
            engine.LastUpdate,
            results);
    }
}
