namespace ClinChat.Security.Audit;

/// <summary>Why verification failed at a given place.</summary>
public enum AuditProblemKind
{
    /// <summary>An event's content no longer matches its recorded hash.</summary>
    Altered,
    /// <summary>Sequence numbers skip, or a checkpoint covers events that are gone.</summary>
    Deleted,
    /// <summary>An event is chained after an earlier event than its predecessor: something was inserted before it.</summary>
    Inserted,
    /// <summary>An event is chained after a later event: events were swapped or moved.</summary>
    Reordered,
    /// <summary>The chain is internally consistent but differs from what a signed checkpoint recorded (rewritten history).</summary>
    CheckpointMismatch,
    /// <summary>A checkpoint's signature is wrong or made with an unknown key.</summary>
    CheckpointForged,
    /// <summary>A checkpoint is missing from the checkpoint chain.</summary>
    CheckpointMissing,
}

/// <summary>One finding. Reasons name sequence numbers and checkpoint ids only, never event content.</summary>
public sealed record AuditProblem(AuditProblemKind Kind, long? Sequence, long? CheckpointId, string Reason);

/// <summary>The outcome of <see cref="AuditTrail.VerifyAsync"/>.</summary>
public sealed record AuditVerification(
    bool Intact,
    long EventsChecked,
    int CheckpointsChecked,
    AuditChainHead Head,
    AuditCheckpoint? LastCheckpoint,
    long UncheckpointedEvents,
    DateTimeOffset? OldestUncheckpointedEventAt,
    IReadOnlyList<AuditProblem> Problems,
    DateTimeOffset VerifiedAt)
{
    /// <summary>The earliest sequence number at which something is wrong, if any.</summary>
    public long? FirstBadSequence => Problems.Where(p => p.Sequence is not null).Select(p => p.Sequence).Min();

    /// <summary>The first problem (by sequence, then checkpoint) in one line, e.g. for <c>clinchat audit verify</c>.</summary>
    public string Summary => Intact
        ? $"Audit chain intact: {EventsChecked} events, {CheckpointsChecked} checkpoints, head {Head.Sequence}."
        : Problems.OrderBy(p => p.Sequence ?? long.MaxValue).ThenBy(p => p.CheckpointId ?? long.MaxValue).First() is var first
            ? $"Audit chain broken ({first.Kind}): {first.Reason}"
            : "Audit chain broken.";
}
