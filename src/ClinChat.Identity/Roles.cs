namespace ClinChat.Identity;

/// <summary>The five ClinChat roles. Role names are part of the API contract (token claims, CLI, LDAP mapping).</summary>
public static class Roles
{
    public const string Clinician = "clinician";
    public const string Pharmacist = "pharmacist";
    public const string KbCurator = "kb_curator";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Clinician, Pharmacist, KbCurator, Auditor, Admin];

    /// <summary>Roles that must sign in with a second factor (HIPAA: privileged access).</summary>
    public static IReadOnlyList<string> RequiringMfa { get; } = [Admin, Auditor];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    public static bool RequireMfa(IEnumerable<string> roles) => roles.Any(r => RequiringMfa.Contains(r, StringComparer.Ordinal));
}
