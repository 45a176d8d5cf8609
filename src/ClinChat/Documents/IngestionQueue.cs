using System.Threading.Channels;
using ClinChat.Cli;
using ClinChat.Hosting;
using ClinChat.Phi;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Storage;

namespace ClinChat.Documents;

/// <summary>
/// Uploaded files wait on disk under the data directory and are ingested one job at a time in the background;
/// the job record (status, counts, per-file errors) is what `GET /api/documents/jobs/{id}` shows.
/// </summary>
internal sealed partial class IngestionQueue(
    KnowledgeBase knowledgeBase,
    IKnowledgeStore store,
    KnowledgeOptions options,
    PhiScreen phi,
    TimeProvider time,
    ILogger<IngestionQueue> logger) : BackgroundService
{
    private readonly Channel<(IngestionJob Job, string Folder)> _jobs = Channel.CreateUnbounded<(IngestionJob, string)>();

    public async Task<IngestionJob> EnqueueAsync(IFormFileCollection files, CancellationToken cancellationToken)
    {
        var job = new IngestionJob(Guid.NewGuid().ToString("n"), "queued", files.Count, 0, 0, 0, 0, 0, [], time.GetUtcNow(), null);
        var folder = Path.Combine(Path.GetFullPath(options.DataDirectory), "uploads", job.Id);
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            // Only the file name is kept: a client cannot choose where the upload lands.
            var name = Path.GetFileName(file.FileName);
            if (string.IsNullOrWhiteSpace(name))
            {
                name = $"upload-{Guid.NewGuid():n}";
            }

            await using var target = File.Create(Path.Combine(folder, name));
            await file.CopyToAsync(target, cancellationToken);
        }

        await store.SaveJobAsync(job, cancellationToken);
        await _jobs.Writer.WriteAsync((job, folder), cancellationToken);
        return job;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (queued, folder) in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            var job = queued with { Status = "running" };
            await store.SaveJobAsync(job, stoppingToken);
            try
            {
                // Uploads pass the upload PHI policy (by default: documents with patient identifiers are rejected).
                IngestionReport report;
                using (var progressSaving = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    var saver = SaveProgressAsync(() => job, progressSaving.Token);
                    try
                    {
                        report = await knowledgeBase.IngestPathsAsync(
                            [folder],
                            new SynchronousProgress<IngestionProgress>(p => job = job with { Processed = p.Processed }),
                            stoppingToken,
                            DocumentScreens.For(phi, phi.Options.UploadPolicy));
                    }
                    finally
                    {
                        await progressSaving.CancelAsync();
                        await saver;
                    }
                }

                job = job with
                {
                    Status = report.Failed > 0 && report.Added + report.Updated + report.Skipped == 0 ? "failed" : "completed",
                    Processed = report.Total,
                    Added = report.Added,
                    Updated = report.Updated,
                    Skipped = report.Skipped,
                    Failed = report.Failed,
                    Errors = report.Errors,
                    FinishedAt = time.GetUtcNow(),
                };
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogJobFailed(logger, job.Id, e.GetType().Name);
                job = job with { Status = "failed", Errors = ["ingestion failed unexpectedly"], FinishedAt = time.GetUtcNow() };
            }
            finally
            {
                TryDelete(folder);
            }

            await store.SaveJobAsync(job, stoppingToken);
        }
    }

    /// <summary>Saves the running job's progress every second, so `GET /api/documents/jobs/{id}` shows it moving.</summary>
    private async Task SaveProgressAsync(Func<IngestionJob> current, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // Only the wait is cancelled: a save in flight completes, so the final save always comes last.
                await store.SaveJobAsync(current(), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The job finished (or the host stops): its final state is saved by the caller.
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover upload folder is harmless; it is under the data directory and removed on the next success.
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Ingestion job {JobId} failed ({Error})")]
    private static partial void LogJobFailed(ILogger logger, string jobId, string error);
}
