using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ClinChat.Backup.Sqlite;

/// <summary>
/// The embedded store, <c>&lt;data-dir&gt;/clinchat.db</c> (WAL). Snapshots use SQLite's online backup API in a single
/// step, which reads one consistent version of the database while writers carry on in the WAL.
/// </summary>
public sealed class SqliteBackupProvider(string databasePath, TimeProvider time) : IBackupProvider
{
    /// <summary>Bookkeeping tables that do not make a store "hold data" (a freshly started server creates them).</summary>
    private static readonly HashSet<string> BookkeepingTables = new(StringComparer.OrdinalIgnoreCase)
    {
        "backup_log", "identity_schema", "encryption_keys",
    };

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

        await using (var source = await OpenAsync(_databasePath, SqliteOpenMode.ReadWrite, cancellationToken))
        {
            await EnsureLogAsync(source, cancellationToken);
            await using var destination = await OpenAsync(snapshotPath, SqliteOpenMode.ReadWriteCreate, cancellationToken);
            // One step (all pages) under one read transaction: a consistent snapshot, and WAL writers are not blocked.
            await Task.Run(() => source.BackupDatabase(destination), cancellationToken);
        }

        await using (var snapshot = await OpenAsync(snapshotPath, SqliteOpenMode.ReadWrite, cancellationToken))
        {
            // A self-contained file (rollback journal mode) hashes the same whenever it is opened; the store sets WAL again on start.
            await ScalarAsync(snapshot, "PRAGMA journal_mode=DELETE;", cancellationToken);
            return await FactsAsync(snapshot, cancellationToken);
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
        return facts.Tables.Where(t => !BookkeepingTables.Contains(t.Key)).Sum(t => t.Value);
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

        await using var connection = await OpenAsync(_databasePath, SqliteOpenMode.ReadWrite, cancellationToken);
        await EnsureLogAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO backup_log (started_at, finished_at, file, bytes, sha256, backup_id, outcome, error)
            VALUES ($started, $finished, $file, $bytes, $sha, $id, $outcome, $error)
            """;
        command.Parameters.AddWithValue("$started", FormatTime(entry.StartedAt));
        command.Parameters.AddWithValue("$finished", FormatTime(entry.FinishedAt));
        command.Parameters.AddWithValue("$file", entry.File);
        command.Parameters.AddWithValue("$bytes", (object?)entry.Bytes ?? DBNull.Value);
        command.Parameters.AddWithValue("$sha", (object?)entry.Sha256 ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", (object?)entry.BackupId ?? DBNull.Value);
        command.Parameters.AddWithValue("$outcome", entry.Outcome);
        command.Parameters.AddWithValue("$error", (object?)entry.Error ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DateTimeOffset?> GetLastSuccessAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_databasePath))
        {
            return null;
        }

        await using var connection = await OpenAsync(_databasePath, SqliteOpenMode.ReadOnly, cancellationToken);
        if (await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'backup_log';", cancellationToken) is 0L)
        {
            return null;
        }

        return await ScalarAsync(connection, "SELECT MAX(finished_at) FROM backup_log WHERE outcome = 'success';", cancellationToken) is string last
            ? DateTimeOffset.Parse(last, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
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

        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken), CultureInfo.InvariantCulture);
        return new SnapshotFacts(version, counts, head);
    }

    private static async Task EnsureLogAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS backup_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                started_at TEXT NOT NULL,
                finished_at TEXT NOT NULL,
                file TEXT NOT NULL,
                bytes INTEGER,
                sha256 TEXT,
                backup_id TEXT,
                outcome TEXT NOT NULL,
                error TEXT
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
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

    private static string FormatTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
