using System.Security.Cryptography;
using System.Text.Json;
using ClinChat.Storage;
using ClinChat.Storage.Database;
using ClinChat.Testing;
using ClinChat.Tests.Infrastructure;
using Npgsql;

namespace ClinChat.Tests.Backup;

/// <summary>
/// The PostgreSQL commands of docs/operations.md ("Backup and restore on PostgreSQL"), run as the shipped executable
/// against a real server, with pg_dump and pg_restore found on PATH as in the container image.
/// </summary>
public sealed class BackupPostgresCliTests(BackupPostgresCliTests.Server postgres) : IClassFixture<BackupPostgresCliTests.Server>, IDisposable
{
    private readonly TempDirectory _temp = new("cli-backup-pg");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task MigrateBackupVerifyRestore_AsDocumented_RoundTripsIntoAnEmptyDatabase()
    {
        var key = _temp.Write("backup-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var source = await DatabaseAsync("source");
        var target = await DatabaseAsync("target");
        var file = _temp.PathOf("backups/clinchat-20260301T023000Z.ccbk");

        var migrate = await RunAsync(source, key, "db", "migrate");
        var admin = await RunAsync(source, key, "--data-dir", _temp.PathOf("job"), "users", "add", "pg.admin", "--role", "admin");
        await using (var database = new PostgresStoreDatabase(await File.ReadAllTextAsync(source)))
        {
            var store = new KnowledgeStore(database, TimeProvider.System);
            await store.UpsertDocumentAsync(
                new StoredDocument("warfarin.md", "Warfarin", null, "markdown", "h1", "Warfarin: monitor the INR.", new Dictionary<string, string>(), DateTimeOffset.UnixEpoch),
                [new ChunkRecord(0, 0, 26, "Warfarin: monitor the INR.", null, "e1")], CancellationToken.None);
        }

        var backup = await RunAsync(source, key, "--data-dir", _temp.PathOf("job"), "backup", "--out", file);
        var verify = await RunAsync(source, key, "backup", "verify", file);
        var offline = await ClinChatExecutable.RunAsync(["backup", "verify", file], Environment(null, key));
        var restore = await RunAsync(target, key, "--data-dir", _temp.PathOf("job"), "restore", file);
        var again = await RunAsync(target, key, "--data-dir", _temp.PathOf("job"), "restore", file);
        var status = await RunAsync(target, key, "db", "status");
        var audit = await RunAsync(target, key, "--data-dir", _temp.PathOf("job"), "audit", "verify");
        var users = await RunAsync(target, key, "--data-dir", _temp.PathOf("job"), "users", "list");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.True(admin.ExitCode == 0, admin.ToString());
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var manifest = JsonDocument.Parse(backup.Stdout).RootElement.GetProperty("manifest");
        Assert.Equal("postgresql", manifest.GetProperty("provider").GetString());
        Assert.Equal(1, manifest.GetProperty("tables").GetProperty("documents").GetInt64());
        Assert.Equal(1, manifest.GetProperty("tables").GetProperty("chunks").GetInt64());
        Assert.Equal(1, manifest.GetProperty("tables").GetProperty("users").GetInt64());
        var head = manifest.GetProperty("audit_head");
        Assert.Equal(manifest.GetProperty("tables").GetProperty("audit_events").GetInt64(), head.GetProperty("sequence").GetInt64());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", Assert.Single(again.StderrLines), StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.True(audit.ExitCode == 0, audit.ToString());
        var verification = JsonDocument.Parse(audit.Stdout).RootElement;
        Assert.True(verification.GetProperty("intact").GetBoolean(), audit.Stdout);
        Assert.Equal(head.GetProperty("sequence").GetInt64(), verification.GetProperty("head_sequence").GetInt64());
        Assert.True(users.ExitCode == 0, users.ToString());
        var restoredAdmin = JsonDocument.Parse(Assert.Single(users.StdoutLines)).RootElement;
        Assert.Equal("pg.admin", restoredAdmin.GetProperty("username").GetString());
        Assert.True(restoredAdmin.GetProperty("mfa_enabled").GetBoolean());
        Assert.Empty(Directory.GetFiles(_temp.PathOf("job")));
        foreach (var result in new[] { migrate, admin, backup, verify, restore, again, status, audit, users })
        {
            Assert.DoesNotContain(PostgresServer.Password, result.Stdout + result.Stderr, StringComparison.Ordinal);
        }

        await using var connection = new NpgsqlConnection(await File.ReadAllTextAsync(target));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(id || '=' || text, ';') FROM documents", connection);
        Assert.Equal("warfarin.md=Warfarin: monitor the INR.", await command.ExecuteScalarAsync());
        await using var last = new NpgsqlCommand("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1", connection);
        Assert.Equal(head.GetProperty("hash").GetString(), await last.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Backup_NoPgDumpInTheConfiguredDirectory_ExitsOneNamingTheSetting()
    {
        var key = _temp.Write("backup-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var source = await DatabaseAsync("nobin");
        Assert.Equal(0, (await RunAsync(source, key, "db", "migrate")).ExitCode);
        Directory.CreateDirectory(_temp.PathOf("empty-bin"));
        var environment = Environment(source, key);
        environment["ClinChat__Backup__PgBinDirectory"] = _temp.PathOf("empty-bin");

        var result = await ClinChatExecutable.RunAsync(["--data-dir", _temp.PathOf("job"), "backup", "--out", _temp.PathOf("x.ccbk")], environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("clinchat: ClinChat:Backup:PgBinDirectory: the directory it names has no pg_dump.", Assert.Single(result.StderrLines));
        Assert.False(File.Exists(_temp.PathOf("x.ccbk")));
    }

    /// <summary>A new database; returns the path of a file holding its connection string (as CLINCHAT_DB_CONNECTION_FILE).</summary>
    private async Task<string> DatabaseAsync(string name) =>
        _temp.Write($"secrets/{name}-db-connection", await postgres.Instance.CreateDatabaseAsync("cli_" + name));

    private Dictionary<string, string?> Environment(string? connectionFile, string keyFile) => new()
    {
        ["CLINCHAT_DB_CONNECTION_FILE"] = connectionFile,
        ["CLINCHAT_BACKUP_KEY_FILE"] = keyFile,
        ["PATH"] = postgres.Instance.BinDirectory + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
    };

    private Task<CliResult> RunAsync(string connectionFile, string keyFile, params string[] args) =>
        ClinChatExecutable.RunAsync(args, Environment(connectionFile, keyFile));

    /// <summary>One PostgreSQL server for this class (pg_dump and pg_restore of its major on PATH).</summary>
    public sealed class Server : IAsyncLifetime
    {
        public PostgresServer Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await PostgresServer.StartAsync();

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }
}
