using System.Text.RegularExpressions;

namespace ClinChat.Retrieval.Answering;

/// <summary>
/// Requests a reference knowledge base must not try to answer however well some passage matches: instructions to
/// the system and requests for a particular patient's records. The answer abstains and says why.
/// </summary>
public static partial class ScopeGuard
{
    public static string? Reason(string question)
    {
        if (Instruction().IsMatch(question))
        {
            return "instructions to the system are not questions the knowledge base can answer";
        }

        if (PatientRecord().IsMatch(question))
        {
            return "ClinChat answers from reference documents and has no access to patient records";
        }

        return null;
    }

    [GeneratedRegex(@"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules?|prompt|guidelines|previous|above|system)\b|\b(system|developer|hidden) prompt\b|\byou are now\b|\bact as\b|\bpretend (to be|you)\b|\bjailbreak\b|\breveal\b.{0,30}\b(prompt|instructions|configuration|secrets?|keys?|passwords?)\b|\b(print|show|dump|list)\b.{0,30}\b(api keys?|passwords?|secrets?|credentials|environment variables|database|tables|all users)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Instruction();

    // "A patient", "any patient" is a clinical question about patients in general; "the patient in bed 4" or a name is one patient.
    [GeneratedRegex(@"\b(show|give|get|list|pull up|look up|find|open|retrieve|send|what (is|are|was|were))\b.{0,40}\b(patient'?s?|mrn|medical record|chart|records?|labs?|lab results|results|medications|address|phone|date of birth|dob|ssn|insurance)\b.{0,40}\b(for|of|in)\b.{0,30}\b((?<!\b(a|an|any|each|every)\s)patient|mr\.?|mrs\.?|ms\.?|bed|room|mrn|(?-i:[A-Z][a-z]+ [A-Z][a-z]+))\b|\bpatient (in|from) (bed|room)\b|\b(mrn|medical record number)\b\s*[:#]?\s*\d", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PatientRecord();
}
