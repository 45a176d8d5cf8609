using System.Security.Cryptography;
using System.Text.Json;
using ClinChat.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ClinChat.Tests.Backup;

/// <summary>
/// `clinchat backup`, `backup verify` and `restore` as they ship (the commands of docs/operations.md); the engine's
/// cases (byte-for-byte round trip, audit chain, concurrency, tampering) are in tests/ClinChat.Backup.Tests.
/// </summary>
public sealed class BackupCliTests : IDisposable
{
    private readonly TempDirectory _temp = new("cli-backup");
    private readonly Dictionary<string, string?> _keyEnvironment;

    public BackupCliTests()
    {
        _keyEnvironment = new() { ["CLINCHAT_BACKUP_KEY_FILE"] = _temp.Write("backup-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) };
        var source = _temp.PathOf("source/clinchat.db");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        using var connection = new SqliteConnection($"Data Source={source};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT NOT NULL);
            INSERT INTO documents VALUES ('doc-1', 'Warfarin: monitor the INR.'), ('doc-2', 'Metformin: check renal function.');
            """;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BackupVerifyRestore_AsDocumented_RoundTripsAndRefusesASecondRestore()
    {
        var file = _temp.PathOf("backups/clinchat-20260301T023000Z.ccbk");

        var backup = await RunAsync("--data-dir", _temp.PathOf("source"), "backup", "--out", file);
        var verify = await RunAsync("backup", "verify", file);
        var restore = await RunAsync("--data-dir", _temp.PathOf("restored"), "restore", file);
        var again = await RunAsync("--data-dir", _temp.PathOf("restored"), "restore", file);

        Assert.True(backup.ExitCode == 0, backup.ToString());
        var manifest = JsonDocument.Parse(backup.Stdout).RootElement.GetProperty("manifest");
        Assert.Equal(2, manifest.GetProperty("tables").GetProperty("documents").GetInt64());
        Assert.StartsWith("bk-", manifest.GetProperty("key_id").GetString(), StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(manifest.GetProperty("snapshot_sha256").GetString(),
            JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("manifest").GetProperty("snapshot_sha256").GetString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", Assert.Single(again.StderrLines), StringComparison.Ordinal);
        using var connection = new SqliteConnection($"Data Source={_temp.PathOf("restored/clinchat.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(id || '=' || text, ';') FROM (SELECT * FROM documents ORDER BY id)";
        Assert.Equal("doc-1=Warfarin: monitor the INR.;doc-2=Metformin: check renal function.", command.ExecuteScalar());
    }

    [Fact]
    public async Task Verify_WrongKeyOrAlteredFile_ExitsOneWithOneLine()
    {
        var file = _temp.PathOf("b.ccbk");
        Assert.Equal(0, (await RunAsync("--data-dir", _temp.PathOf("source"), "backup", "--out", file)).ExitCode);
        var altered = _temp.PathOf("altered.ccbk");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^40] ^= 1;
        await File.WriteAllBytesAsync(altered, bytes);

        var wrongKey = await ClinChatExecutable.RunAsync(["backup", "verify", file],
            new Dictionary<string, string?> { ["CLINCHAT_BACKUP_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        var corrupted = await RunAsync("backup", "verify", altered);

        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("(wrong key)", Assert.Single(wrongKey.StderrLines), StringComparison.Ordinal);
        Assert.Empty(wrongKey.Stdout);
        Assert.Equal(1, corrupted.ExitCode);
        Assert.Equal("clinchat: altered.ccbk is corrupted or was altered (segment 0 fails authentication).", Assert.Single(corrupted.StderrLines));
    }

    [Fact]
    public async Task Backup_ProductionWithoutKey_RefusesNamingTheVariable()
    {
        var result = await ClinChatExecutable.RunAsync(["--data-dir", _temp.PathOf("source"), "backup", "--out", _temp.PathOf("c.ccbk")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CLINCHAT_BACKUP_KEY_FILE", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.PathOf("c.ccbk")));
    }

    [Fact]
    public async Task Backup_DevelopmentWithoutKey_GeneratesPrivateKeyOnceAndSaysSo()
    {
        var development = new Dictionary<string, string?> { ["CLINCHAT_ENVIRONMENT"] = "development" };

        var first = await ClinChatExecutable.RunAsync(["--data-dir", _temp.PathOf("source"), "backup", "--out", _temp.PathOf("d1.ccbk")], development);
        var second = await ClinChatExecutable.RunAsync(["--data-dir", _temp.PathOf("source"), "backup", "--out", _temp.PathOf("d2.ccbk")], development);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("generated", Assert.Single(first.StderrLines), StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Empty(second.StderrLines);
        var key = _temp.PathOf("source/keys/backup.key");
        Assert.True(File.Exists(key));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
    }

    private Task<CliResult> RunAsync(params string[] args) => ClinChatExecutable.RunAsync(args, _keyEnvironment);
}
