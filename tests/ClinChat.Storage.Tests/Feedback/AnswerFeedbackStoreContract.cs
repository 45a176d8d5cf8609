using ClinChat.Storage.Database;
using ClinChat.Storage.Feedback;
using ClinChat.Storage.Tests;
using ClinChat.Testing;
using Microsoft.Data.Sqlite;

namespace ClinChat.Storage.Tests.Feedback;

/// <summary>The feedback store's behaviour; each provider's subclass only says how to make an empty database.</summary>
public abstract class AnswerFeedbackStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Epoch = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private StoreDatabase? _database;

    internal ManualTimeProvider Time { get; } = new(Epoch);

    protected AnswerFeedbackStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract Task<StoreDatabase> CreateEmptyDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        _database = await CreateEmptyDatabaseAsync();
        Store = new AnswerFeedbackStore(_database, Time);
        await Store.MigrateAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    [Fact]
    public async Task Save_FirstFeedback_IsStoredAndNotAReplacement()
    {
        var (saved, replaced) = await Store.SaveAsync("c1", 2, "u1", FeedbackRating.Incorrect, FeedbackReason.WrongSource, Ct);

        Assert.False(replaced);
        var stored = await Store.GetAsync("c1", 2, "u1", Ct);
        Assert.Equal(saved, stored);
        Assert.Equal(FeedbackReason.WrongSource, stored!.Reason);
        Assert.Equal(Epoch, stored.GivenAt);
    }

    [Fact]
    public async Task Save_SameUserAndTurnAgain_ReplacesTheFirst()
    {
        await Store.SaveAsync("c1", 1, "u1", FeedbackRating.Incorrect, FeedbackReason.Outdated, Ct);
        Time.Advance(TimeSpan.FromMinutes(3));

        var (_, replaced) = await Store.SaveAsync("c1", 1, "u1", FeedbackRating.Correct, null, Ct);

        Assert.True(replaced);
        var stored = await Store.GetAsync("c1", 1, "u1", Ct);
        Assert.Equal(FeedbackRating.Correct, stored!.Rating);
        Assert.Null(stored.Reason);
        Assert.Equal(Epoch.AddMinutes(3), stored.GivenAt);
        var summary = await Store.SummarizeAsync(Epoch, Ct);
        Assert.Equal(1, summary.Items);
        Assert.Equal(1.0, summary.Accuracy);
    }

    [Fact]
    public async Task Save_OtherTurnOrUser_KeepsSeparateRows()
    {
        await Store.SaveAsync("c1", 1, "u1", FeedbackRating.Correct, null, Ct);
        await Store.SaveAsync("c1", 2, "u1", FeedbackRating.Incorrect, null, Ct);
        await Store.SaveAsync("c1", 1, "u2", FeedbackRating.PartiallyCorrect, FeedbackReason.Incomplete, Ct);

        Assert.Equal(FeedbackRating.Correct, (await Store.GetAsync("c1", 1, "u1", Ct))!.Rating);
        Assert.Equal(FeedbackRating.Incorrect, (await Store.GetAsync("c1", 2, "u1", Ct))!.Rating);
        Assert.Equal(FeedbackRating.PartiallyCorrect, (await Store.GetAsync("c1", 1, "u2", Ct))!.Rating);
        Assert.Null(await Store.GetAsync("c2", 1, "u1", Ct));
    }

    [Fact]
    public async Task Summarize_WeighsRatingsAndCountsOnlyTheWindow()
    {
        await Store.SaveAsync("old", 1, "u1", FeedbackRating.Incorrect, null, Ct);
        Time.Advance(TimeSpan.FromDays(8));
        await Store.SaveAsync("c1", 1, "u1", FeedbackRating.Correct, null, Ct);
        await Store.SaveAsync("c1", 2, "u1", FeedbackRating.PartiallyCorrect, FeedbackReason.Incomplete, Ct);
        await Store.SaveAsync("c1", 3, "u1", FeedbackRating.Incorrect, FeedbackReason.Unsafe, Ct);
        await Store.SaveAsync("c2", 1, "u2", FeedbackRating.Correct, null, Ct);

        var summary = await Store.SummarizeAsync(Time.GetUtcNow().AddDays(-7), Ct);

        Assert.Equal((2, 1, 1), (summary.Correct, summary.PartiallyCorrect, summary.Incorrect));
        Assert.Equal(4, summary.Items);
        Assert.Equal(2.5 / 4, summary.Accuracy);
        Assert.Equal(5, (await Store.SummarizeAsync(Epoch, Ct)).Items);
    }

    [Fact]
    public async Task Summarize_NoFeedback_HasNoAccuracy()
    {
        var summary = await Store.SummarizeAsync(Epoch, Ct);

        Assert.Equal(0, summary.Items);
        Assert.Null(summary.Accuracy);
    }

    [Fact]
    public async Task Migrate_Twice_KeepsFeedback()
    {
        await Store.SaveAsync("c1", 1, "u1", FeedbackRating.Correct, null, Ct);

        await Store.MigrateAsync(Ct);

        Assert.NotNull(await Store.GetAsync("c1", 1, "u1", Ct));
        Assert.Equal(AnswerFeedbackStore.Schema.Version, (await Store.Database.GetSchemaVersionsAsync(Ct))["feedback"]);
    }
}

/// <summary>The feedback contract on the embedded default.</summary>
public sealed class SqliteAnswerFeedbackStoreTests : AnswerFeedbackStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clinchat-feedback-" + Guid.NewGuid().ToString("N"));

    protected override Task<StoreDatabase> CreateEmptyDatabaseAsync() =>
        Task.FromResult<StoreDatabase>(new SqliteStoreDatabase(Path.Combine(_folder, "clinchat.db")));

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test that produced it.
        }

        return Task.CompletedTask;
    }
}

/// <summary>The feedback contract on a real PostgreSQL server (one database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAnswerFeedbackStoreTests(PostgresFixture postgres) : AnswerFeedbackStoreContract
{
    private string _connectionString = string.Empty;

    protected override async Task<StoreDatabase> CreateEmptyDatabaseAsync()
    {
        _connectionString = await postgres.Server.CreateDatabaseAsync("feedback");
        return new PostgresStoreDatabase(_connectionString);
    }

    protected override Task DropDatabaseAsync() => postgres.Server.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task ConcurrentSaves_SameTurn_LeaveOneRow()
    {
        var saves = Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            Store.SaveAsync("c1", 1, "u1", i % 2 == 0 ? FeedbackRating.Correct : FeedbackRating.Incorrect, null, Ct)));
        var results = await Task.WhenAll(saves);

        Assert.Equal(1, (await Store.SummarizeAsync(DateTimeOffset.MinValue, Ct)).Items);
        Assert.Single(results, r => !r.Replaced);
    }
}
