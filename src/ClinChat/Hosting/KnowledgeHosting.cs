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

/// <summary>
/// Brings the knowledge base up (migrate the embedded store, load the starter cards into an empty one, build the
/// indexes) and then follows the change feed, so documents written by another process become searchable.
/// </summary>
internal sealed partial class KnowledgeIndexService(
    IKnowledgeStore store,
    StoreDatabase database,
    KnowledgeBase knowledgeBase,
    KnowledgeIndex index,
    KnowledgeOptions options,
    Telemetry.ClinChatMetrics metrics,
    KnowledgeReadiness readiness,
    TimeProvider time,
    ILogger<KnowledgeIndexService> logger) : BackgroundService
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await database.PrepareSchemasAsync(stoppingToken);
            await SeedAsync(stoppingToken);
            await index.EnsureLoadedAsync(stoppingToken);
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
                await Task.Delay(FollowInterval, time, stoppingToken);
                var changed = await index.CatchUpAsync(stoppingToken);
                if (changed > 0)
                {
                    metrics.RecordKnowledgeBase(await store.GetStatsAsync(stoppingToken));
                    LogFollowed(logger, changed);
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
