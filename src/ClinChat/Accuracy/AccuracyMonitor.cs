using ClinChat.Storage.Feedback;
using ClinChat.Telemetry;

namespace ClinChat.Accuracy;

/// <summary>Settings of the accuracy evaluation (<c>ClinChat:Accuracy</c>).</summary>
internal sealed class AccuracyOptions
{
    public const string Section = "ClinChat:Accuracy";

    /// <summary>
    /// The golden question set (JSON lines). Unset: the set shipped for the starter knowledge base. Empty: no golden
    /// evaluation (the score then comes from clinician feedback alone).
    /// </summary>
    public string? GoldenSetFile { get; set; }

    /// <summary>How often the server asks the golden set again (it also asks once as soon as the indexes are loaded).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Clinician feedback counts in the score for this long after it was given.</summary>
    public TimeSpan FeedbackWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each server re-reads the feedback summary (feedback given to another replica, the window moving on).</summary>
    public TimeSpan FeedbackRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The golden set file to use, or null when golden evaluation is switched off.</summary>
    public string? ResolveGoldenSetFile() => GoldenSetFile switch
    {
        null => GoldenSet.BuiltInFile,
        var file when string.IsNullOrWhiteSpace(file) => null,
        var file => Path.GetFullPath(file),
    };
}

/// <summary>
/// The clinical accuracy score and its parts. Golden accuracy G over the n scored golden questions of the last run;
/// feedback accuracy F (correct 1, partially correct 0.5, incorrect 0) over the m feedback items of the window. Each
/// feedback item weighs as much as one golden question, up to as many as the golden set scored, so feedback can move
/// the score but never outweigh the golden set: w = min(m, n), score = (n·G + w·F) / (n + w). Without a scored golden
/// run the score is F; with neither there is no score and the gauge reports nothing.
/// </summary>
internal sealed record AccuracyScore(double? Golden, int GoldenScored, double? Feedback, int FeedbackItems, int FeedbackWeight, double? Combined)
{
    public static AccuracyScore Combine(GoldenRun? run, FeedbackSummary? feedback)
    {
        var golden = run?.Score;
        var n = golden is null ? 0 : run!.Scored;
        var f = feedback?.Accuracy;
        var m = f is null ? 0 : feedback!.Items;
        if (golden is null)
        {
            return new AccuracyScore(null, 0, f, m, m, f);
        }

        var w = Math.Min(m, n);
        var combined = (n * golden.Value + w * (f ?? 0)) / (n + w);
        return new AccuracyScore(golden, n, f, m, w, combined);
    }
}

/// <summary>
/// Holds the latest golden run and feedback summary of this server and exports their combination as
/// <c>clinchat_clinical_accuracy_score</c>. The golden run is per server (each replica asks its own indexes, so one
/// with a stale index shows); feedback is shared through the database.
/// </summary>
internal sealed class AccuracyMonitor(AnswerFeedbackStore feedback, AccuracyOptions options, ClinChatMetrics metrics, TimeProvider time)
{
    private readonly Lock _gate = new();
    private GoldenRun? _golden;
    private FeedbackSummary? _feedback;
    private long _refreshesStarted;
    private long _appliedRefresh;

    public GoldenRun? LastGoldenRun
    {
        get
        {
            lock (_gate)
            {
                return _golden;
            }
        }
    }

    public FeedbackSummary? Feedback
    {
        get
        {
            lock (_gate)
            {
                return _feedback;
            }
        }
    }

    public AccuracyScore Score
    {
        get
        {
            lock (_gate)
            {
                return AccuracyScore.Combine(_golden, _feedback);
            }
        }
    }

    public AccuracyOptions Options => options;

    public void RecordGoldenRun(GoldenRun run)
    {
        lock (_gate)
        {
            _golden = run;
            Publish();
        }
    }

    /// <summary>Re-reads the feedback of the window from the database and updates the gauge.</summary>
    public async Task<FeedbackSummary> RefreshFeedbackAsync(CancellationToken cancellationToken)
    {
        // The periodic refresh and the one after each feedback can overlap: a summary read before a newer one was applied
        // must not overwrite it (a slow background read would otherwise bring back the score from before the feedback).
        var ticket = Interlocked.Increment(ref _refreshesStarted);
        var summary = await feedback.SummarizeAsync(time.GetUtcNow() - options.FeedbackWindow, cancellationToken);
        lock (_gate)
        {
            if (ticket > _appliedRefresh)
            {
                _appliedRefresh = ticket;
                _feedback = summary;
                Publish();
            }

            return _feedback ?? summary;
        }
    }

    private void Publish() => metrics.RecordAccuracyScore(AccuracyScore.Combine(_golden, _feedback).Combined);
}
