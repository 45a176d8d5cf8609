using System.Net;
using System.Text;
using ClinChat.Testing;
using ClinChat.Tests.Infrastructure;
using StackExchange.Redis;

namespace ClinChat.Tests.Redis;

/// <summary>`clinchat serve` with a real redis-server: two synthetic documents, a signed-in admin.</summary>
public sealed class RedisHostFixture : IAsyncLifetime
{
    public const string FirstId = "velquarin-overdose.md";
    public const string SecondId = "norpexidil-dosing.md";

    private readonly TempDirectory _data = new("redis-host");

    public RedisServer Redis { get; private set; } = null!;

    public ClinChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var sources = new TempDirectory("redis-host-sources");
        sources.Write(FirstId, "# Velquarin overdose (synthetic)\n\nVelquarin overdose is treated with intravenous lipid emulsion and supportive care in a monitored bed.\n");
        sources.Write(SecondId, "# Norpexidil dosing (synthetic)\n\nNorpexidil is given as 20 mg by mouth twice daily; halve the dose when the eGFR is below 30.\n");
        var ingested = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, "ingest", sources.Root]);
        sources.Dispose();
        Assert.True(ingested.ExitCode == 0, ingested.ToString());

        Server = await ClinChatServer.StartAsync(_data.Root, new Dictionary<string, string?>
        {
            ["CLINCHAT_REDIS_CONNECTION"] = Redis.ConnectionString,
            ["ClinChat__SeedStarterKnowledgeBase"] = "false",
        });
        await Server.WaitUntilAsync(async () => await Server.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "readiness");
        await Server.SignInAsync("admin");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Redis.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>Every key under a prefix with the text of its values (RedisCache keeps entries as hashes).</summary>
    public async Task<Dictionary<string, string>> EntriesAsync(string pattern)
    {
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        var database = inspector.GetDatabase();
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in inspector.GetServer(inspector.GetEndPoints()[0]).Keys(pattern: pattern))
        {
            var fields = await database.HashGetAllAsync(key);
            entries[key.ToString()] = string.Join('\n', fields.Select(f => Encoding.UTF8.GetString((byte[])f.Value!)));
        }

        return entries;
    }
}

/// <summary>Search results and query vectors cached in Redis; Redis lost and back.</summary>
public sealed class RedisHostTests(RedisHostFixture fixture) : IClassFixture<RedisHostFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Search_CachedInRedis_KeysAreHashesEntriesHoldNoText_AndAChangeIsNeverServedStale()
    {
        const string query = "how is velquarin overdose treated";
        var first = await Client.SearchIdsAsync(query);
        Assert.Equal(RedisHostFixture.FirstId, first[0]);

        var entries = await fixture.EntriesAsync("clinchat:cache:*");
        Assert.Contains(entries.Keys, k => k.StartsWith("clinchat:cache:search:", StringComparison.Ordinal));
        Assert.Contains(entries.Keys, k => k.StartsWith("clinchat:cache:query-embedding:", StringComparison.Ordinal));
        foreach (var (key, value) in entries)
        {
            Assert.DoesNotContain("velquarin", key, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("velquarin", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("lipid", value, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(first, await Client.SearchIdsAsync(query));

        // A new document that answers the same question better: the cached ranking must not hide it.
        const string better = "velquarin-overdose-protocol.md";
        var accepted = await Client.UploadAsync((better, Encoding.UTF8.GetBytes(
            "# Velquarin overdose treatment protocol (synthetic)\n\nHow velquarin overdose is treated: velquarin overdose is treated first with " +
            "intravenous lipid emulsion; velquarin overdose also needs cardiac monitoring for 24 hours.\n")));
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        await fixture.Server.WaitUntilAsync(
            async () => (string?)(await Client.GetApiAsync((string)accepted.Object["status_url"]!)).Object["status"] == "completed",
            TimeSpan.FromSeconds(60),
            "upload job");

        var after = await Client.SearchIdsAsync(query);
        Assert.Contains(better, after);
        Assert.NotEqual(first, after);
    }

    [Fact]
    public async Task CliIngestAndDelete_AnnounceOnTheChangeChannel_AndTheServerFollows()
    {
        var announced = System.Threading.Channels.Channel.CreateUnbounded<long>();
        await using var listener = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        await listener.GetSubscriber().SubscribeAsync(
            RedisChannel.Literal("clinchat:kb-changed"), (_, message) => announced.Writer.TryWrite((long)message));
        var environment = new Dictionary<string, string?> { ["CLINCHAT_REDIS_CONNECTION"] = fixture.Redis.ConnectionString };
        using var sources = new TempDirectory("redis-cli-sources");
        const string id = "trelvanide-antidote.md";
        sources.Write(id, "# Trelvanide antidote (synthetic)\n\nTrelvanide toxicity is reversed with oral zentharic acid given every four hours.\n");

        var ingested = await ClinChatExecutable.RunAsync(["--data-dir", fixture.Server.DataDirectory, "ingest", sources.Root], environment);
        Assert.True(ingested.ExitCode == 0, ingested.ToString());
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var added = await announced.Reader.ReadAsync(wait.Token);
        Assert.True(added > 0);
        await fixture.Server.WaitUntilAsync(
            async () => (await Client.SearchIdsAsync("zentharic acid for trelvanide toxicity")).FirstOrDefault() == id, TimeSpan.FromSeconds(10), "search after CLI ingest");

        var deleted = await ClinChatExecutable.RunAsync(["--data-dir", fixture.Server.DataDirectory, "kb", "delete", id], environment);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.True(await announced.Reader.ReadAsync(wait.Token) > added);
        await fixture.Server.WaitUntilAsync(
            async () => !(await Client.SearchIdsAsync("zentharic acid for trelvanide toxicity")).Contains(id), TimeSpan.FromSeconds(10), "search after CLI delete");
    }

    [Fact]
    public async Task RedisStops_ReadyFailsNamingRedis_SearchesStillAnswer_ThenReadyAgain()
    {
        var before = await Client.SearchIdsAsync("norpexidil dose in kidney failure");
        Assert.Equal(RedisHostFixture.SecondId, before[0]);
        var ready = await Client.GetApiAsync("/api/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.True((bool)ready.Object["redis"]!);

        await fixture.Redis.StopAsync();
        try
        {
            var notReady = await Client.GetApiAsync("/api/ready");
            ContractAssert.ProblemDetails(notReady, 503);
            Assert.Contains("Redis is unreachable", (string)notReady.Object["detail"]!, StringComparison.Ordinal);
            Assert.DoesNotContain("PostgreSQL", (string)notReady.Object["detail"]!, StringComparison.Ordinal);
            Assert.False((bool)notReady.Object["redis"]!);
            Assert.True((bool)notReady.Object["storage"]!);

            // Liveness says nothing about dependencies; search answers, from memory or afresh, with the same ranking.
            Assert.Equal(HttpStatusCode.OK, (await Client.GetApiAsync("/api/health")).Status);
            Assert.Equal(before, await Client.SearchIdsAsync("norpexidil dose in kidney failure"));
            Assert.Equal(RedisHostFixture.FirstId, (await Client.SearchIdsAsync("lipid emulsion for velquarin poisoning"))[0]);

            // Questions never asked before go to neither level; the outage is logged once, not as a failure per request.
            foreach (var question in new[] { "velquarin overdose bed", "norpexidil eGFR", "norpexidil by mouth", "velquarin supportive care", "norpexidil 20 mg" })
            {
                Assert.NotEmpty(await Client.SearchIdsAsync(question));
            }

            Assert.InRange(fixture.Server.Log.Split('\n').Count(l => l.Contains("Cache backend", StringComparison.Ordinal)), 0, 2);
        }
        finally
        {
            await fixture.Redis.RestartAsync();
        }

        await fixture.Server.WaitUntilAsync(async () => await fixture.Server.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readiness after Redis restarted");
        Assert.Equal(RedisHostFixture.SecondId, (await Client.SearchIdsAsync("norpexidil twice daily dose"))[0]);
    }
}
