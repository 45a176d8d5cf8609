using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;
using Microsoft.Extensions.DependencyInjection;

using ClinChat.Testing;

namespace ClinChat.Security.Tests;

/// <summary>Runs on every store provider (see Providers.cs).</summary>
public abstract class SecurityEngineTests : IAsyncLifetime
{
    private TempDatabase _db = null!;

    /// <summary>A fresh, empty database of the provider under test.</summary>
    protected abstract Task<TestStoreDatabase> NewDatabaseAsync();

    public async Task InitializeAsync() => _db = await TempDatabase.CreateAsync(NewDatabaseAsync());

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AddSecurityEngine_ResolvesAndInitialises_FromFileKeys()
    {
        var masterFile = Path.Combine(_db.Directory, "master.key");
        var auditFile = Path.Combine(_db.Directory, "audit.key");
        File.WriteAllText(masterFile, MasterKey.GenerateBase64());
        File.WriteAllText(auditFile, AuditSigningKeys.GenerateBase64());
        var env = new Dictionary<string, string>
        {
            ["CLINCHAT_MASTER_KEY_FILE"] = masterFile,
            ["CLINCHAT_AUDIT_SIGNING_KEY_FILE"] = auditFile,
        };
        await using var services = new ServiceCollection()
            .AddSecurityEngine(new SecurityEngineOptions { Database = _db.Database, Environment = env.GetValueOrDefault })
            .BuildServiceProvider();

        await services.InitializeSecurityAsync(CancellationToken.None);

        var conversations = services.GetRequiredService<IConversationStore>();
        var id = await conversations.StartAsync("dr.lee", CancellationToken.None);
        await conversations.AppendTurnAsync(id, "q", "a", CancellationToken.None);
        var audit = services.GetRequiredService<AuditTrail>();
        await audit.RecordAsync("dr.lee", "clinician", "chat.ask", AuditOperation.Create, "conversation:" + id, AuditOutcome.Success, "r", "127.0.0.1", CancellationToken.None);
        var status = await services.GetRequiredService<EncryptionKeyRing>().GetStatusAsync(CancellationToken.None);
        Assert.Equal([ConversationStore.AnswerField, ConversationStore.QuestionField], status.EncryptedFields);
        Assert.Equal("file", status.MasterKeySource);
        Assert.True((await audit.VerifyAsync(CancellationToken.None)).Intact);
        Assert.NotNull(services.GetRequiredService<ComplianceEngine>());
        Assert.NotNull(services.GetRequiredService<RetentionPurger>());
    }

    [Fact]
    public async Task InitializeSecurity_MissingMasterKey_FailsNamingTheVariable()
    {
        var auditFile = Path.Combine(_db.Directory, "audit.key");
        File.WriteAllText(auditFile, AuditSigningKeys.GenerateBase64());
        var env = new Dictionary<string, string> { ["CLINCHAT_AUDIT_SIGNING_KEY_FILE"] = auditFile };
        await using var services = new ServiceCollection()
            .AddSecurityEngine(new SecurityEngineOptions { Database = _db.Database, Environment = env.GetValueOrDefault })
            .BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<Secrets.SecurityConfigurationException>(() => services.InitializeSecurityAsync(CancellationToken.None));

        Assert.Equal("CLINCHAT_MASTER_KEY", ex.Setting);
    }
}
