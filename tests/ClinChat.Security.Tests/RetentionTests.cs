using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;

using ClinChat.Testing;

namespace ClinChat.Security.Tests;

/// <summary>Runs on every store provider (see Providers.cs).</summary>
public abstract class RetentionTests : IAsyncLifetime
{
    private const string Question = "Patient Jane Roe MRN 4471902 on warfarin: safe to add fluconazole?";
    private const string Answer = "Fluconazole raises warfarin exposure; monitor INR for Jane Roe closely.";
    private TempDatabase _db = null!;

    protected TestStoreDatabase Database => _db.Store;
    private readonly ManualTime _time = new(Keys.Start);

    /// <summary>A fresh, empty database of the provider under test.</summary>
    protected abstract Task<TestStoreDatabase> NewDatabaseAsync();

    public async Task InitializeAsync() => _db = await TempDatabase.CreateAsync(NewDatabaseAsync());

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(ConversationStore Store, AuditTrail Audit)> CreateAsync()
    {
        var keyStore = new DataKeyStore(_db.Database);
        await keyStore.MigrateAsync(CancellationToken.None);
        var ring = new EncryptionKeyRing(keyStore, Keys.NewMasterKey(), _time);
        await ring.InitializeAsync(CancellationToken.None);
        var store = new ConversationStore(_db.Database, new FieldProtector(ring), _time);
        await store.MigrateAsync(CancellationToken.None);
        var auditStore = new AuditStore(_db.Database);
        await auditStore.MigrateAsync(CancellationToken.None);
        return (store, new AuditTrail(auditStore, Keys.NewSigningKeys(), _time, new AuditOptions()));
    }

    [Fact]
    public async Task ConversationStore_RoundTrip_DecryptsTurnsInOrder()
    {
        var (store, _) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);

        Assert.Equal(1, await store.AppendTurnAsync(id, Question, Answer, CancellationToken.None));
        Assert.Equal(2, await store.AppendTurnAsync(id, "Second question?", "Second answer.", CancellationToken.None));

        var conversation = await store.GetAsync(id, CancellationToken.None);
        Assert.NotNull(conversation);
        Assert.Equal("dr.lee", conversation.UserId);
        Assert.Equal([(1, Question, Answer), (2, "Second question?", "Second answer.")], conversation.Turns.Select(t => (t.Turn, t.Question, t.Answer)));
        var summary = Assert.Single(await store.ListAsync("dr.lee", 10, CancellationToken.None));
        Assert.Equal(2, summary.Turns);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AppendTurnAsync("nope", "q", "a", CancellationToken.None));
    }

    [Fact]
    public async Task ConversationStore_Tables_NeverHoldTheTextInClear()
    {
        var (store, _) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);
        await store.AppendTurnAsync(id, Question, Answer, CancellationToken.None);

        // What any reader of the tables sees (psql, a dump, a replica): ciphertext only.
        var turns = await _db.Store.DumpTableAsync("conversation_turns");
        var conversations = await _db.Store.DumpTableAsync("conversations");

        Assert.Contains(id, turns, StringComparison.Ordinal);
        foreach (var needle in PhiNeedles)
        {
            Assert.DoesNotContain(needle, turns, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(needle, conversations, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task ConversationStore_ConcurrentAnswersToOneConversation_GetConsecutiveTurns()
    {
        var (store, _) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);

        var turns = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => store.AppendTurnAsync(id, $"q{i}", $"a{i}", CancellationToken.None))));

        Assert.Equal(Enumerable.Range(1, 12), turns.Order());
        Assert.Equal(12, (await store.GetAsync(id, CancellationToken.None))!.Turns.Count);
    }

    [Fact]
    public async Task ConversationStore_AnswerMovedToAnotherTurn_FailsToDecrypt()
    {
        var (store, _) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);
        await store.AppendTurnAsync(id, "q1", "a1", CancellationToken.None);
        await store.AppendTurnAsync(id, "q2", "a2", CancellationToken.None);
        await _db.ExecuteAsync("UPDATE conversation_turns SET answer = (SELECT answer FROM conversation_turns WHERE turn = 1) WHERE turn = 2");

        var ex = await Assert.ThrowsAsync<FieldDecryptionException>(() => store.GetAsync(id, CancellationToken.None));

        Assert.Equal(FieldDecryptionFailure.AuthenticationFailed, ex.Failure);
    }

    [Fact]
    public async Task Purge_RemovesConversationsPastRetention_AndNeverAuditEvents()
    {
        var (store, audit) = await CreateAsync();
        var old = await store.StartAsync("dr.lee", CancellationToken.None);
        await store.AppendTurnAsync(old, Question, Answer, CancellationToken.None);
        await audit.RecordAsync("dr.lee", "clinician", "chat.ask", AuditOperation.Create, "conversation:" + old, AuditOutcome.Success, "r1", "10.0.0.7", CancellationToken.None);
        await audit.CheckpointAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromDays(400)); // older than the conversation limit, far younger than six years
        var recent = await store.StartAsync("dr.lee", CancellationToken.None);
        await store.AppendTurnAsync(recent, "recent q", "recent a", CancellationToken.None);
        await audit.RecordAsync("dr.lee", "clinician", "chat.ask", AuditOperation.Create, "conversation:" + recent, AuditOutcome.Success, "r2", "10.0.0.7", CancellationToken.None);
        var auditBefore = await audit.Store.CountAsync(CancellationToken.None);

        var purger = new RetentionPurger(store, audit, new RetentionOptions { Conversations = TimeSpan.FromDays(90) }, _time);
        var run = await purger.PurgeAsync(CancellationToken.None);

        Assert.Equal(1, run.ConversationsPurged);
        Assert.Null(await store.GetAsync(old, CancellationToken.None));
        Assert.NotNull(await store.GetAsync(recent, CancellationToken.None));
        Assert.Equal(0L, await _db.ScalarAsync($"SELECT COUNT(*) FROM conversation_turns WHERE conversation_id = '{old}'"));
        // Every audit event survives (including the one about the purged conversation) and the purge itself is audited.
        Assert.Equal(auditBefore + 1, await audit.Store.CountAsync(CancellationToken.None));
        var aboutOld = await audit.QueryAsync(new AuditQuery { Resource = "conversation:" + old }, CancellationToken.None);
        Assert.Single(aboutOld.Events);
        var purge = await audit.QueryAsync(new AuditQuery { Action = RetentionPurger.PurgeAction }, CancellationToken.None);
        Assert.Equal(AuditOperation.Delete, Assert.Single(purge.Events).Event.Operation);
        var verification = await audit.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Summary);
    }

    [Fact]
    public async Task Purge_WithoutConfiguredRetention_DeletesNothing()
    {
        var (store, audit) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(4000));

        var run = await new RetentionPurger(store, audit, new RetentionOptions(), _time).PurgeAsync(CancellationToken.None);

        Assert.False(run.Configured);
        Assert.NotNull(await store.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public void RetentionOptions_AuditShorterThanSixYears_IsRejectedNamingTheSetting()
    {
        var options = new RetentionOptions { Audit = TimeSpan.FromDays(365) };

        var ex = Assert.Throws<Secrets.SecurityConfigurationException>(options.Validate);

        Assert.Equal("Retention:Audit", ex.Setting);
        Assert.Equal(TimeSpan.FromDays(2192), new RetentionOptions().Audit);
    }

    protected static readonly string[] PhiNeedles = ["4471902", "Jane Roe", "fluconazole"];

    protected static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>A conversation with PHI in its question and answer, stored through the real engine.</summary>
    protected async Task<string> StorePhiConversationAsync()
    {
        var (store, _) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);
        await store.AppendTurnAsync(id, Question, Answer, CancellationToken.None);
        return id;
    }
}
