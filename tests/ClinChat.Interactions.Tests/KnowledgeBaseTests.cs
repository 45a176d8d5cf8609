using ClinChat.Interactions.Knowledge;

namespace ClinChat.Interactions.Tests;

public sealed class KnowledgeBaseTests
{
    [Fact]
    public void Load_EmbeddedData_IsLargeEnoughForHospitalUse()
    {
        var kb = DrugKnowledgeBase.Default;
        Assert.True(kb.DrugClasses.Count >= 800, $"drugs: {kb.DrugClasses.Count}");
        Assert.True(kb.Brands.Count >= 500, $"brands: {kb.Brands.Count}");
        Assert.True(kb.Rules.Count >= 200, $"rules: {kb.Rules.Count}");
        Assert.True(Engine.Default.ExpandedPairCount >= 3000, $"pairs: {Engine.Default.ExpandedPairCount}");
    }

    [Fact]
    public void Load_EveryRule_HasSeverityMechanismEffectManagementAndSource()
    {
        foreach (var rule in DrugKnowledgeBase.Default.Rules)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Mechanism), rule.Id);
            Assert.False(string.IsNullOrWhiteSpace(rule.Effect), rule.Id);
            Assert.False(string.IsNullOrWhiteSpace(rule.Management), rule.Id);
            Assert.False(string.IsNullOrWhiteSpace(rule.Source), rule.Id);
        }
    }

    [Fact]
    public void Load_RuleNamingUnknownDrug_FailsWithFileAndEntry()
    {
        var files = ReadDataFiles();
        files["rules.yaml"] += "\n- id: typo\n  a: [warfarn]\n  b: [nsaids]\n  severity: major\n  mechanism: m\n  effect: e\n  management: g\n  source: s\n";
        var ex = Assert.Throws<KnowledgeBaseException>(() => DrugKnowledgeBase.Load(n => files[n]));
        Assert.Contains("warfarn", ex.Message);
        Assert.Contains("rules.yaml", ex.Message);
    }

    [Fact]
    public void MembersOf_ClassWithIncludes_ExpandsTransitively()
    {
        var members = DrugKnowledgeBase.Default.MembersOf("serotonergic");
        Assert.Contains("sertraline", members);
        Assert.Contains("sumatriptan", members);
        Assert.Contains("tramadol", members);
        Assert.DoesNotContain("warfarin", members);
    }

    [Fact]
    public void Version_IncludesContentHash()
    {
        Assert.Matches(@"^\d{4}\.\d+\.\d+\+[0-9a-f]{12}$", DrugKnowledgeBase.Default.Version);
    }

    [Fact]
    public void NarrowerRule_LessSevereThanClassRule_DoesNotHideItUnlessMarkedOverrides()
    {
        // methadone-serotonergic (moderate) is narrower than QT high-risk x high-risk (major): the major one must win.
        Assert.True(Engine.Default.FindRule("methadone", "escitalopram")?.Severity >= InteractionSeverity.Major);
        // linezolid with mirtazapine is a declared, labelled downgrade from the MAOI class rule.
        var linezolid = Engine.Default.FindRule("linezolid", "mirtazapine");
        Assert.Equal("linezolid-serotonergic-monitoring", linezolid?.Id);
        Assert.Equal(InteractionSeverity.Major, linezolid?.Severity);
    }

    private static IEnumerable<string> Expand(DrugKnowledgeBase kb, IReadOnlyList<string> names) =>
        names.SelectMany(n => kb.IsClass(n) ? (IEnumerable<string>)kb.MembersOf(n) : [n]).Distinct();

    private static bool Covers(DrugKnowledgeBase kb, InteractionRule r, string a, string b)
    {
        var left = Expand(kb, r.A).ToHashSet();
        var right = Expand(kb, r.B).ToHashSet();
        return (left.Contains(a) && right.Contains(b)) || (left.Contains(b) && right.Contains(a));
    }

    internal static Dictionary<string, string> ReadDataFiles()
    {
        var assembly = typeof(DrugKnowledgeBase).Assembly;
        return new[] { "manifest.yaml", "classes.yaml", "drugs.yaml", "synonyms.csv", "brands.csv", "salts.txt", "rules.yaml" }
            .ToDictionary(n => n, n =>
            {
                using var s = assembly.GetManifestResourceStream("ClinChat.Interactions.Data." + n)!;
                using var r = new StreamReader(s);
                return r.ReadToEnd();
            });
    }
}
