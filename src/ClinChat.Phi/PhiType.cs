namespace ClinChat.Phi;

/// <summary>The HIPAA Safe Harbor identifier kinds the detector reports.</summary>
public enum PhiType
{
    Name,
    Location,
    Date,
    Age,
    Phone,
    Fax,
    Email,
    Ssn,
    Mrn,
    HealthPlan,
    Account,
    License,
    Vehicle,
    Device,
    Url,
    Ip,
    Biometric,
    Id,
}

public static class PhiTypeNames
{
    private static readonly string[] Names =
    [
        "NAME", "LOCATION", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN",
        "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "BIOMETRIC", "ID",
    ];

    /// <summary>The stable wire name of a kind (<c>HEALTH_PLAN</c>), also used as the redaction tag.</summary>
    public static string ToWireName(this PhiType type) => Names[(int)type];

    public static bool TryParse(string name, out PhiType type)
    {
        var index = Array.IndexOf(Names, name.ToUpperInvariant());
        type = index < 0 ? default : (PhiType)index;
        return index >= 0;
    }

    public static IReadOnlyList<PhiType> All { get; } = Enum.GetValues<PhiType>();
}
