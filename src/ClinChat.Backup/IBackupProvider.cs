namespace ClinChat.Backup;

/// <summary>
/// The storage-specific half of backup and restore; encryption, the file format and verification are shared.
/// SQLite (embedded) uses the online backup API; a PostgreSQL provider would run <c>pg_dump --format=custom</c>
/// into the staging file and <c>pg_restore</c> into an empty database, with the same manifest and log.
/// </summary>
public interface IBackupProvider
{
    /// <summary>Provider name written into the manifest (<c>sqlite</c>); a restore refuses another provider's backup.</summary>
    string Name { get; }

    /// <summary>A directory on the store's own volume where plaintext snapshots are staged (and removed) during a run.</summary>
    string StagingDirectory { get; }

    /// <summary>Writes a transactionally consistent snapshot of the whole store to <paramref name="snapshotPath"/>.</summary>
    Task<SnapshotFacts> SnapshotAsync(string snapshotPath, CancellationToken cancellationToken);

    /// <summary>Checks a decrypted snapshot (integrity, record counts); throws <see cref="BackupException"/> when it is unusable.</summary>
    Task<SnapshotFacts> CheckSnapshotAsync(string snapshotPath, CancellationToken cancellationToken);

    /// <summary>Rows in data tables of the live store (0 for a missing or freshly migrated store).</summary>
    Task<long> CountDataRowsAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the live store with a checked snapshot in one step (never a partially restored store).</summary>
    Task<string?> ReplaceWithAsync(string snapshotPath, CancellationToken cancellationToken);

    /// <summary>Appends to the backup log (<c>backup_log</c>).</summary>
    Task RecordAsync(BackupLogEntry entry, CancellationToken cancellationToken);

    /// <summary>When the last successful backup finished, or <c>null</c> when there is none.</summary>
    Task<DateTimeOffset?> GetLastSuccessAsync(CancellationToken cancellationToken);
}

public sealed record BackupLogEntry(
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string File, long? Bytes, string? Sha256, string? BackupId, string Outcome, string? Error)
{
    public const string Success = "success";
    public const string Failure = "failure";
}
