using System.Globalization;
using ClinChat.Storage.Database;
using Microsoft.Data.Sqlite;

namespace ClinChat.Backup.Sqlite;

/// <summary>
/// The embedded store, <c>&lt;data-dir&gt;/clinchat.db</c> (WAL). Snapshots use SQLite's online backup API in a single
/// step, which reads one consistent version of the database while writers carry on in the WAL.
/// </summary>
public sealed class SqliteBackupProvider(string databasePath, TimeProvider time) : IBackupProvider
{
    private readonly string _databasePath = Path.GetFullPath(databasePath);

    public string Name => "sqlite";

    public string DatabasePath => _databasePath;

    public string StagingDirectory => Path.GetDirectoryName(_databasePath)!;

    public async Task<SnapshotFacts> SnapshotAsync(string snapshotPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(_databasePath))
        {
            throw new BackupException($"there is no store to back up ({_databasePath} does not exist).");
        }

        await using (await MigrateLogAsync(cancellationToken))
        {
            // The log table exists before the snapshot, so a restored store has it.
        }

        await using (var source = await OpenAsync(_databasePath, SqliteOpenMode.ReadWrite, cancellationToken))
        {
            await using var destination = await OpenAsync(snapshotPath, SqliteOpenMode.ReadWriteCreate, cancellationToken);
            await CopyPagesAsync(source, destination, cancellationToken);
        }

        await using (var snapshot = await OpenAsync(snapshotPath, SqliteOpenMode.ReadWrite, cancellationToken))
        {
            // A self-contained file (rollback journal mode) hashes the same whenever it is opened; the store sets WAL again on start.
            await ScalarAsync(snapshot, "PRAGMA journal_mode=DELETE;", cancellationToken);
            return await FactsAsync(snapshot, cancellationToken);
        }
    }

    /// <summary>
    /// One step (all pages) under one read transaction: a consistent snapshot, and WAL writers are not blocked. The
    /// backup API does not wait on a busy database the way statements do (no busy handler for the source), so a
    /// momentary lock (another connection's checkpoint) is retried with a short back-off for up to about 15 seconds.
    /// </summary>
    private static async Task CopyPagesAsync(SqliteConnection source, SqliteConnection destination, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.Run(() => source.BackupDatabase(destination), cancellationToken);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * attempt, 1000)), cancellationToken);
            }
        }
    }

    public async Task<SnapshotFacts> CheckSnapshotAsync(string snapshotPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var snapshot = await OpenAsync(snapshotPath, SqliteOpenMode.ReadOnly, cancellationToken);
            var result = Convert.ToString(await ScalarAsync(snapshot, "PRAGMA integrity_check;", cancellationToken), CultureInfo.InvariantCulture);
            if (result != "ok")
            {
                throw new BackupException($"the snapshot fails SQLite's integrity check ({result}).");
            }

            return await FactsAsync(snapshot, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new BackupException($"the snapshot is not a usable SQLite database (SQLite error {ex.SqliteErrorCode}).");
        }
    }

    public async Task<long> CountDataRowsAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_databasePath))
        {
            return 0;
        }

        await using var connection = await OpenAsync(_databasePath, SqliteOpenMode.ReadOnly, cancellationToken);
        var facts = await FactsAsync(connection, cancellationToken);
        return facts.Tables.Where(t => !StoreTables.IsBookkeeping(t.Key)).Sum(t => t.Value);
    }

    public async Task<string?> ReplaceWithAsync(string snapshotPath, CancellationToken cancellationToken)
    {
        string? previous = null;
        if (File.Exists(_databasePath))
        {
            // Fold the WAL into the old file first: a stale -wal beside the restored file would be replayed into it.
            await using (var old = await OpenAsync(_databasePath, SqliteOpenMode.ReadWrite, cancellationToken))
            {
                await ScalarAsync(old, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
            }

            SqliteConnection.ClearAllPools();
            previous = $"{_databasePath}.pre-restore-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}";
            File.Move(_databasePath, previous);
            foreach (var suffix in new[] { "-wal", "-shm" })
            {
                if (File.Exists(_databasePath + suffix))
                {
                    File.Move(_databasePath + suffix, previous + suffix, overwrite: true);
                }
            }
        }

        // Same directory, so this is a rename: the store is either absent or complete, never half written.
        File.Move(snapshotPath, _databasePath);
        return previous;
    }

    public async Task RecordAsync(BackupLogEntry entry, CancellationToken cancellationToken)
    {
        if (!File.Exists(_databasePath))
        {
            // Nothing to log into (the failure was "no store"); creating an empty store here would look like a real one.
            return;
        }

        await using var database = await MigrateLogAsync(cancellationToken);
        await new BackupLog(database).RecordAsync(entry, cancellationToken);
    }

    public async Task<DateTimeOffset?> GetLastSuccessAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_databasePath))
        {
            return null;
        }

        await using var database = new SqliteStoreDatabase(_databasePath);
        return await new BackupLog(database).GetLastSuccessAsync(cancellationToken);
    }

    private static async Task<SnapshotFacts> FactsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            counts[table] = Convert.ToInt64(await ScalarAsync(connection, $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\";", cancellationToken), CultureInfo.InvariantCulture);
        }

        AuditHead? head = null;
        if (counts.TryGetValue("audit_events", out var events) && events > 0)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                head = new AuditHead(reader.GetInt64(0), reader.GetString(1));
            }
        }

        // The knowledge schema's version, as on PostgreSQL; stores from before schema_migrations kept it in user_version.
        var version = Convert.ToInt32(
            counts.ContainsKey("schema_migrations")
                ? await ScalarAsync(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = 'knowledge';", cancellationToken)
                : await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken),
            CultureInfo.InvariantCulture);
        return new SnapshotFacts(version, counts, head);
    }

    /// <summary>The log table through the database seam (its schema is <see cref="BackupLog.Schema"/>; the server migrates it too).</summary>
    private async Task<SqliteStoreDatabase> MigrateLogAsync(CancellationToken cancellationToken)
    {
        var database = new SqliteStoreDatabase(_databasePath);
        await database.MigrateAsync(BackupLog.Schema, cancellationToken);
        return database;
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
