using ClinChat.Hosting;
using ClinChat.Retrieval.Embeddings;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Retrieval.Search;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace ClinChat.Redis;

/// <summary>Redis settings besides the connection, bound from <c>ClinChat:Redis</c>.</summary>
internal sealed class RedisOptions
{
    public const string Section = "ClinChat:Redis";

    /// <summary>
    /// Readiness fails while a configured Redis is unreachable (the default). Caching, the shared rate limit and change
    /// notifications degrade without it and answers stay correct, so a site may prefer to keep serving: set false.
    /// </summary>
    public bool RequiredForReadiness { get; set; } = true;
}

/// <summary>
/// Redis for several replicas: the second level of the search and query-embedding cache, the shared per-user rate limit
/// and the channel that tells replicas the knowledge base changed. Configured by <c>CLINCHAT_REDIS_CONNECTION_FILE</c>,
/// <c>CLINCHAT_REDIS_CONNECTION</c> or <c>ClinChat:Redis:Connection</c> (in that order; a StackExchange.Redis
/// configuration string). Without one the server runs embedded: in-memory cache, in-process rate limiter, change feed
/// polling only.
/// </summary>
internal static class RedisServices
{
    public const string ConnectionVariable = "CLINCHAT_REDIS_CONNECTION";
    public const string ConnectionSetting = "ClinChat:Redis:Connection";

    public static IServiceCollection AddRedis(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = ResolveConfiguration(configuration);
        services.AddSingleton(configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions());
        services.AddSingleton(sp => connection is null
            ? new RedisConnection(null)
            : RedisConnection.Connect(connection, sp.GetRequiredService<ILogger<RedisConnection>>()));

        services.AddHybridCache(cache => cache.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10) })
            .AddSerializer<float[], VectorCacheSerializer>();
        services.AddSingleton(sp => new SearchResultCache(
            sp.GetRequiredService<HybridCache>(),
            sp.GetRequiredService<KnowledgeIndex>(),
            sp.GetRequiredService<HybridSearcher>(),
            sp.GetRequiredService<QueryExpander>(),
            MiniLmEmbeddingGenerator.ModelId));
        services.AddSingleton<SharedRateLimitCounter>();

        if (connection is not null)
        {
            // The cache's second level rides on the one multiplexer (HybridCache finds the IDistributedCache by itself).
            services.AddSingleton<IDistributedCache>(sp =>
            {
                var redis = sp.GetRequiredService<RedisConnection>();
                var cache = new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions
                {
                    InstanceName = "clinchat:cache:",
                    ConnectionMultiplexerFactory = () => Task.FromResult(redis.Multiplexer!),
                }));
                return new ConnectedRedisCache((IBufferDistributedCache)cache, redis);
            });
            services.AddSingleton<KnowledgeChangeChannel>();
            services.AddSingleton<IKnowledgeChangePublisher>(sp => sp.GetRequiredService<KnowledgeChangeChannel>());
            services.AddHostedService(sp => sp.GetRequiredService<KnowledgeChangeChannel>());
        }

        return services;
    }

    /// <summary>
    /// The CLI's part: when Redis is configured, `clinchat ingest` and `kb delete` announce their committed changes on the
    /// change channel like the server's uploads, so running replicas follow at once instead of at their next poll.
    /// </summary>
    public static IServiceCollection AddRedisChangePublisher(this IServiceCollection services, IConfiguration configuration)
    {
        if (ResolveConfiguration(configuration) is not { } connection)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => RedisConnection.Connect(connection, sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSingleton<KnowledgeChangeSignal>();
        services.AddSingleton<IKnowledgeChangePublisher>(sp => new KnowledgeChangeChannel(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<KnowledgeChangeSignal>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KnowledgeChangeChannel>>()));
        return services;
    }

    /// <summary>The parsed Redis configuration, or null for embedded mode. Errors name the setting, never the value.</summary>
    public static ConfigurationOptions? ResolveConfiguration(IConfiguration configuration) =>
        ServerConnection.Read(configuration, ConnectionVariable, ConnectionSetting, (name, problem) => new RedisConfigurationException(name, problem))
            is { } found ? Parse(found.Setting, found.Value) : null;

    private static ConfigurationOptions Parse(string setting, string text)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException)
        {
            throw new RedisConfigurationException(setting, "is not a valid StackExchange.Redis configuration string.");
        }

        if (options.EndPoints.Count == 0)
        {
            throw new RedisConfigurationException(setting, "names no Redis endpoint (host:port).");
        }

        // A Redis that is down at start, or goes away, degrades the server; it never stops it or holds requests:
        // commands fail at once while disconnected (callers fall back) instead of queueing until a timeout.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName ??= "clinchat";
        return options;
    }
}

/// <summary>The one multiplexer (null in embedded mode) and a readiness check of it.</summary>
internal sealed partial class RedisConnection(IConnectionMultiplexer? multiplexer) : IDisposable
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public IConnectionMultiplexer? Multiplexer => multiplexer;

    public bool IsConfigured => multiplexer is not null;

    public static RedisConnection Connect(ConfigurationOptions options, ILogger<RedisConnection> logger)
    {
        // abortConnect=false: returns a multiplexer that keeps reconnecting in the background even when Redis is down now.
        var multiplexer = ConnectionMultiplexer.Connect(options);
        var connection = new RedisConnection(multiplexer);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(logger, e.ConnectionType.ToString(), e.FailureType.ToString());
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(logger, e.ConnectionType.ToString());
        if (!multiplexer.IsConnected)
        {
            LogNotConnectedAtStart(logger);
        }

        return connection;
    }

    /// <summary>True when Redis answers PING; null when none is configured.</summary>
    public async Task<bool?> PingAsync(CancellationToken cancellationToken)
    {
        if (multiplexer is null)
        {
            return null;
        }

        try
        {
            await multiplexer.GetDatabase().PingAsync().WaitAsync(PingTimeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    public void Dispose() => multiplexer?.Dispose();

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection failed ({FailureType}): caching, the shared rate limit and change notifications are degraded")]
    private static partial void LogConnectionFailed(ILogger logger, string connectionType, string failureType);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Redis {ConnectionType} connection restored")]
    private static partial void LogConnectionRestored(ILogger logger, string connectionType);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "Redis is not reachable at start; serving degraded and reconnecting in the background")]
    private static partial void LogNotConnectedAtStart(ILogger logger);
}

/// <summary>The Redis setting is unreadable or malformed. Never carries the value (it may hold a password).</summary>
internal sealed class RedisConfigurationException(string setting, string problem)
    : Exception($"Redis configuration '{setting}': {problem}");
