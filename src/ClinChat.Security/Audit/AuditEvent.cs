using System.Globalization;

namespace ClinChat.Security.Audit;

/// <summary>What an audited request did to its resource (maps to FHIR AuditEvent.action C/R/U/D/E).</summary>
public enum AuditOperation
{
    Create,
    Read,
    Update,
    Delete,
    Execute,
}

/// <summary>How the audited action ended (maps to FHIR AuditEvent.outcome 0/4/8).</summary>
public enum AuditOutcome
{
    Success,
    Denied,
    Failure,
}

/// <summary>
/// One audited action. Carries identifiers only: the resource is patient-free (<c>document:ab12</c>,
/// <c>conversation:7f3c</c>, <c>/api/chat</c>) and clinical text never appears here. Free text is refused by
/// <see cref="Validate"/>: action and resource may not contain whitespace.
/// </summary>
public sealed record AuditEvent(
    DateTimeOffset OccurredAt,
    string User,
    string Role,
    string Action,
    AuditOperation Operation,
    string Resource,
    AuditOutcome Outcome,
    string RequestId,
    string ClientAddress)
{
    internal const int MaxFieldLength = 256;

    /// <summary>The timestamp as stored and hashed: UTC, 100 ns precision, fixed width so it sorts as text.</summary>
    public string OccurredAtText => FormatTime(OccurredAt);

    internal static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Throws <see cref="ArgumentException"/> naming the field (never its value) when the event is not recordable.</summary>
    public void Validate()
    {
        Check(nameof(User), User, allowEmpty: false, allowSpaces: false);
        Check(nameof(Role), Role, allowEmpty: true, allowSpaces: false);
        Check(nameof(Action), Action, allowEmpty: false, allowSpaces: false);
        Check(nameof(Resource), Resource, allowEmpty: true, allowSpaces: false);
        Check(nameof(RequestId), RequestId, allowEmpty: true, allowSpaces: false);
        Check(nameof(ClientAddress), ClientAddress, allowEmpty: true, allowSpaces: false);
        if (!Enum.IsDefined(Operation) || !Enum.IsDefined(Outcome))
        {
            throw new ArgumentException("Audit event operation or outcome is out of range.");
        }
    }

    private static void Check(string field, string? value, bool allowEmpty, bool allowSpaces)
    {
        if (value is null || (!allowEmpty && value.Length == 0))
        {
            throw new ArgumentException($"Audit event field '{field}' is required.");
        }

        if (value.Length > MaxFieldLength)
        {
            throw new ArgumentException($"Audit event field '{field}' is longer than {MaxFieldLength} characters.");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || (!allowSpaces && char.IsWhiteSpace(c)))
            {
                throw new ArgumentException($"Audit event field '{field}' contains whitespace or control characters; audit fields hold identifiers, never free text.");
            }
        }
    }
}

/// <summary>An event as stored: its sequence number, the hash of its predecessor and its own hash.</summary>
public sealed record AuditRecord(long Sequence, AuditEvent Event, string PreviousHash, string Hash);

/// <summary>The last event of the chain (sequence 0 and the genesis hash when the chain is empty).</summary>
public sealed record AuditChainHead(long Sequence, string Hash, DateTimeOffset? LastEventAt);

/// <summary>A signed statement that the chain had <see cref="HeadHash"/> at <see cref="Sequence"/>. Checkpoints chain too.</summary>
public sealed record AuditCheckpoint(
    long Id,
    long Sequence,
    string HeadHash,
    DateTimeOffset CreatedAt,
    string KeyId,
    string PreviousSignature,
    string Signature);
