using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Database;
using ClinChat.Storage;
using ClinChat.Storage.Database;

namespace ClinChat.Hosting;

internal static class KnowledgeHosting
{
    public static IServiceCollection AddKnowledgeHosting(this IServiceCollection services)
    {
        services.AddSingleton<KnowledgeReadiness>();
        services.AddSingleton<KnowledgeChangeSignal>();
        services.AddHostedService<KnowledgeIndexService>();
        return services;
    }
}

/// <summary>Set once start-up (migration, starter cards, index load) has finished: what readiness reports.</summary>
internal sealed class KnowledgeReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public void MarkReady() => _ready.TrySetResult();

    /// <summary>Completes once the indexes are loaded (background work that asks questions waits for it).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);
}

/// <summary>Wakes the index follower before its next poll (a replica announced a change; see <c>KnowledgeChangeChannel</c>).</summary>
internal sealed class KnowledgeChangeSignal
{
    private readonly System.Threading.Channels.Channel<long> _notifications = System.Threading.Channels.Channel.CreateBounded<long>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });

    public void Notify(long sequence) => _notifications.Writer.TryWrite(sequence);

    /// <summary>Waits for a notification or <paramref name="interval"/>, whichever comes first; true when notified.</summary>
    public async Task<bool> WaitAsync(TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(interval, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _notifications.Reader.ReadAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>
/// Brings the knowledge base up (migrate the embedded store, load the starter cards into an empty one, build the
/// indexes) and then follows the change feed, so documents written by another process become searchable: every
/// 2 seconds, and at once when another replica announces a change.
/// </summary>
internal sealed partial class KnowledgeIndexService(
    IKnowledgeStore store,
    StoreDatabase database,
    KnowledgeBase knowledgeBase,
    KnowledgeIndex index,
    KnowledgeOptions options,
    Telemetry.ClinChatMetrics metrics,
    KnowledgeReadiness readiness,
    KnowledgeChangeSignal changes,
    TimeProvider time,
    ILogger<KnowledgeIndexService> logger) : BackgroundService
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long recorded;
        try
        {
            await database.PrepareSchemasAsync(stoppingToken);
            await SeedAsync(stoppingToken);
            await index.EnsureLoadedAsync(stoppingToken);
            recorded = index.Sequence;
            metrics.RecordKnowledgeBase(await store.GetStatsAsync(stoppingToken));
            LogIndexLoaded(logger, index.DocumentCount, index.ChunkCount);
            readiness.MarkReady();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStartFailed(logger, e.GetType().Name);
            throw;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await changes.WaitAsync(FollowInterval, time, stoppingToken);
                var changed = await index.CatchUpAsync(stoppingToken);
                if (changed > 0)
                {
                    LogFollowed(logger, changed);
                }

                // The index also moves when this process writes (uploads catch it up themselves): the gauge follows either.
                if (index.Sequence != recorded)
                {
                    recorded = index.Sequence;
                    metrics.RecordKnowledgeBase(await store.GetStatsAsync(stoppingToken));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed round (storage briefly unreachable) is retried on the next tick.
                LogFollowFailed(logger, e.GetType().Name);
            }
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!options.SeedStarterKnowledgeBase || (await store.GetStatsAsync(cancellationToken)).Documents > 0)
        {
            return;
        }

        var starter = Path.Combine(AppContext.BaseDirectory, "knowledge", "starter");
        if (!Directory.Exists(starter))
        {
            return;
        }

        var report = await knowledgeBase.IngestPathsAsync([starter], progress: null, cancellationToken);
        LogSeeded(logger, report.Added, report.Failed);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Knowledge indexes loaded: {Documents} documents, {Chunks} chunks")]
    private static partial void LogIndexLoaded(ILogger logger, int documents, int chunks);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Starter knowledge base loaded: {Added} cards, {Failed} failed")]
    private static partial void LogSeeded(ILogger logger, int added, int failed);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Indexes followed {Documents} changed documents")]
    private static partial void LogFollowed(ILogger logger, int documents);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Following knowledge base changes failed ({Error}); retrying")]
    private static partial void LogFollowFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Critical, Message = "Knowledge base failed to start ({Error})")]
    private static partial void LogStartFailed(ILogger logger, string error);
}
