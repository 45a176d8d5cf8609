using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using ClinChat.Storage.Database;
using Npgsql;

namespace ClinChat.Backup.Postgres;

/// <summary>
/// A PostgreSQL store. The snapshot is <c>pg_dump --format=custom</c> run inside a snapshot exported by a
/// REPEATABLE READ transaction that also counts every table's rows and reads the audit head, so the manifest
/// describes exactly the data in the dump. A check reads the archive back with <c>pg_restore</c> (table of
/// contents, then every data block) and recounts; a restore is one <c>pg_restore --single-transaction
/// --exit-on-error</c>, which either restores everything or nothing.
/// </summary>
public sealed partial class PostgresBackupProvider : IBackupProvider
{
    /// <summary>The directory holding <c>pg_dump</c> and <c>pg_restore</c>; unset: they are looked up on <c>PATH</c>.</summary>
    public const string BinDirectorySetting = "ClinChat:Backup:PgBinDirectory";

    private readonly PostgresStoreDatabase? _database;
    private readonly PgClient _client;

    /// <param name="database">The store; <c>null</c> for a provider that only checks snapshots (<c>backup verify</c> without a database).</param>
    /// <param name="stagingDirectory">Where plaintext dumps and the password file are staged (mode 0600) during a run.</param>
    /// <param name="binDirectory">The value of <see cref="BinDirectorySetting"/>, or <c>null</c>.</param>
    public PostgresBackupProvider(PostgresStoreDatabase? database, string stagingDirectory, string? binDirectory)
    {
        _database = database;
        StagingDirectory = stagingDirectory;
        _client = new PgClient(binDirectory, database is null ? null : new NpgsqlConnectionStringBuilder(database.ConnectionString), stagingDirectory);
    }

    public string Name => "postgresql";

    public string StagingDirectory { get; }

    private PostgresStoreDatabase Database => _database ?? throw new InvalidOperationException("this provider only checks snapshots");

    public Task<SnapshotFacts> SnapshotAsync(string snapshotPath, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await using var connection = (NpgsqlConnection)await Database.OpenAsync(cancellationToken);
        if (!await Database.TableExistsAsync(connection, BackupLog.Table, cancellationToken))
        {
            throw new BackupException($"{Database.Describe()} has no {BackupLog.Table} table: run `clinchat db migrate` first.");
        }

        var pgDump = await _client.ResolveAsync("pg_dump", connection.PostgreSqlVersion.Major, cancellationToken);

        // pg_dump imports this transaction's snapshot: the counts and the audit head below see exactly what it dumps.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await connection.ExecuteAsync("SET TRANSACTION READ ONLY", cancellationToken, transaction);
        var snapshot = (string)(await connection.ScalarAsync("SELECT pg_export_snapshot()", cancellationToken, transaction))!;
        var facts = await ServerFactsAsync(connection, transaction, cancellationToken);
        var result = await _client.RunAsync(
            pgDump,
            ["--format=custom", "--snapshot=" + snapshot, "--file=" + snapshotPath, "--dbname=" + PgClient.DatabaseArgument(Database.DatabaseName)],
            stdout: null, withConnection: true, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupException($"pg_dump failed (exit {result.ExitCode}): {PgClient.Summarize(result.Errors)}");
        }

        await transaction.CommitAsync(cancellationToken);
        return facts;
    });

    public async Task<SnapshotFacts> CheckSnapshotAsync(string snapshotPath, CancellationToken cancellationToken)
    {
        var pgRestore = await _client.ResolveAsync("pg_restore", serverMajor: null, cancellationToken);
        var list = await _client.RunAsync(pgRestore, ["--list", snapshotPath], stdout: null, withConnection: false, cancellationToken);
        if (list.ExitCode != 0)
        {
            throw new BackupException($"the snapshot is not a usable pg_dump archive ({PgClient.Summarize(list.Errors)}).");
        }

        var dataEntries = TableDataPattern().Count(list.Output);
        SnapshotFacts? facts = null;
        var blocks = 0;
        var data = await _client.RunAsync(
            pgRestore, ["--data-only", "--file=-", snapshotPath],
            async stdout => (facts, blocks) = await DumpData.ReadAsync(stdout, cancellationToken), withConnection: false, cancellationToken);
        if (data.ExitCode != 0)
        {
            throw new BackupException($"the data of the pg_dump archive cannot be read ({PgClient.Summarize(data.Errors)}).");
        }

        if (facts is null || blocks != dataEntries)
        {
            throw new BackupException($"the pg_dump archive lists {dataEntries} tables with data but {blocks} could be read.");
        }

        return facts;
    }

    public Task<long> CountDataRowsAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        var counts = await CountRowsAsync(connection, null, cancellationToken);
        return counts.Where(t => !StoreTables.IsBookkeeping(t.Key)).Sum(t => t.Value);
    });

    /// <summary>
    /// One transaction: objects of the dump that exist are dropped first (<c>--clean --if-exists</c>: a migrated but
    /// empty database, or one holding data when forced), then everything is created and loaded; any error rolls it all
    /// back. Owners and grants are not restored (<c>--no-owner --no-privileges</c>): the restoring role owns everything,
    /// so a restore into another cluster does not depend on its roles.
    /// </summary>
    public Task<string?> ReplaceWithAsync(string snapshotPath, CancellationToken cancellationToken) => GuardAsync<string?>(async () =>
    {
        int serverMajor;
        await using (var connection = (NpgsqlConnection)await Database.OpenAsync(cancellationToken))
        {
            serverMajor = connection.PostgreSqlVersion.Major;
        }

        var pgRestore = await _client.ResolveAsync("pg_restore", serverMajor, cancellationToken);
        var result = await _client.RunAsync(
            pgRestore,
            ["--dbname=" + PgClient.DatabaseArgument(Database.DatabaseName), "--single-transaction", "--exit-on-error",
             "--clean", "--if-exists", "--no-owner", "--no-privileges", snapshotPath],
            stdout: null, withConnection: true, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupException(
                $"pg_restore failed (exit {result.ExitCode}) and was rolled back; {Database.Describe()} is as it was: {PgClient.Summarize(result.Errors)}");
        }

        NpgsqlConnection.ClearAllPools();
        return null;
    });

    public Task RecordAsync(BackupLogEntry entry, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await new BackupLog(Database).RecordAsync(entry, cancellationToken);
            return true;
        });

    public Task<DateTimeOffset?> GetLastSuccessAsync(CancellationToken cancellationToken) =>
        GuardAsync(() => new BackupLog(Database).GetLastSuccessAsync(cancellationToken));

    /// <summary>The manifest's name of a table: bare in <c>public</c> (as on SQLite), <c>schema.table</c> elsewhere.</summary>
    internal static string TableKey(IReadOnlyList<string> qualified) =>
        qualified.Count == 2 && qualified[0] != "public" ? $"{qualified[0]}.{qualified[1]}" : qualified[^1];

    private static async Task<SnapshotFacts> ServerFactsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var counts = await CountRowsAsync(connection, transaction, cancellationToken);
        var version = 0;
        if (counts.ContainsKey("schema_migrations")
            && await connection.ScalarAsync("SELECT version FROM schema_migrations WHERE component = 'knowledge'", cancellationToken, transaction) is { } known)
        {
            version = Convert.ToInt32(known, CultureInfo.InvariantCulture);
        }

        AuditHead? head = null;
        if (counts.GetValueOrDefault("audit_events") > 0)
        {
            await using var command = connection.Command("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                head = new AuditHead(reader.GetInteger(0), reader.GetString(1));
            }
        }

        return new SnapshotFacts(version, counts, head);
    }

    /// <summary>Rows of every ordinary table outside the system schemas (what pg_dump writes data for).</summary>
    private static async Task<SortedDictionary<string, long>> CountRowsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var tables = new List<(string Schema, string Name)>();
        await using (var command = connection.Command(
            """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
            ORDER BY 1, 2
            """, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, name) in tables)
        {
            var count = await connection.ScalarAsync($"SELECT COUNT(*) FROM {Quote(schema)}.{Quote(name)}", cancellationToken, transaction);
            counts[TableKey([schema, name])] = Convert.ToInt64(count, CultureInfo.InvariantCulture);
        }

        return counts;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Database failures become one operator line naming the database (never the connection string or row values).</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (PostgresException ex)
        {
            throw new BackupException($"{_database?.Describe()} refused the request ({ex.SqlState}: {PgClient.Summarize(ex.MessageText)}).");
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new BackupException($"{_database?.Describe()} cannot be reached ({(ex.InnerException ?? ex).GetType().Name}).");
        }
    }

    // A line of `pg_restore --list` for a table's data, e.g. "3370; 0 16412 TABLE DATA public documents owner".
    [GeneratedRegex(@"^\d+; \d+ \d+ TABLE DATA ", RegexOptions.Multiline)]
    private static partial Regex TableDataPattern();
}
