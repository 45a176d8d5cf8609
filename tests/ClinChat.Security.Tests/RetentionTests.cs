using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;

namespace ClinChat.Security.Tests;

public sealed class RetentionTests : IDisposable
{
    private const string Question = "Patient Jane Roe MRN 4471902 on warfarin: safe to add fluconazole?";
    private const string Answer = "Fluconazole raises warfarin exposure; monitor INR for Jane Roe closely.";
    private readonly TempDatabase _db = new();
    private readonly ManualTime _time = new(Keys.Start);

    public void Dispose() => _db.Dispose();

    private async Task<(ConversationStore Store, AuditTrail Audit)> CreateAsync()
    {
        var ring = new EncryptionKeyRing(new SqliteDataKeyStore(_db.Path), Keys.NewMasterKey(), _time);
        await ring.InitializeAsync(CancellationToken.None);
        var store = new ConversationStore(_db.Path, new FieldProtector(ring), _time);
        await store.MigrateAsync(CancellationToken.None);
        var auditStore = new SqliteAuditStore(_db.Path);
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
    public async Task ConversationStore_DatabaseFiles_NeverHoldTheTextInClear()
    {
        var (store, _) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);
        await store.AppendTurnAsync(id, Question, Answer, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        foreach (var file in Directory.GetFiles(_db.Directory))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var needle in new[] { "4471902", "Jane Roe", "fluconazole" })
            {
                Assert.False(Contains(bytes, System.Text.Encoding.UTF8.GetBytes(needle)), $"{Path.GetFileName(file)} holds '{needle}' in clear");
            }
        }
    }

    [Fact]
    public async Task ConversationStore_AnswerMovedToAnotherTurn_FailsToDecrypt()
    {
        var (store, _) = await CreateAsync();
        var id = await store.StartAsync("dr.lee", CancellationToken.None);
        await store.AppendTurnAsync(id, "q1", "a1", CancellationToken.None);
        await store.AppendTurnAsync(id, "q2", "a2", CancellationToken.None);
        _db.Execute("UPDATE conversation_turns SET answer = (SELECT answer FROM conversation_turns WHERE turn = 1) WHERE turn = 2");

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
        Assert.Equal(0L, _db.Scalar($"SELECT COUNT(*) FROM conversation_turns WHERE conversation_id = '{old}'"));
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

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
