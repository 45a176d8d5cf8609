using ClinChat.Security;
using ClinChat.Security.Audit;
using ClinChat.Security.Retention;
using ClinChat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ClinChat.Tests.Security;

/// <summary>The host's retention loop purges conversations past their retention and never an audit event.</summary>
public sealed class RetentionLoopTests : IDisposable
{
    private readonly TempDirectory _data = new("retention");

    [Fact]
    public async Task Loop_PurgesExpiredConversations_AndKeepsTheAuditTrailIntact()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClinChat:Retention:Conversations"] = "1.00:00:00",
            ["ClinChat:Retention:Interval"] = "06:00:00",
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddLogging()
            .AddSecurityCore(configuration, _data.Root)
            .AddSingleton<SecurityMaintenance>()
            .BuildServiceProvider();
        await services.InitializeHostSecurityAsync(CancellationToken.None);
        var conversations = services.GetRequiredService<IConversationStore>();
        var audit = services.GetRequiredService<AuditTrail>();
        var old = await conversations.StartAsync("alice", CancellationToken.None);
        await conversations.AppendTurnAsync(old, "an old question", "an old answer", CancellationToken.None);
        await audit.RecordAsync("alice", "clinician", "chat.ask", AuditOperation.Execute, $"conversation:{old}", AuditOutcome.Success, "r1", "127.0.0.1", CancellationToken.None);

        time.Advance(TimeSpan.FromDays(2));
        var recent = await conversations.StartAsync("alice", CancellationToken.None);
        await conversations.AppendTurnAsync(recent, "a recent question", "a recent answer", CancellationToken.None);

        var loop = services.GetRequiredService<SecurityMaintenance>();
        await ((IHostedService)loop).StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await conversations.GetAsync(old, CancellationToken.None) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await ((IHostedService)loop).StopAsync(CancellationToken.None);
        Assert.Null(await conversations.GetAsync(old, CancellationToken.None));
        Assert.NotNull(await conversations.GetAsync(recent, CancellationToken.None));

        var verification = await audit.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Summary);
        var events = await audit.Store.ReadAsync(0, 100, CancellationToken.None);
        Assert.Contains(events, e => e.Event.Action == "chat.ask" && e.Event.Resource == $"conversation:{old}");
        Assert.Contains(events, e => e.Event.Action == RetentionPurger.PurgeAction);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
