namespace ClinChat.Interactions;

/// <summary>How serious an interaction is; the numeric order is the reporting order.</summary>
public enum InteractionSeverity
{
    Minor = 1,
    Moderate = 2,
    Major = 3,
    Contraindicated = 4,
}

public static class InteractionSeverityNames
{
    public static string ToWireName(this InteractionSeverity severity) => severity switch
    {
        InteractionSeverity.Minor => "minor",
        InteractionSeverity.Moderate => "moderate",
        InteractionSeverity.Major => "major",
        InteractionSeverity.Contraindicated => "contraindicated",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };

    public static bool TryParse(string? text, out InteractionSeverity severity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "minor":
                severity = InteractionSeverity.Minor;
                return true;
            case "moderate":
                severity = InteractionSeverity.Moderate;
                return true;
            case "major":
            case "severe":
            case "high":
                severity = InteractionSeverity.Major;
                return true;
            case "contraindicated":
            case "contraindication":
                severity = InteractionSeverity.Contraindicated;
                return true;
            default:
                severity = default;
                return false;
        }
    }
}
