using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClinChat.Backup.Format;
using ClinChat.Identity;
using ClinChat.Identity.Login;
using ClinChat.Identity.Mfa;
using ClinChat.Security;
using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;
using ClinChat.Storage;
using ClinChat.Storage.Database;
using ClinChat.Storage.Feedback;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace ClinChat.Backup.Tests;

/// <summary>
/// The backup cases every provider must pass, run once per provider (SQLite file, real PostgreSQL): a byte-for-byte
/// round trip through backup, verify and restore into a fresh store, of a store filled through the real engines
/// (knowledge, users and sessions, the audit chain, data keys, encrypted conversations, feedback), after which the audit
/// chain verifies to the same head, conversations decrypt with the same master key (and with no other) and users sign
/// in; and the refusals (wrong key, corrupted or truncated file, a store holding data, another provider's backup) that
/// leave what is stored untouched.
/// </summary>
public abstract class BackupProviderContract : IAsyncLifetime
{
    /// <summary>Text that exercises every escape of PostgreSQL's COPY format and non-ASCII characters.</summary>
    private const string AwkwardText = "tab\there, newline\nthere, CR\r, backslash \\ and \\N, quote \" ' ; Über-dosage ≠ safe 💊";

    /// <summary>The schemas of the host's catalogue (src/ClinChat/Database/DatabaseServices.cs).</summary>
    private static readonly SchemaMigration[] Schemas =
        [KnowledgeStore.Schema, IdentitySchema.Schema, .. SecurityEngineServices.Schemas, AnswerFeedbackStore.Schema, BackupLog.Schema];

    /// <summary>Tables the clinical round trip must find rows in: knowledge, identity, audit, keys, conversations, feedback.</summary>
    private static readonly string[] ClinicalTables =
    [
        "documents", "chunks", "embeddings", "changes", "ingestion_jobs", "users", "auth_sessions", "refresh_tokens", "audit_events",
        "audit_checkpoints", "encryption_keys", "conversations", "conversation_turns", "answer_feedback", "schema_migrations",
    ];

    private readonly List<StoreDatabase> _databases = [];

    protected CancellationToken Ct { get; } = CancellationToken.None;

    protected string Root { get; } = Path.Combine(Path.GetTempPath(), "clinchat-backup-contract", Guid.NewGuid().ToString("N"));

    protected StoreDatabase Source { get; private set; } = null!;

    /// <summary>The identity and security engines, with one set of keys for every store of the test.</summary>
    private protected ClinicalEngines Clinical { get; } = new();

    protected abstract string ProviderName { get; }

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        Source = await NewDatabaseAsync("source");
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await DropAsync(database);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // The folder is under the temp directory.
        }
    }

    [Fact]
    public async Task RoundTrip_IntoFreshStore_EveryTableSurvivesByteForByte()
    {
        await PopulateAsync(Source);
        var clinical = await Clinical.PopulateAsync(Source, Ct);
        using var key = NewKey();
        var file = Path.Combine(Root, "round-trip.ccbk");

        var backup = await Engine(Source, key).CreateAsync(file, Ct);
        var verified = await Engine(Source, key).VerifyAsync(file, Ct);
        var target = await NewDatabaseAsync("target");
        var restored = await Engine(target, key).RestoreAsync(file, force: false, Ct);

        Assert.Equal(ProviderName, backup.Manifest.Provider);
        Assert.Equal(backup.Manifest.ToJson(), verified.ToJson());
        Assert.Equal(backup.Manifest.ToJson(), restored.Manifest.ToJson());
        var before = await DumpAsync(Source);
        var after = await DumpAsync(target);
        foreach (var table in ClinicalTables)
        {
            Assert.True(before.TryGetValue(table, out var rows) && rows.Count > 1, $"the fixture has no rows in {table}");
        }

        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var table in before.Keys.Where(t => t != BackupLog.Table))
        {
            Assert.Equal(before[table], after[table]);
        }

        // The manifest counts every table of the snapshot, on both providers alike.
        Assert.Equal(before.Keys.Where(t => t != "#sequences").Order(StringComparer.Ordinal), backup.Manifest.Tables.Keys.Order(StringComparer.Ordinal));
        foreach (var table in after.Keys.Where(t => t != "#sequences"))
        {
            Assert.True(after[table].Count - 1 == backup.Manifest.Tables[table], $"manifest count of {table}");
        }

        Assert.Equal(5, backup.Manifest.Tables["documents"]);
        Assert.Equal(15, backup.Manifest.Tables["chunks"]);
        Assert.Equal(3, backup.Manifest.Tables["users"]);
        Assert.Equal(4, backup.Manifest.Tables["conversation_turns"]);
        Assert.Equal(KnowledgeStore.Schema.Version, backup.Manifest.SchemaVersion);
        Assert.Equal(clinical.AuditHead, backup.Manifest.AuditHead);
        Assert.Equal(backup.Manifest.Tables["audit_events"], clinical.AuditHead.Sequence);

        // The source logged this backup after its snapshot; the restored log is the one in the snapshot.
        Assert.Equal(before[BackupLog.Table].Count - 2, backup.Manifest.Tables[BackupLog.Table]);
        var document = await new KnowledgeStore(target, TimeProvider.System).GetDocumentAsync("doc-3", Ct);
        Assert.Equal($"Warfarin monograph part 3. {AwkwardText}", document!.Text);

        // Conversation text is encrypted at rest in the store, and stays so in the restored one.
        var restoredRows = string.Join('\n', after.Values.SelectMany(rows => rows));
        Assert.DoesNotContain("MRN", restoredRows, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoundTrip_RestoredStore_AuditChainVerifiesConversationsDecryptAndUsersSignIn()
    {
        await PopulateAsync(Source);
        var clinical = await Clinical.PopulateAsync(Source, Ct);
        using var key = NewKey();
        var file = Path.Combine(Root, "clinical.ccbk");
        var backup = await Engine(Source, key).CreateAsync(file, Ct);
        var target = await NewDatabaseAsync("clinical");
        await Engine(target, key).RestoreAsync(file, force: false, Ct);

        await using var services = await Clinical.OpenAsync(target, Ct);
        var audit = services.GetRequiredService<AuditTrail>();
        var verification = await audit.VerifyAsync(Ct);
        Assert.True(verification.Intact, verification.Summary);
        Assert.Equal(backup.Manifest.AuditHead, new AuditHead(verification.Head.Sequence, verification.Head.Hash));
        Assert.Equal(clinical.AuditHead.Sequence, verification.EventsChecked);
        Assert.True(verification.CheckpointsChecked >= 1, "the signed checkpoint was not restored");
        Assert.True(verification.UncheckpointedEvents >= 1, "the tail after the checkpoint was not restored");

        var conversations = services.GetRequiredService<IConversationStore>();
        foreach (var (id, turns) in clinical.Conversations)
        {
            var conversation = await conversations.GetAsync(id, Ct);
            Assert.Equal(turns, conversation!.Turns.Select(t => (t.Question, t.Answer)));
        }

        var signIn = services.GetRequiredService<SignInService>();
        Assert.True((await signIn.SignInAsync("dr.lee", clinical.Passwords["dr.lee"], null, Ct)).Succeeded);
        Assert.Equal(SignInFailure.MfaRequired, (await signIn.SignInAsync("aud.kim", clinical.Passwords["aud.kim"], null, Ct)).Failure);
        Assert.Equal(SignInFailure.InvalidMfaCode, (await signIn.SignInAsync("aud.kim", clinical.Passwords["aud.kim"], clinical.AuditorRecoveryCodes[0], Ct)).Failure);
        var totp = TotpCodes.Compute(Base32Encoding.ToBytes(clinical.AuditorTotpSecret), DateTimeOffset.UtcNow);
        Assert.True((await signIn.SignInAsync("aud.kim", clinical.Passwords["aud.kim"], totp, Ct)).Succeeded);
        Assert.True((await signIn.RefreshAsync(clinical.LeeRefreshToken, Ct)).Succeeded);

        // The restored chain goes on from the restored head.
        var after = await audit.VerifyAsync(Ct);
        Assert.True(after.Intact, after.Summary);
        Assert.True(after.Head.Sequence > verification.Head.Sequence);
    }

    [Fact]
    public async Task RoundTrip_RestoredStore_AnotherMasterKeyDecryptsNothing()
    {
        await PopulateAsync(Source);
        await Clinical.PopulateAsync(Source, Ct);
        using var key = NewKey();
        var file = Path.Combine(Root, "master-key.ccbk");
        await Engine(Source, key).CreateAsync(file, Ct);
        var target = await NewDatabaseAsync("master_key");
        await Engine(target, key).RestoreAsync(file, force: false, Ct);

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => Clinical.OpenAsync(target, Ct, MasterKey.GenerateBase64()));

        Assert.Contains("but the configured master key is", error.Message, StringComparison.Ordinal);
        Assert.Contains(MasterKey.Variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_ThenWrite_RestoredStoreKeepsAppendingAfterTheRestoredKeys()
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        var file = Path.Combine(Root, "writable.ccbk");
        await Engine(Source, key).CreateAsync(file, Ct);
        var target = await NewDatabaseAsync("writable");
        await Engine(target, key).RestoreAsync(file, force: false, Ct);

        var store = new KnowledgeStore(target, TimeProvider.System);
        var lastChange = (await store.GetChangesSinceAsync(0, Ct))[^1].Sequence;
        await store.UpsertDocumentAsync(Document(9), Chunks(9), Ct);

        var changes = await store.GetChangesSinceAsync(lastChange, Ct);
        Assert.Equal("doc-9", Assert.Single(changes).DocumentId);
        Assert.Equal(18, (await store.GetStatsAsync(Ct)).Chunks);
    }

    [Fact]
    public async Task Restore_IntoMigratedEmptyStore_Succeeds()
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        var file = Path.Combine(Root, "migrated.ccbk");
        await Engine(Source, key).CreateAsync(file, Ct);
        var target = await NewDatabaseAsync("migrated");
        await MigrateAsync(target);

        await Engine(target, key).RestoreAsync(file, force: false, Ct);

        Assert.Equal((await DumpAsync(Source))["chunks"], (await DumpAsync(target))["chunks"]);
    }

    [Fact]
    public async Task Backup_IsLoggedWithItsHashAndLastSuccessIsReadable()
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        var engine = Engine(Source, key);
        Assert.Null(await engine.Provider.GetLastSuccessAsync(Ct));

        var result = await engine.CreateAsync(Path.Combine(Root, "logged.ccbk"), Ct);
        var again = await Assert.ThrowsAsync<BackupException>(() => engine.CreateAsync(result.File, Ct));

        Assert.Contains("never overwritten", again.Message, StringComparison.Ordinal);
        var last = await engine.Provider.GetLastSuccessAsync(Ct);
        Assert.InRange(last!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        await using var connection = await Source.OpenAsync(Ct);
        await using var command = connection.Command("SELECT outcome, sha256, backup_id FROM backup_log ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add($"{reader.GetString(0)}:{reader.GetNullableString(1) ?? "-"}:{reader.GetNullableString(2) ?? "-"}");
        }

        Assert.Equal([$"success:{result.Manifest.SnapshotSha256}:{result.Manifest.BackupId}", "failure:-:-"], rows);
    }

    [Fact]
    public async Task Verify_WrongKey_IsRefusedNamingBothKeyIds()
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        using var other = NewKey();
        var file = Path.Combine(Root, "wrong-key.ccbk");
        await Engine(Source, key).CreateAsync(file, Ct);
        var target = await NewDatabaseAsync("wrong-key");

        var verify = await Assert.ThrowsAsync<BackupException>(() => Engine(Source, other).VerifyAsync(file, Ct));
        var restore = await Assert.ThrowsAsync<BackupException>(() => Engine(target, other).RestoreAsync(file, force: false, Ct));

        foreach (var error in new[] { verify, restore })
        {
            Assert.Contains("(wrong key)", error.Message, StringComparison.Ordinal);
            Assert.Contains(key.Id, error.Message, StringComparison.Ordinal);
            Assert.Contains(other.Id, error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(await DataTablesAsync(target));
    }

    [Theory]
    [InlineData("flipped")]
    [InlineData("truncated")]
    public async Task Restore_DamagedFile_IsRefusedAndTheStoreIsUntouched(string damage)
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        var file = Path.Combine(Root, $"{damage}.ccbk");
        await Engine(Source, key).CreateAsync(file, Ct);
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        if (damage == "flipped")
        {
            bytes[bytes.Length / 2] ^= 0x20;
        }
        else
        {
            bytes = bytes[..^100];
        }

        await File.WriteAllBytesAsync(file, bytes, Ct);
        var target = await NewDatabaseAsync(damage);
        var before = await DumpAsync(Source);

        var verify = await Assert.ThrowsAsync<BackupException>(() => Engine(Source, key).VerifyAsync(file, Ct));
        var restoreEmpty = await Assert.ThrowsAsync<BackupException>(() => Engine(target, key).RestoreAsync(file, force: false, Ct));
        var restoreOver = await Assert.ThrowsAsync<BackupException>(() => Engine(Source, key).RestoreAsync(file, force: true, Ct));

        var expected = damage == "flipped" ? "fails authentication" : "truncated";
        Assert.All(new[] { verify, restoreEmpty, restoreOver }, e => Assert.Contains(expected, e.Message, StringComparison.Ordinal));
        Assert.All(new[] { verify, restoreEmpty, restoreOver }, e => Assert.Contains($"{damage}.ccbk", e.Message, StringComparison.Ordinal));
        Assert.Empty(await DataTablesAsync(target));
        Assert.Equal(before, await DumpAsync(Source));
    }

    [Fact]
    public async Task Restore_IntoStoreHoldingData_IsRefusedUnlessForced()
    {
        await PopulateAsync(Source);
        var clinical = await Clinical.PopulateAsync(Source, Ct);
        using var key = NewKey();
        var file = Path.Combine(Root, "holding.ccbk");
        await Engine(Source, key).CreateAsync(file, Ct);
        var backedUp = await DumpAsync(Source);
        await new KnowledgeStore(Source, TimeProvider.System).DeleteDocumentAsync("doc-0", Ct);
        await new KnowledgeStore(Source, TimeProvider.System).UpsertDocumentAsync(Document(7), Chunks(7), Ct);
        await using (var services = await Clinical.OpenAsync(Source, Ct))
        {
            Assert.True((await services.GetRequiredService<SignInService>().SignInAsync("dr.lee", clinical.Passwords["dr.lee"], null, Ct)).Succeeded);
        }

        var changed = await DumpAsync(Source);

        var error = await Assert.ThrowsAsync<BackupException>(() => Engine(Source, key).RestoreAsync(file, force: false, Ct));

        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        Assert.Equal(changed, await DumpAsync(Source));

        await Engine(Source, key).RestoreAsync(file, force: true, Ct);

        var restored = await DumpAsync(Source);
        foreach (var table in backedUp.Keys.Where(t => t != BackupLog.Table))
        {
            Assert.Equal(backedUp[table], restored[table]);
        }
    }

    [Fact]
    public async Task Restore_AnotherProvidersBackup_IsRefusedBeforeDecrypting()
    {
        await PopulateAsync(Source);
        using var key = NewKey();
        var other = ProviderName == "sqlite" ? "postgresql" : "sqlite";
        var file = Path.Combine(Root, "foreign.ccbk");
        var plain = RandomNumberGenerator.GetBytes(4096);
        var manifest = new BackupManifest(BackupManifest.FormatName, BackupFile.CurrentVersion, "foreign", DateTimeOffset.UtcNow, other, key.Id,
            plain.Length, Convert.ToHexStringLower(SHA256.HashData(plain)), BackupFile.SegmentBytes, 1, new Dictionary<string, long>(), null);
        await using (var output = File.Create(file))
        {
            await BackupFile.WriteAsync(new MemoryStream(plain), output, manifest, key, Ct);
        }

        var before = await DumpAsync(Source);

        var error = await Assert.ThrowsAsync<BackupException>(() => Engine(Source, key).RestoreAsync(file, force: true, Ct));

        Assert.Equal($"foreign.ccbk is a {other} backup; this store is {ProviderName}.", error.Message);
        Assert.Equal(before, await DumpAsync(Source));
    }

    protected static BackupKey NewKey() => BackupKey.FromBytes(RandomNumberGenerator.GetBytes(32));

    protected BackupEngine Engine(StoreDatabase database, BackupKey key) => new(CreateProvider(database), key, TimeProvider.System);

    protected abstract IBackupProvider CreateProvider(StoreDatabase database);

    /// <summary>A new, empty store (no tables) of this provider.</summary>
    protected async Task<StoreDatabase> NewDatabaseAsync(string name)
    {
        var database = await CreateDatabaseAsync(name);
        _databases.Add(database);
        return database;
    }

    protected abstract Task<StoreDatabase> CreateDatabaseAsync(string name);

    protected abstract Task DropAsync(StoreDatabase database);

    /// <summary>The tables of the store (provider catalogue), with a description of their columns and indexes.</summary>
    protected abstract Task<IReadOnlyList<(string Table, string Schema)>> TablesAsync(DbConnection connection);

    /// <summary>Every component's schema, as <c>clinchat db migrate</c> applies them.</summary>
    protected static async Task MigrateAsync(StoreDatabase database)
    {
        foreach (var schema in Schemas)
        {
            await database.MigrateAsync(schema, CancellationToken.None);
        }
    }

    /// <summary>A migrated store with documents, chunks, embeddings, changes (one delete among them) and a job, through the real store.</summary>
    protected async Task PopulateAsync(StoreDatabase database)
    {
        await MigrateAsync(database);
        var store = new KnowledgeStore(database, TimeProvider.System);
        for (var d = 0; d < 6; d++)
        {
            await store.UpsertDocumentAsync(Document(d), Chunks(d), Ct);
            await store.PutEmbeddingsAsync(
                Chunks(d).Select(c => KeyValuePair.Create(c.EmbeddingKey, Enumerable.Range(0, 8).Select(i => (float)Math.Sin(d + c.Ordinal + i)).ToArray())).ToList(),
                Ct);
        }

        await store.DeleteDocumentAsync("doc-5", Ct);
        for (var j = 0; j < 3; j++)
        {
            await store.SaveJobAsync(new IngestionJob($"job-{j}", "completed", 3, 3, 2, 1, 0, 0, [AwkwardText], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(j)), Ct);
        }
    }

    protected static StoredDocument Document(int d) =>
        new($"doc-{d}", $"Warfarin {d}", $"https://kb.example.org/{d}", "text", $"hash-{d}", $"Warfarin monograph part {d}. {AwkwardText}",
            new Dictionary<string, string> { ["source"] = "test", ["note"] = AwkwardText }, DateTimeOffset.UnixEpoch.AddDays(d));

    protected static List<ChunkRecord> Chunks(int d) =>
        [.. Enumerable.Range(0, 3).Select(c => new ChunkRecord(c, c * 10, 10, $"chunk {c} of {d}: {AwkwardText}", c == 0 ? "Dosing" : null, $"emb-{d}-{c}"))];

    /// <summary>Every table: its definition first, then its rows, typed (blobs as hex), sorted; on PostgreSQL also the sequences.</summary>
    protected async Task<SortedDictionary<string, List<string>>> DumpAsync(StoreDatabase database)
    {
        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(Ct);
        foreach (var (table, schema) in await TablesAsync(connection))
        {
            var rows = await RowsAsync(connection, $"SELECT * FROM \"{table}\"");
            rows.Sort(StringComparer.Ordinal);
            dump[table] = ["schema:" + schema, .. rows];
        }

        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            // The backup log's own sequence moves when the source logs the backup, after its snapshot (compared separately).
            dump["#sequences"] = await RowsAsync(connection, "SELECT sequencename, last_value FROM pg_sequences WHERE sequencename NOT LIKE 'backup_log%' ORDER BY 1");
        }

        return dump;
    }

    /// <summary>The tables of a store that hold rows outside the bookkeeping (empty for an empty or freshly migrated store).</summary>
    protected async Task<IReadOnlyList<string>> DataTablesAsync(StoreDatabase database)
    {
        var dump = await DumpAsync(database);
        return [.. dump.Where(t => t.Key is not "schema_migrations" and not "#sequences" && t.Value.Count > 1).Select(t => t.Key)];
    }

    private async Task<List<string>> RowsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.Command(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row.Append(reader.GetValue(i) switch
                {
                    DBNull => "null",
                    byte[] bytes => "x'" + Convert.ToHexString(bytes) + "'",
                    long or int or short => "i:" + Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                    double f => "r:" + f.ToString("R", CultureInfo.InvariantCulture),
                    string s => "t:" + s,
                    var other => "?:" + Convert.ToString(other, CultureInfo.InvariantCulture),
                }).Append('|');
            }

            rows.Add(row.ToString());
        }

        return rows;
    }
}
