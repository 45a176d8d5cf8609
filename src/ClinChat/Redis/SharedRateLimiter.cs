using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace ClinChat.Redis;

/// <summary>
/// Per-user request counts in Redis, so every replica spends from one budget: a fixed window per partition, counted by
/// one atomic script (INCR, and PEXPIRE on the window's first request). Keys carry a hash of the partition (user name or
/// client address), never the name. Null from <see cref="TryAcquireAsync"/> means Redis could not be asked: the caller
/// falls back to its in-process limiter.
/// </summary>
internal sealed partial class SharedRateLimitCounter(RedisConnection redis, TimeProvider time, ILogger<SharedRateLimitCounter> logger)
{
    private const string CountScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    private int _degraded;

    public bool IsConfigured => redis.IsConfigured;

    /// <summary>Counts one request; returns whether it fits the budget and when the window ends, or null when Redis is unreachable.</summary>
    public async Task<(bool Acquired, TimeSpan RetryAfter)?> TryAcquireAsync(string partition, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        var windowIndex = now / windowMs;
        var key = KeyFor(partition, windowIndex);
        try
        {
            // The key expires a little after its window, so a replica whose clock lags still finds it.
            var count = (long)await redis.Multiplexer!.GetDatabase()
                .ScriptEvaluateAsync(CountScript, [key], [windowMs + 5_000])
                .WaitAsync(cancellationToken);
            if (Interlocked.Exchange(ref _degraded, 0) == 1)
            {
                LogRecovered(logger);
            }

            return (count <= limit, TimeSpan.FromMilliseconds(((windowIndex + 1) * windowMs) - now));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (Interlocked.Exchange(ref _degraded, 1) == 0)
            {
                LogFallback(logger, e.GetType().Name);
            }

            return null;
        }
    }

    public static string KeyFor(string partition, long windowIndex) =>
        "clinchat:ratelimit:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)).AsSpan(0, 16)) + ":" + windowIndex;

    [LoggerMessage(EventId = 1621, Level = LogLevel.Warning, Message = "Shared rate limit unavailable ({Error}): each replica limits on its own until Redis answers again")]
    private static partial void LogFallback(ILogger logger, string error);

    [LoggerMessage(EventId = 1622, Level = LogLevel.Information, Message = "Shared rate limit restored")]
    private static partial void LogRecovered(ILogger logger);
}

/// <summary>
/// One partition's limiter when Redis is configured: asks <see cref="SharedRateLimitCounter"/>, and uses its own
/// in-process fixed window while Redis is unreachable. The synchronous attempt always declines, so the rate limiting
/// middleware asks asynchronously (the Redis round trip is never made on a blocked thread).
/// </summary>
internal sealed class SharedWindowRateLimiter(string partition, SharedRateLimitCounter counter, int limit, TimeSpan window) : RateLimiter
{
    private readonly FixedWindowRateLimiter _local = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = limit,
        Window = window,
        QueueLimit = 0,
    });

    public override TimeSpan? IdleDuration => _local.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => WindowLease.Declined;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (await counter.TryAcquireAsync(partition, limit, window, cancellationToken) is not { } shared)
        {
            return await _local.AcquireAsync(permitCount, cancellationToken);
        }

        return shared.Acquired ? WindowLease.Granted : new WindowLease(false, shared.RetryAfter);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _local.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly WindowLease Granted = new(true, null);

        public static readonly WindowLease Declined = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
