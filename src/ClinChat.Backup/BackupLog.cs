using System.Globalization;
using ClinChat.Storage.Database;

namespace ClinChat.Backup;

/// <summary>
/// The table <c>backup_log</c>, in the store it describes (either provider): one row per <c>clinchat backup</c> run.
/// The compliance control <c>backup-recent</c> reads the last success from it.
/// </summary>
public sealed class BackupLog(StoreDatabase database)
{
    public const string Table = "backup_log";

    public static readonly SchemaMigration Schema = new("backup", 1,
        Sqlite: """
            CREATE TABLE IF NOT EXISTS backup_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, file TEXT NOT NULL,
                bytes INTEGER, sha256 TEXT, backup_id TEXT, outcome TEXT NOT NULL, error TEXT);
            """,
        PostgreSql: """
            CREATE TABLE IF NOT EXISTS backup_log (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, file TEXT NOT NULL,
                bytes BIGINT, sha256 TEXT, backup_id TEXT, outcome TEXT NOT NULL, error TEXT);
            """);

    public async Task RecordAsync(BackupLogEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO backup_log (started_at, finished_at, file, bytes, sha256, backup_id, outcome, error)
            VALUES (@started, @finished, @file, @bytes, @sha, @id, @outcome, @error)
            """,
            cancellationToken, null,
            ("@started", FormatTime(entry.StartedAt)), ("@finished", FormatTime(entry.FinishedAt)), ("@file", entry.File),
            ("@bytes", entry.Bytes), ("@sha", entry.Sha256), ("@id", entry.BackupId), ("@outcome", entry.Outcome), ("@error", entry.Error));
    }

    /// <summary>When the last successful backup finished; <c>null</c> when there is none (or no log yet).</summary>
    public async Task<DateTimeOffset?> GetLastSuccessAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (!await database.TableExistsAsync(connection, Table, cancellationToken))
        {
            return null;
        }

        return await connection.ScalarAsync("SELECT MAX(finished_at) FROM backup_log WHERE outcome = 'success'", cancellationToken) is string last
            ? DateTimeOffset.Parse(last, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
    }

    // Fixed width, so MAX() over the text is the latest time on both providers.
    private static string FormatTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
