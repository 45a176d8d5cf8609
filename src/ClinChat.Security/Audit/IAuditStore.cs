namespace ClinChat.Security.Audit;

/// <summary>
/// Append-only storage of the audit chain (<see cref="AuditStore"/>: SQLite or PostgreSQL). Implementations must make
/// <see cref="AppendAsync"/> atomic across processes: read the head, <see cref="AuditChain.Seal"/> the event onto it and
/// insert it in one write transaction. No method updates or deletes an event.
/// </summary>
public interface IAuditStore
{
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    Task<AuditChainHead> GetHeadAsync(CancellationToken cancellationToken);

    /// <summary>Events with sequence greater than <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The sequence number of the event whose stored hash is <paramref name="hash"/>, if any (verification diagnostics).</summary>
    Task<long?> FindSequenceByHashAsync(string hash, CancellationToken cancellationToken);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Inserts a checkpoint; returns false if its id is taken (another process checkpointed first).</summary>
    Task<bool> TryAddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>All checkpoints in id order.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// An auditor's filter. Every criterion is optional; <see cref="Action"/> and <see cref="Resource"/> match exactly, or
/// by prefix when they end in <c>*</c>. Paging is by cursor (a sequence number), so pages stay stable while events arrive.
/// </summary>
public sealed record AuditQuery
{
    public const int MaxLimit = 1000;

    public string? User { get; init; }
    public string? Action { get; init; }
    public string? Resource { get; init; }
    public AuditOutcome? Outcome { get; init; }
    public DateTimeOffset? From { get; init; }
    /// <summary>Exclusive upper bound.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>The <see cref="AuditPage.NextCursor"/> of the previous page.</summary>
    public long? Cursor { get; init; }
    public int Limit { get; init; } = 100;
    public bool NewestFirst { get; init; }
}

public sealed record AuditPage(IReadOnlyList<AuditRecord> Events, long? NextCursor);
