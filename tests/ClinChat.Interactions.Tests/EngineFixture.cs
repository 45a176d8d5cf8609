namespace ClinChat.Interactions.Tests;

/// <summary>The curated engine is immutable; build it once for all tests.</summary>
internal static class Engine
{
    private static readonly Lazy<InteractionEngine> Curated = new(() => InteractionEngine.Create());

    public static InteractionEngine Default => Curated.Value;

    public static InteractionSeverity? Worst(params string[] medications)
    {
        var report = Default.Checker.Check(medications);
        return report.Interactions.Count > 0 ? report.Interactions[0].Severity : null;
    }
}
