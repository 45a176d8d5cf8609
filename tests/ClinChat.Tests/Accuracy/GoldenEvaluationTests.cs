using ClinChat.Accuracy;
using ClinChat.Database;
using ClinChat.Drugs;
using ClinChat.Hosting;
using ClinChat.Phi;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Storage.Database;
using ClinChat.Storage.Feedback;
using ClinChat.Telemetry;
using ClinChat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ClinChat.Tests.Accuracy;

/// <summary>
/// A four-card synthetic knowledge base (written for these tests, not clinical advice) behind the same engines the
/// CLI and the server use, loaded once for the class.
/// </summary>
public sealed class SyntheticKnowledgeFixture : IAsyncLifetime
{
    public const string Gout = "gout.md";
    public const string Warfarin = "warfarin-reversal.md";
    public const string Potassium = "hyperkalaemia.md";
    public const string Asthma = "asthma.md";

    private readonly TempDirectory _data = new("golden-data");
    private readonly TempDirectory _cards = new("golden-cards");

    public ServiceProvider Services { get; private set; } = null!;

    public TempDirectory Files { get; } = new("golden-files");

    public async Task InitializeAsync()
    {
        _cards.Write(Gout, """
            ---
            title: Gout flares
            ---
            # Gout flares
            A gout flare is treated with colchicine, a nonsteroidal anti-inflammatory drug or a short course of oral corticosteroid, started as early as possible.
            Long-term allopurinol lowers serum urate and prevents further gout flares.
            """);
        _cards.Write(Warfarin, """
            ---
            title: Warfarin reversal
            ---
            # Warfarin reversal
            Warfarin reversal in major bleeding needs intravenous vitamin K together with four-factor prothrombin complex concentrate.
            For a high INR without bleeding, warfarin is paused and oral vitamin K is considered when the INR is above 10.
            """);
        _cards.Write(Potassium, """
            ---
            title: Hyperkalaemia
            ---
            # Hyperkalaemia
            Hyperkalaemia causes ECG changes such as peaked T waves, flattened P waves and a broad QRS complex.
            Intravenous calcium gluconate protects the heart when hyperkalaemia causes ECG changes.
            """);
        _cards.Write(Asthma, """
            ---
            title: Acute asthma
            ---
            # Acute asthma
            An acute asthma attack is treated with high-dose inhaled salbutamol, oxygen to keep saturation between 94 and 98 percent, and oral prednisolone.
            Intravenous magnesium sulfate is considered in acute severe asthma that does not respond to inhaled bronchodilators.
            """);

        var configuration = new ConfigurationBuilder().Build();
        Services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddMetrics()
            .AddStoreDatabase(configuration, _data.Root)
            .AddKnowledge(new KnowledgeOptions { DataDirectory = _data.Root })
            .AddPhi()
            .AddDrugs()
            .AddSingleton<ClinChatMetrics>()
            .AddSingleton(sp => new AnswerFeedbackStore(sp.GetRequiredService<StoreDatabase>(), sp.GetRequiredService<TimeProvider>()))
            .AddTransient<GoldenEvaluator>()
            .BuildServiceProvider();
        await Services.GetRequiredService<StoreDatabase>().PrepareSchemasAsync(CancellationToken.None);
        var report = await Services.GetRequiredService<KnowledgeBase>().IngestPathsAsync([_cards.Root], progress: null, CancellationToken.None);
        Assert.Equal(4, report.Added);
    }

    public string WriteGoldenSet(params string[] lines) => Files.Write($"golden-{Guid.NewGuid():N}.jsonl", string.Join('\n', lines));

    internal async Task<GoldenRun> EvaluateAsync(params string[] lines)
    {
        var file = WriteGoldenSet(lines);
        return await Services.GetRequiredService<GoldenEvaluator>().EvaluateAsync(file, await GoldenSet.LoadAsync(file, CancellationToken.None), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
        _cards.Dispose();
        Files.Dispose();
    }
}

public sealed class GoldenEvaluationTests(SyntheticKnowledgeFixture kb) : IClassFixture<SyntheticKnowledgeFixture>
{
    private const string GoutQuestion = """{"id":"gout","question":"How is a gout flare treated?","expected":["gout.md"]}""";
    private const string WarfarinQuestion = """{"id":"warfarin","question":"How is warfarin reversed in major bleeding?","expected":["warfarin-reversal.md"]}""";
    private const string PotassiumQuestion = """{"id":"potassium","question":"What ECG changes does hyperkalaemia cause?","expected":["hyperkalaemia.md","not-loaded.md"]}""";
    private const string OutOfScope = """{"id":"france","question":"What is the capital of France?","expected":[]}""";
    private const string NotInKnowledgeBase = """{"id":"elsewhere","question":"How is an acute asthma attack treated?","expected":["other-hospital/asthma.md"]}""";

    // The asthma card answers this question, so an answer cannot cite the gout card: a wrong expectation.
    private const string WrongExpectation = """{"id":"asthma-wrong","question":"How is an acute asthma attack treated?","expected":["gout.md"]}""";

    [Fact]
    public async Task Evaluate_CorrectExpectations_ScoresEveryScoredQuestionCorrect()
    {
        var run = await kb.EvaluateAsync(GoutQuestion, WarfarinQuestion, PotassiumQuestion, OutOfScope, NotInKnowledgeBase);

        Assert.Equal(5, run.Questions);
        Assert.Equal(4, run.Scored);
        Assert.Equal(1, run.Skipped);
        Assert.Equal(4, run.Correct);
        Assert.Equal(1.0, run.Score);
        Assert.Equal(GoldenVerdict.Skipped, Outcome(run, "elsewhere").Verdict);
        Assert.Equal(GoldenVerdict.Correct, Outcome(run, "france").Verdict);
        Assert.Contains(SyntheticKnowledgeFixture.Gout, Outcome(run, "gout").Cited);
    }

    [Fact]
    public async Task Evaluate_DeliberatelyWrongExpectation_LowersTheScore()
    {
        var run = await kb.EvaluateAsync(GoutQuestion, WarfarinQuestion, PotassiumQuestion, OutOfScope, NotInKnowledgeBase, WrongExpectation);

        Assert.Equal(5, run.Scored);
        Assert.Equal(4, run.Correct);
        Assert.Equal(0.8, run.Score!.Value, 10);
        var wrong = Outcome(run, "asthma-wrong");
        Assert.Equal(GoldenVerdict.WrongSource, wrong.Verdict);
        Assert.Contains(SyntheticKnowledgeFixture.Asthma, wrong.Cited);
    }

    [Fact]
    public async Task Evaluate_AnswerableQuestionThatAbstains_CountsWrong()
    {
        var run = await kb.EvaluateAsync(GoutQuestion, """{"id":"moon","question":"What is the distance from the Earth to the Moon?","expected":["gout.md"]}""");

        Assert.Equal(GoldenVerdict.Abstained, Outcome(run, "moon").Verdict);
        Assert.Equal(0.5, run.Score);
    }

    [Fact]
    public async Task Evaluate_AbstentionItemThatGetsAnAnswer_CountsWrong()
    {
        var run = await kb.EvaluateAsync(GoutQuestion, """{"id":"gout-as-oos","question":"How is a gout flare treated?","expected":[]}""");

        Assert.Equal(GoldenVerdict.Answered, Outcome(run, "gout-as-oos").Verdict);
        Assert.Equal(0.5, run.Score);
    }

    [Fact]
    public async Task Evaluate_SetForAnotherKnowledgeBase_SkipsEverythingAndHasNoScore()
    {
        var run = await kb.EvaluateAsync(NotInKnowledgeBase, OutOfScope);

        Assert.Equal(0, run.Scored);
        Assert.Null(run.Score);
        Assert.All(run.Outcomes, o => Assert.Equal(GoldenVerdict.Skipped, o.Verdict));
    }

    [Fact]
    public async Task BackgroundService_FailingRound_IsLoggedAndTheNextRoundScores()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var file = kb.WriteGoldenSet("""{"question":"no expected field"}""");
        var options = new AccuracyOptions { GoldenSetFile = file, Interval = TimeSpan.FromHours(6), FeedbackRefresh = TimeSpan.FromMinutes(1) };
        var monitor = new AccuracyMonitor(
            kb.Services.GetRequiredService<AnswerFeedbackStore>(), options, kb.Services.GetRequiredService<ClinChatMetrics>(), time);
        var readiness = new KnowledgeReadiness();
        var logs = new ListLogger();
        using var service = new AccuracyEvaluationService(
            kb.Services.GetRequiredService<IServiceScopeFactory>(), readiness, monitor, time, logs);

        await service.StartAsync(CancellationToken.None);
        readiness.MarkReady();
        await WaitUntilAsync(() => logs.Has(7402) && monitor.Feedback is not null);
        Assert.Null(monitor.LastGoldenRun);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("no expected field", StringComparison.Ordinal));

        await File.WriteAllLinesAsync(file, [GoutQuestion, WrongExpectation]);
        time.Advance(options.Interval);
        await WaitUntilAsync(() => monitor.LastGoldenRun is not null);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(0.5, monitor.LastGoldenRun!.Score);
        Assert.Equal(0.5, monitor.Score.Combined);
    }

    private static GoldenOutcome Outcome(GoldenRun run, string id) => Assert.Single(run.Outcomes, o => o.Question.Id == id);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the accuracy service");
            await Task.Delay(50);
        }
    }

    private sealed class ListLogger : ILogger<AccuracyEvaluationService>
    {
        private readonly List<(int EventId, string Message)> _entries = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_entries)
                {
                    return _entries.Select(e => e.Message).ToList();
                }
            }
        }

        public bool Has(int eventId)
        {
            lock (_entries)
            {
                return _entries.Any(e => e.EventId == eventId);
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((eventId.Id, formatter(state, exception)));
            }
        }
    }
}

/// <summary>The score formula and the golden file format, without engines.</summary>
public sealed class AccuracyScoreTests
{
    private static GoldenRun Run(int correct, int wrong) => new("set.jsonl", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        [
            .. Enumerable.Range(0, correct).Select(i => new GoldenOutcome(new GoldenQuestion($"c{i}", "q", ["a.md"]), GoldenVerdict.Correct, ["a.md"])),
            .. Enumerable.Range(0, wrong).Select(i => new GoldenOutcome(new GoldenQuestion($"w{i}", "q", ["a.md"]), GoldenVerdict.WrongSource, ["b.md"])),
            new GoldenOutcome(new GoldenQuestion("s", "q", ["z.md"]), GoldenVerdict.Skipped, []),
        ]);

    private static FeedbackSummary Feedback(int correct, int partially, int incorrect) => new(DateTimeOffset.UnixEpoch, correct, partially, incorrect);

    [Fact]
    public void Combine_NothingToScore_HasNoScore() => Assert.Null(AccuracyScore.Combine(null, Feedback(0, 0, 0)).Combined);

    [Fact]
    public void Combine_GoldenOnly_IsTheGoldenAccuracy() => Assert.Equal(0.9, AccuracyScore.Combine(Run(9, 1), null).Combined!.Value, 10);

    [Fact]
    public void Combine_FeedbackOnly_WeighsPartiallyCorrectHalf() => Assert.Equal(0.5, AccuracyScore.Combine(Run(0, 0), Feedback(1, 2, 1)).Combined);

    [Fact]
    public void Combine_FewFeedbackItems_EachWeighsAsOneGoldenQuestion()
    {
        var score = AccuracyScore.Combine(Run(9, 1), Feedback(0, 0, 2));

        Assert.Equal(2, score.FeedbackWeight);
        Assert.Equal(9.0 / 12, score.Combined!.Value, 10);
    }

    [Fact]
    public void Combine_MoreFeedbackThanGoldenQuestions_IsCappedAtHalfTheWeight()
    {
        var score = AccuracyScore.Combine(Run(10, 0), Feedback(0, 0, 500));

        Assert.Equal(10, score.FeedbackWeight);
        Assert.Equal(0.5, score.Combined);
    }

    [Theory]
    [InlineData("not json", "line 1: not a JSON object")]
    [InlineData("""{"expected":["a.md"]}""", "line 1: \"question\"")]
    [InlineData("""{"question":"q","expected":"a.md"}""", "line 1: \"expected\"")]
    [InlineData("""{"question":"q","expected":[1]}""", "line 1: \"expected\"")]
    [InlineData("""{"id":"","question":"q","expected":[]}""", "line 1: \"id\"")]
    public void Parse_BadLine_NamesTheLineAndTheField(string line, string message)
    {
        var error = Assert.Throws<GoldenSetFormatException>(() => GoldenSet.Parse([line]));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommentsBlankLinesAndDefaultIds()
    {
        var set = GoldenSet.Parse(["# team-written", "", """{"question":" q1 ","expected":["a.md","a.md"]}""", """{"id":"x","question":"q2","expected":[]}"""]);

        Assert.Equal(["line-3", "x"], set.Select(q => q.Id));
        Assert.Equal("q1", set[0].Question);
        Assert.Equal(["a.md"], set[0].Expected);
        Assert.True(set[1].ExpectsAbstention);
    }

    [Fact]
    public void Parse_DuplicateId_IsRefused() =>
        Assert.Contains("line 2", Assert.Throws<GoldenSetFormatException>(() => GoldenSet.Parse(["""{"id":"a","question":"q","expected":[]}""", """{"id":"a","question":"r","expected":[]}"""])).Message);

    [Fact]
    public void BuiltInSet_ParsesAndNamesOnlyStarterCards()
    {
        var set = GoldenSet.Parse(File.ReadAllLines(GoldenSet.BuiltInFile));
        var cards = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "knowledge", "starter"), "*.md").Select(Path.GetFileName).ToHashSet();

        Assert.InRange(set.Count, 30, 60);
        Assert.All(set.SelectMany(q => q.Expected), id => Assert.Contains(id, cards));
        Assert.Contains(set, q => q.ExpectsAbstention);
    }
}
