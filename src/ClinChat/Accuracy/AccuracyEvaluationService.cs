using ClinChat.Hosting;

namespace ClinChat.Accuracy;

/// <summary>
/// Asks the golden set once the indexes are loaded and every <c>ClinChat:Accuracy:Interval</c> after, and re-reads the
/// feedback summary every <c>FeedbackRefresh</c>. A failing round (unreadable golden file, storage briefly unreachable)
/// is logged and retried on the next one; the gauge keeps its last value meanwhile.
/// </summary>
internal sealed class AccuracyEvaluationService(
    IServiceScopeFactory scopes, KnowledgeReadiness readiness, AccuracyMonitor monitor, TimeProvider time, ILogger<AccuracyEvaluationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = monitor.Options;
        try
        {
            await readiness.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var nextGolden = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (options.ResolveGoldenSetFile() is { } file && time.GetUtcNow() >= nextGolden)
            {
                await RunAsync("golden", () => EvaluateGoldenSetAsync(file, stoppingToken), stoppingToken);
                nextGolden = time.GetUtcNow() + options.Interval;
            }

            await RunAsync("feedback", () => monitor.RefreshFeedbackAsync(stoppingToken), stoppingToken);

            var untilGolden = nextGolden - time.GetUtcNow();
            var wait = untilGolden > TimeSpan.Zero && untilGolden < options.FeedbackRefresh ? untilGolden : options.FeedbackRefresh;
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task EvaluateGoldenSetAsync(string file, CancellationToken cancellationToken)
    {
        var questions = await GoldenSet.LoadAsync(file, cancellationToken);
        using var scope = scopes.CreateScope();
        var run = await scope.ServiceProvider.GetRequiredService<GoldenEvaluator>().EvaluateAsync(file, questions, cancellationToken);
        monitor.RecordGoldenRun(run);
        AccuracyLog.GoldenEvaluated(logger, run.Scored, run.Correct, run.Skipped, run.Score ?? double.NaN, (long)(run.FinishedAt - run.StartedAt).TotalMilliseconds);
    }

    private async Task RunAsync(string task, Func<Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (GoldenSetFormatException e)
        {
            // The message names the line and the problem, never a question's text.
            AccuracyLog.GoldenSetInvalid(logger, AccuracyOptions.Section + ":GoldenSetFile", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AccuracyLog.RoundFailed(logger, task, e.GetType().Name);
        }
    }
}

internal static partial class AccuracyLog
{
    [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "Golden set evaluated: {Correct} of {Scored} correct ({Skipped} skipped), accuracy {Score:0.000}, in {Milliseconds} ms")]
    public static partial void GoldenEvaluated(ILogger logger, int scored, int correct, int skipped, double score, long milliseconds);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Error, Message = "The golden set named by {Setting} is not usable: {Problem}; the accuracy score keeps its last value")]
    public static partial void GoldenSetInvalid(ILogger logger, string setting, string problem);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "Accuracy {Task} round failed ({Error}); retrying on the next round")]
    public static partial void RoundFailed(ILogger logger, string task, string error);

    [LoggerMessage(EventId = 7404, Level = LogLevel.Information, Message = "Answer feedback {Rating} ({Reason}) recorded; replaced an earlier one: {Replaced}")]
    public static partial void FeedbackRecorded(ILogger logger, string rating, string reason, bool replaced);
}
