using System.Text;
using ClinChat.Security.Audit;
using ClinChat.Security.Retention;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Backup.Tests;

public sealed class BackupRoundTripTests : IDisposable
{
    private readonly TempStore _store = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Restore_IntoEmptyDirectory_EveryTableSurvivesByteForByteAndAuditChainVerifies()
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "clinchat-1.ccbk");

        var backup = await _store.Engine(key).CreateAsync(file, _ct);
        var target = _store.NewDataDirectory("restored");
        var restored = await _store.Engine(key, target).RestoreAsync(file, force: false, _ct);

        var before = TempStore.Dump(_store.DatabasePath);
        var after = TempStore.Dump(Path.Combine(target, "clinchat.db"));
        foreach (var table in new[] { "documents", "chunks", "embeddings", "users", "conversations", "conversation_turns", "audit_events", "audit_checkpoints", "encryption_keys" })
        {
            Assert.True(before.ContainsKey(table), $"fixture lacks {table}");
            Assert.True(before[table].Count > 1, $"fixture has no rows in {table}");
        }

        Assert.Equal(before.Keys, after.Keys);
        foreach (var table in before.Keys)
        {
            Assert.Equal(before[table], after[table]);
        }

        Assert.Equal(5, backup.Manifest.Tables["documents"]);
        Assert.Equal(15, backup.Manifest.Tables["chunks"]);
        Assert.Equal(2, backup.Manifest.Tables["users"]);
        Assert.Equal(21, backup.Manifest.AuditHead!.Sequence);
        Assert.Equal(backup.Manifest.ToJson(), restored.Manifest.ToJson());
        Assert.Null(restored.PreviousStoreKeptAs);

        await using var security = await _store.SecurityServicesAsync(_ct, target);
        var verification = await security.GetRequiredService<AuditTrail>().VerifyAsync(_ct);
        Assert.True(verification.Intact);
        Assert.Equal(21, verification.Head.Sequence);
        Assert.Equal(backup.Manifest.AuditHead.Hash, verification.Head.Hash);
        var conversation = await security.GetRequiredService<IConversationStore>().GetAsync(_store.ConversationId!, _ct);
        Assert.Equal(TempStore.PhiQuestion, conversation!.Turns[0].Question);
    }

    [Fact]
    public async Task Backup_IsLoggedAndLastSuccessIsReadable()
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        var engine = _store.Engine(key);
        Assert.Null(await engine.Provider.GetLastSuccessAsync(_ct));

        var result = await engine.CreateAsync(Path.Combine(_store.Root, "a.ccbk"), _ct);
        var failed = await Assert.ThrowsAsync<BackupException>(() => engine.CreateAsync(result.File, _ct));

        Assert.Contains("never overwritten", failed.Message, StringComparison.Ordinal);
        var last = await engine.Provider.GetLastSuccessAsync(_ct);
        Assert.NotNull(last);
        Assert.InRange(last.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        using var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT outcome || ':' || COALESCE(sha256, '-') FROM backup_log ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        Assert.Equal(["success:" + result.Manifest.SnapshotSha256, "failure:-"], rows);
    }

    [Fact]
    public async Task Backup_NoStore_FailsWithoutCreatingOneOrAFile()
    {
        using var key = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "none.ccbk");

        var error = await Assert.ThrowsAsync<BackupException>(() => _store.Engine(key).CreateAsync(file, _ct));

        Assert.Contains("no store to back up", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_store.DataDirectory));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Verify_SoundBackup_ReturnsManifestAndLeavesNoPlaintext()
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "b.ccbk");
        var backup = await _store.Engine(key).CreateAsync(file, _ct);

        var manifest = await _store.Engine(key).VerifyAsync(file, _ct);

        Assert.Equal(backup.Manifest.ToJson(), manifest.ToJson());
        Assert.Equal(key.Id, manifest.KeyId);
        Assert.Empty(Directory.GetFiles(_store.DataDirectory, ".clinchat-*"));
        Assert.Equal([file], Directory.GetFiles(_store.Root, "*.ccbk*"));
    }

    [Fact]
    public async Task Verify_WrongKey_IsRefusedNamingBothKeyIds()
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        using var other = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "c.ccbk");
        await _store.Engine(key).CreateAsync(file, _ct);

        var error = await Assert.ThrowsAsync<BackupException>(() => _store.Engine(other).VerifyAsync(file, _ct));

        Assert.Contains("wrong key", error.Message, StringComparison.Ordinal);
        Assert.Contains(key.Id, error.Message, StringComparison.Ordinal);
        Assert.Contains(other.Id, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5, "fails authentication")] // ciphertext
    [InlineData(0.02, "")] // manifest (in clear, but authenticated)
    public async Task Verify_FlippedByte_IsRefused(double position, string expected)
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "d.ccbk");
        await _store.Engine(key).CreateAsync(file, _ct);
        var bytes = await File.ReadAllBytesAsync(file, _ct);
        bytes[(int)(bytes.Length * position)] ^= 0x20;
        await File.WriteAllBytesAsync(file, bytes, _ct);

        var error = await Assert.ThrowsAsync<BackupException>(() => _store.Engine(key).VerifyAsync(file, _ct));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("d.ccbk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_TruncatedFile_IsRefusedAndWritesNothing()
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "e.ccbk");
        await _store.Engine(key).CreateAsync(file, _ct);
        var bytes = await File.ReadAllBytesAsync(file, _ct);
        await File.WriteAllBytesAsync(file, bytes[..^100], _ct);
        var target = _store.NewDataDirectory("truncated");

        var error = await Assert.ThrowsAsync<BackupException>(() => _store.Engine(key, target).RestoreAsync(file, force: false, _ct));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(target));
    }

    [Fact]
    public async Task Restore_IntoStoreHoldingData_IsRefusedUnlessForced()
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "f.ccbk");
        await _store.Engine(key).CreateAsync(file, _ct);
        var before = TempStore.Dump(_store.DatabasePath);
        using (var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM documents WHERE id = 'doc-0'";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<BackupException>(() => _store.Engine(key).RestoreAsync(file, force: false, _ct));
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, TempStore.Dump(_store.DatabasePath)["documents"].Count - 1);

        var forced = await _store.Engine(key).RestoreAsync(file, force: true, _ct);

        Assert.Equal(before["documents"], TempStore.Dump(_store.DatabasePath)["documents"]);
        Assert.True(File.Exists(forced.PreviousStoreKeptAs));
    }

    [Fact]
    public async Task Backup_EncryptedConversation_PhiNeverInClearInBackupOrRestoredStore()
    {
        await _store.PopulateAsync(_ct);
        using var key = TempStore.NewKey();
        var file = Path.Combine(_store.Root, "g.ccbk");
        await _store.Engine(key).CreateAsync(file, _ct);
        var target = _store.NewDataDirectory("phi");
        await _store.Engine(key, target).RestoreAsync(file, force: false, _ct);

        foreach (var path in new[] { file, Path.Combine(target, "clinchat.db") })
        {
            var bytes = await File.ReadAllBytesAsync(path, _ct);
            foreach (var fragment in new[] { "Vollbrecht-Ostermann", "88341207", "1958-11-23" })
            {
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(fragment)));
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(fragment)));
            }
        }

        // The knowledge base itself is in the snapshot, so the absence above is not just "everything is encrypted".
        var restoredBytes = await File.ReadAllBytesAsync(Path.Combine(target, "clinchat.db"), _ct);
        Assert.NotEqual(-1, restoredBytes.AsSpan().IndexOf("Warfarin monograph"u8));
        var backupBytes = await File.ReadAllBytesAsync(file, _ct);
        Assert.Equal(-1, backupBytes.AsSpan().IndexOf("Warfarin monograph"u8));
    }

    [Fact]
    public async Task Backup_WhileWritersCommit_SnapshotIsConsistent()
    {
        await _store.PopulateAsync(_ct);
        using (var setup = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False"))
        {
            setup.Open();
            using var command = setup.CreateCommand();
            // Pairs are written in one transaction; a torn snapshot would hold more of one than of the other.
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE pair_a (id INTEGER PRIMARY KEY, payload BLOB);
                CREATE TABLE pair_b (id INTEGER PRIMARY KEY, payload BLOB);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                INSERT INTO pair_a (payload) SELECT randomblob(2048) FROM n;
                INSERT INTO pair_b (payload) SELECT payload FROM pair_a;
                """;
            command.ExecuteNonQuery();
        }

        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(() =>
        {
            using var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False;Default Timeout=30");
            connection.Open();
            while (!stop.IsCancellationRequested)
            {
                using var transaction = connection.BeginTransaction();
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO pair_a (payload) VALUES (randomblob(4096)); INSERT INTO pair_b (payload) VALUES (randomblob(4096));";
                command.ExecuteNonQuery();
                transaction.Commit();
                Interlocked.Increment(ref writes);
            }
        }, _ct);

        using var key = TempStore.NewKey();
        var results = new List<BackupResult>();
        while (Volatile.Read(ref writes) < 20)
        {
            await Task.Delay(5, _ct);
        }

        for (var i = 0; i < 3; i++)
        {
            results.Add(await _store.Engine(key).CreateAsync(Path.Combine(_store.Root, $"busy-{i}.ccbk"), _ct));
        }

        await stop.CancelAsync();
        await writer;

        Assert.True(results[0].Manifest.SnapshotBytes > 2 * 1024 * 1024, "the snapshot should span several segments");
        foreach (var result in results)
        {
            Assert.Equal(result.Manifest.Tables["pair_a"], result.Manifest.Tables["pair_b"]);
            var target = _store.NewDataDirectory("busy-" + result.Manifest.BackupId);
            await _store.Engine(key, target).RestoreAsync(result.File, force: false, _ct);
            var dump = TempStore.Dump(Path.Combine(target, "clinchat.db"));
            Assert.Equal(result.Manifest.Tables["pair_a"], dump["pair_a"].Count - 1);
            Assert.Equal(dump["pair_a"].Count, dump["pair_b"].Count);
        }

        Assert.True(results[^1].Manifest.Tables["pair_a"] > results[0].Manifest.Tables["pair_a"], "writers were not blocked by the backups");
    }
}
