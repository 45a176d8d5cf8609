using System.Data.Common;
using ClinChat.Backup.Postgres;
using ClinChat.Storage.Database;
using ClinChat.Testing;

namespace ClinChat.Backup.Tests;

/// <summary>
/// The provider contract on a real PostgreSQL server started for this test run (pg_dump and pg_restore of its major),
/// one database per store; then what only PostgreSQL has: the client version check, the password kept off the command
/// line, a failing restore rolled back, a store without the backup log.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackupProviderTests(PostgresFixture postgres) : BackupProviderContract
{
    private readonly Dictionary<StoreDatabase, string> _connections = [];

    protected override string ProviderName => "postgresql";

    protected override IBackupProvider CreateProvider(StoreDatabase database) =>
        new PostgresBackupProvider((PostgresStoreDatabase)database, Path.Combine(Root, "staging"), postgres.Server.BinDirectory);

    protected override async Task<StoreDatabase> CreateDatabaseAsync(string name)
    {
        var connection = await postgres.Server.CreateDatabaseAsync("backup_" + name.Replace('-', '_'));
        var database = new PostgresStoreDatabase(connection);
        _connections[database] = connection;
        return database;
    }

    protected override async Task DropAsync(StoreDatabase database)
    {
        await database.DisposeAsync();
        await postgres.Server.DropDatabaseAsync(_connections[database]);
    }

    [Fact]
    public async Task Backup_PasswordReachesPgDumpOnlyThroughAPrivatePassFileDeletedAfterwards()
    {
        await PopulateAsync(Source);
        var bin = WrapperBin("""
            {
              printf 'args:%s\n' "$*"
              printf 'PGPASSWORD:%s\n' "${PGPASSWORD-unset}"
              printf 'PGPASSFILE-mode:%s\n' "$(stat -c %a "$PGPASSFILE")"
              printf 'PGHOST:%s PGUSER:%s\n' "$PGHOST" "$PGUSER"
            } >> "$LOG"
            """);
        using var key = NewKey();

        await new BackupEngine(new PostgresBackupProvider((PostgresStoreDatabase)Source, Path.Combine(Root, "staging"), bin), key, TimeProvider.System)
            .CreateAsync(Path.Combine(Root, "wrapped.ccbk"), Ct);

        var log = await File.ReadAllTextAsync(Path.Combine(bin, "log"), Ct);
        Assert.Contains("--format=custom", log, StringComparison.Ordinal);
        Assert.Contains("--snapshot=", log, StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.Password, log, StringComparison.Ordinal);
        Assert.Contains("PGPASSWORD:unset", log, StringComparison.Ordinal);
        Assert.Contains("PGPASSFILE-mode:600", log, StringComparison.Ordinal);
        Assert.Contains($"PGHOST:127.0.0.1 PGUSER:{PostgresServer.User}", log, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, "staging")));
    }

    [Fact]
    public async Task Backup_ClientOlderThanServer_IsRefusedNamingBothMajors()
    {
        await PopulateAsync(Source);
        var bin = Path.Combine(Root, "old-bin");
        Directory.CreateDirectory(bin);
        var fake = Path.Combine(bin, "pg_dump");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n", Ct);
        MakeExecutable(fake);
        using var key = NewKey();
        var file = Path.Combine(Root, "old.ccbk");

        var error = await Assert.ThrowsAsync<BackupException>(() =>
            new BackupEngine(new PostgresBackupProvider((PostgresStoreDatabase)Source, Path.Combine(Root, "staging"), bin), key, TimeProvider.System)
                .CreateAsync(file, Ct));

        var server = Path.GetFileName(Path.GetDirectoryName(postgres.Server.BinDirectory));
        Assert.Equal(
            $"pg_dump is PostgreSQL 9 but the server is PostgreSQL {server}; a client older than the server cannot be used. " +
            $"Install postgresql-client-{server} (or newer) and put it on PATH or set ClinChat:Backup:PgBinDirectory.",
            error.Message);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Restore_FailingPart_WayThrough_RollsBackLeavingTheTargetAsItWas()
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        var file = Path.Combine(Root, "rollback.ccbk");
        await Engine(Source, key).CreateAsync(file, Ct);
        var target = await NewDatabaseAsync("rollback");
        await MigrateAsync(target);
        await using (var connection = await target.OpenAsync(Ct))
        {
            // An object the dump does not know depends on a table it must replace: pg_restore fails after it began.
            await connection.ExecuteAsync("CREATE VIEW chunk_titles AS SELECT c.key, d.title FROM chunks c JOIN documents d ON d.id = c.document_id", Ct);
        }

        var before = await DumpAsync(target);

        var error = await Assert.ThrowsAsync<BackupException>(() => Engine(target, key).RestoreAsync(file, force: false, Ct));

        Assert.StartsWith("pg_restore failed (exit 1) and was rolled back; postgresql://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("is as it was", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DumpAsync(target));
        Assert.Empty(await DataTablesAsync(target));
    }

    [Fact]
    public async Task Backup_StoreNeverMigrated_AsksForDbMigrate()
    {
        using var key = NewKey();
        var file = Path.Combine(Root, "unmigrated.ccbk");

        var error = await Assert.ThrowsAsync<BackupException>(() => Engine(Source, key).CreateAsync(file, Ct));

        Assert.EndsWith("has no backup_log table: run `clinchat db migrate` first.", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Verify_WithoutAnyDatabase_ReadsTheWholeArchive()
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        var file = Path.Combine(Root, "offline.ccbk");
        var backup = await Engine(Source, key).CreateAsync(file, Ct);

        var offline = new BackupEngine(new PostgresBackupProvider(null, Path.GetTempPath(), postgres.Server.BinDirectory), key, TimeProvider.System);
        var manifest = await offline.VerifyAsync(file, Ct);

        Assert.Equal(backup.Manifest.ToJson(), manifest.ToJson());
    }

    private static void MakeExecutable(string path)
    {
        // The PostgreSQL fixture runs on Linux only.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>A bin directory whose pg_dump and pg_restore run <paramref name="script"/> (with $LOG) before the real program.</summary>
    private string WrapperBin(string script)
    {
        var bin = Path.Combine(Root, "wrapper-bin");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "pg_dump", "pg_restore" })
        {
            var path = Path.Combine(bin, tool);
            File.WriteAllText(path, $"#!/bin/sh\nLOG='{bin}/log'\n[ \"$1\" = --version ] || {script}\nexec '{Path.Combine(postgres.Server.BinDirectory, tool)}' \"$@\"\n");
            MakeExecutable(path);
        }

        return bin;
    }

    protected override async Task<IReadOnlyList<(string Table, string Schema)>> TablesAsync(DbConnection connection)
    {
        await using var command = connection.Command(
            """
            SELECT t.tablename,
                (SELECT string_agg(c.column_name || ' ' || c.data_type || ' ' || c.is_nullable || ' ' || c.is_identity || ' ' || COALESCE(c.column_default, ''), ', ' ORDER BY c.ordinal_position)
                   FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = t.tablename)
                || ' | ' || COALESCE((SELECT string_agg(i.indexdef, '; ' ORDER BY i.indexname) FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename = t.tablename), '')
                || ' | ' || COALESCE((SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), '; ' ORDER BY k.conname)
                   FROM pg_constraint k WHERE k.conrelid = ('public.' || quote_ident(t.tablename))::regclass), '')
            FROM pg_tables t WHERE t.schemaname = 'public' ORDER BY 1
            """);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var tables = new List<(string, string)>();
        while (await reader.ReadAsync(Ct))
        {
            tables.Add((reader.GetString(0), reader.GetString(1)));
        }

        return tables;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = PostgresFixture.Collection;
}
