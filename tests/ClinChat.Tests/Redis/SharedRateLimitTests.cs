using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using ClinChat.Redis;
using ClinChat.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ClinChat.Tests.Redis;

/// <summary>The per-user rate limit counted in a real redis-server: replicas share one budget, and a lost Redis falls back.</summary>
public sealed class SharedRateLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    // A fixed instant in the middle of a window, so no test straddles a window boundary.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 10, 15, 30, TimeSpan.Zero));
    private readonly List<IDisposable> _owned = [];
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        _owned.ForEach(o => o.Dispose());
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task TwoReplicas_SameUser_TogetherAllowOnlyTheBudget()
    {
        var replicaA = Counter(out _);
        var replicaB = Counter(out _);
        using var limiterA = new SharedWindowRateLimiter("user:alice", replicaA, 10, Minute);
        using var limiterB = new SharedWindowRateLimiter("user:alice", replicaB, 10, Minute);

        var granted = 0;
        RateLimitLease? refused = null;
        for (var i = 0; i < 8; i++)
        {
            foreach (var limiter in new[] { limiterA, limiterB })
            {
                var lease = await limiter.AcquireAsync(1);
                if (lease.IsAcquired)
                {
                    granted++;
                }
                else
                {
                    refused ??= lease;
                }
            }
        }

        Assert.Equal(10, granted);
        Assert.NotNull(refused);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);

        // Another user has a budget of their own, on either replica.
        using var otherUser = new SharedWindowRateLimiter("user:bob", replicaB, 10, Minute);
        Assert.True((await otherUser.AcquireAsync(1)).IsAcquired);
    }

    [Fact]
    public async Task Window_Ends_BudgetIsBackForEveryReplica()
    {
        var replicaA = Counter(out _);
        var replicaB = Counter(out _);
        using var limiterA = new SharedWindowRateLimiter("user:carol", replicaA, 2, Minute);
        using var limiterB = new SharedWindowRateLimiter("user:carol", replicaB, 2, Minute);
        Assert.True((await limiterA.AcquireAsync(1)).IsAcquired);
        Assert.True((await limiterB.AcquireAsync(1)).IsAcquired);
        Assert.False((await limiterA.AcquireAsync(1)).IsAcquired);

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.True((await limiterB.AcquireAsync(1)).IsAcquired);
    }

    [Fact]
    public async Task Keys_CarryAHashOfTheUser_NeverTheName()
    {
        var counter = Counter(out _);
        using var limiter = new SharedWindowRateLimiter("user:dr-zebediah-quill", counter, 5, Minute);
        Assert.True((await limiter.AcquireAsync(1)).IsAcquired);

        using var inspector = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var keys = inspector.GetServer(inspector.GetEndPoints()[0]).Keys(pattern: "clinchat:ratelimit:*").Select(k => k.ToString()).ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.DoesNotContain("zebediah", k, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(SharedRateLimitCounter.KeyFor("user:dr-zebediah-quill", _time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000), keys);
    }

    [Fact]
    public async Task RedisDown_FallsBackToTheInProcessLimit_WarnsOnce_AndReturnsWhenRedisDoes()
    {
        var counter = Counter(out var warnings);
        using var limiter = new SharedWindowRateLimiter("user:dave", counter, 3, Minute);
        Assert.True((await limiter.AcquireAsync(1)).IsAcquired);

        await _redis.StopAsync();
        var granted = 0;
        for (var i = 0; i < 5; i++)
        {
            granted += (await limiter.AcquireAsync(1)).IsAcquired ? 1 : 0;
        }

        // The local window knows nothing of the shared count: it grants its own budget, and still refuses beyond it.
        Assert.Equal(3, granted);
        Assert.Single(warnings, w => w.EventId == 1621 && w.Level == LogLevel.Warning);

        await _redis.RestartAsync();
        var shared = new SharedWindowRateLimiter("user:erin", counter, 1, Minute);
        _owned.Add(shared);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!warnings.Any(w => w.EventId == 1622) && DateTime.UtcNow < deadline)
        {
            (await shared.AcquireAsync(1)).Dispose();
            await Task.Delay(200);
        }

        Assert.Contains(warnings, w => w.EventId == 1622);
        Assert.Single(warnings, w => w.EventId == 1621);
    }

    [Fact]
    public void Configuration_Malformed_NamesTheSettingNotTheValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [RedisServices.ConnectionVariable] = "127.0.0.1:6379,password=hunter2-secret,notAnOption=1",
        }).Build();

        var error = Assert.Throws<RedisConfigurationException>(() => RedisServices.ResolveConfiguration(configuration));

        Assert.Contains(RedisServices.ConnectionVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_None_IsEmbeddedMode()
    {
        Assert.Null(RedisServices.ResolveConfiguration(new ConfigurationBuilder().Build()));
    }

    /// <summary>One replica's counter: its own multiplexer, as a separate process would have.</summary>
    private SharedRateLimitCounter Counter(out ConcurrentQueue<(int EventId, LogLevel Level)> events)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [RedisServices.ConnectionVariable] = _redis.ConnectionString,
        }).Build();
        var logger = new RecordingLogger<SharedRateLimitCounter>();
        events = logger.Events;
        var connection = RedisConnection.Connect(RedisServices.ResolveConfiguration(configuration)!, new RecordingLogger<RedisConnection>());
        _owned.Add(connection);
        return new SharedRateLimitCounter(connection, _time, logger);
    }
}

/// <summary>Keeps the event id and level of every record (never the message).</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(int EventId, LogLevel Level)> Events { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Events.Enqueue((eventId.Id, logLevel));
}
