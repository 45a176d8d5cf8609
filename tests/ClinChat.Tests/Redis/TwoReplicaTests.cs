using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ClinChat.Testing;
using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Redis;

/// <summary>
/// Two `clinchat serve` processes (own data directories and ports, the same keys) on one PostgreSQL database and one
/// redis-server, as two Kubernetes replicas: what one writes, the other serves within 5 seconds.
/// </summary>
public sealed partial class TwoReplicaTests : IAsyncLifetime
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);

    private static readonly byte[] Card = Encoding.UTF8.GetBytes(
        "# Trevanolide rash (synthetic)\n\nA trevanolide rash is treated by stopping trevanolide and giving an oral antihistamine; " +
        "a blistering trevanolide rash needs same-day dermatology review.\n");

    private readonly TempDirectory _secrets = new("replica-secrets");
    private readonly TempDirectory _dataA = new("replica-a");
    private readonly TempDirectory _dataB = new("replica-b");
    private PostgresServer _postgres = null!;
    private RedisServer _redis = null!;
    private ClinChatServer _a = null!;
    private ClinChatServer _b = null!;

    public async Task InitializeAsync()
    {
        var services = await Task.WhenAll(Start(PostgresServer.StartAsync()), Start(RedisServer.StartAsync()));
        (_postgres, _redis) = ((PostgresServer)services[0], (RedisServer)services[1]);
        var database = await _postgres.CreateDatabaseAsync("replicas");

        // Connection strings as a Kubernetes secret delivers them: files named by *_FILE variables.
        var environment = new Dictionary<string, string?>
        {
            ["CLINCHAT_DB_CONNECTION_FILE"] = _secrets.Write("db-connection", database),
            ["CLINCHAT_REDIS_CONNECTION_FILE"] = _secrets.Write("redis-connection", _redis.ConnectionString),
            ["ClinChat__SeedStarterKnowledgeBase"] = "false",
        };
        var migrated = await ClinChatExecutable.RunAsync(["--data-dir", _dataA.Root, "db", "migrate"], environment);
        Assert.True(migrated.ExitCode == 0, migrated.ToString());

        var replicas = await Task.WhenAll(ClinChatServer.StartAsync(_dataA.Root, environment), ClinChatServer.StartAsync(_dataB.Root, environment));
        (_a, _b) = (replicas[0], replicas[1]);
        foreach (var replica in replicas)
        {
            await replica.WaitUntilAsync(async () => await replica.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "readiness");
        }

        // One account and one session in PostgreSQL: the token replica A issued is honoured by replica B.
        var token = await _a.SignInAsync("admin");
        _b.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        static async Task<IAsyncDisposable> Start<T>(Task<T> starting)
            where T : IAsyncDisposable => await starting;
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in new IAsyncDisposable?[] { _a, _b, _redis, _postgres })
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }

        _secrets.Dispose();
        _dataA.Dispose();
        _dataB.Dispose();
    }

    [Fact]
    public async Task UploadThroughOneReplica_IsSearchableThroughTheOther_AndADeletionLikewise_Within5Seconds()
    {
        const string id = "trevanolide-rash.md";
        const string query = "how is a trevanolide rash treated";
        Assert.DoesNotContain(id, await _b.Client.SearchIdsAsync(query));
        Assert.Equal(0, await LastUpdateAsync(_b));

        var accepted = await _a.Client.UploadAsync((id, Card));
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        await _a.WaitUntilAsync(
            async () => (string?)(await _a.Client.GetApiAsync((string)accepted.Object["status_url"]!)).Object["status"] == "completed",
            TimeSpan.FromSeconds(60),
            "upload job on replica A");

        var added = await WithinAsync(Propagation, async () => (await _b.Client.SearchIdsAsync(query)).FirstOrDefault() == id, "the upload searchable on replica B");
        Assert.True(await LastUpdateAsync(_b) > 0, "replica B's clinchat_knowledge_base_last_update follows the change");

        var deleted = await _a.Client.DeleteDocumentAsync(id);
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);

        var removed = await WithinAsync(Propagation, async () => !(await _b.Client.SearchIdsAsync(query)).Contains(id), "the deletion on replica B");
        Assert.Equal(HttpStatusCode.NotFound, (await _b.Client.GetApiAsync("/api/documents/" + id)).Status);

        // The channel, not the 2-second poll, carried both (printed for the record).
        Console.WriteLine($"replica B saw the upload after {added.TotalMilliseconds:F0} ms and the deletion after {removed.TotalMilliseconds:F0} ms");
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails when it takes longer than <paramref name="limit"/>.</summary>
    private static async Task<TimeSpan> WithinAsync(TimeSpan limit, Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < limit, $"{what} took longer than {limit}");
            await Task.Delay(50);
        }

        Assert.True(watch.Elapsed < limit, $"{what} took {watch.Elapsed}, more than {limit}");
        return watch.Elapsed;
    }

    private static async Task<double> LastUpdateAsync(ClinChatServer replica)
    {
        var text = await replica.Client.GetStringAsync("/metrics");
        var match = LastUpdateLine().Match(text);
        Assert.True(match.Success, "clinchat_knowledge_base_last_update is exported");
        return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^clinchat_knowledge_base_last_update\S*\s+(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex LastUpdateLine();
}
