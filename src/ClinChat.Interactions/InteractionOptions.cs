namespace ClinChat.Interactions;

/// <summary>Configuration section "Interactions".</summary>
public sealed class InteractionOptions
{
    public const string SectionName = "Interactions";

    /// <summary>
    /// Source names in order of precedence, first wins (e.g. ["hospital-formulary", "curated"]). Sources not
    /// listed follow in load order: the curated base first, then imports as listed in <see cref="ImportFiles"/>.
    /// </summary>
    public List<string> SourcePrecedence { get; set; } = [];

    /// <summary>
    /// When true the most severe rule across all sources wins, and precedence only breaks ties. Off by default so
    /// that a hospital can deliberately downgrade a curated rule.
    /// </summary>
    public bool MostSevereAcrossSources { get; set; }

    /// <summary>Extra rule files (CSV or DDInter format, or directories of them) loaded at start.</summary>
    public List<string> ImportFiles { get; set; } = [];
}
