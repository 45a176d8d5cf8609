namespace ClinChat.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IKnowledgeStore"/> provider must have. Each provider gets a subclass that only says
/// how to create an empty, migrated store; the cases run unchanged on every provider.
/// </summary>
public abstract class KnowledgeStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Epoch = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private IKnowledgeStore? _store;

    internal ManualTimeProvider Time { get; } = new(Epoch);

    protected IKnowledgeStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, empty store of the provider under test, its schema not yet created.</summary>
    protected abstract IKnowledgeStore CreateEmptyStore(TimeProvider time);

    /// <summary>Releases whatever <see cref="CreateEmptyStore"/> made (files, databases).</summary>
    protected abstract Task DropStoreAsync();

    public virtual async Task InitializeAsync()
    {
        _store = CreateEmptyStore(Time);
        await _store.MigrateAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        await DropStoreAsync();
    }

    [Fact]
    public async Task Upsert_NewDocument_ReturnsAddedAndStoresDocument()
    {
        var document = Document("cards/sepsis.md", "hash-1", "Sepsis is organ dysfunction caused by infection.");

        var outcome = await Store.UpsertDocumentAsync(document, Chunks("Sepsis is organ dysfunction caused by infection."), Ct);

        Assert.Equal(UpsertOutcome.Added, outcome);
        var stored = await Store.GetDocumentAsync("cards/sepsis.md", Ct);
        Assert.NotNull(stored);
        Assert.Equal(document.Title, stored.Title);
        Assert.Equal(document.Url, stored.Url);
        Assert.Equal(document.Format, stored.Format);
        Assert.Equal(document.Text, stored.Text);
        Assert.Equal("hash-1", stored.ContentHash);
        Assert.Equal("NICE NG51", stored.Metadata["source"]);
        Assert.Equal(document.UpdatedAt, stored.UpdatedAt);
        Assert.Equal("hash-1", await Store.GetContentHashAsync("cards/sepsis.md", Ct));
    }

    [Fact]
    public async Task Upsert_SameContentHash_ReturnsUnchangedAndKeepsChunksAndFeed()
    {
        var document = Document("a.md", "hash-1", "First version text.");
        await Store.UpsertDocumentAsync(document, Chunks("First version text."), Ct);
        var keysBefore = await ChunkKeysAsync("a.md");
        var feedBefore = await Store.GetChangesSinceAsync(0, Ct);

        var outcome = await Store.UpsertDocumentAsync(document with { Title = "Ignored" }, Chunks("other", "chunks"), Ct);

        Assert.Equal(UpsertOutcome.Unchanged, outcome);
        Assert.Equal(keysBefore, await ChunkKeysAsync("a.md"));
        Assert.Equal("Title of a.md", (await Store.GetDocumentAsync("a.md", Ct))!.Title);
        Assert.Equal(feedBefore, await Store.GetChangesSinceAsync(0, Ct));
    }

    [Fact]
    public async Task Upsert_ChangedContentHash_ReturnsUpdatedAndReplacesChunks()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "hash-1", "old one. old two. old three."), Chunks("old one.", "old two.", "old three."), Ct);

        var outcome = await Store.UpsertDocumentAsync(
            Document("a.md", "hash-2", "new one. new two.") with { Title = "Renamed" }, Chunks("new one.", "new two."), Ct);

        Assert.Equal(UpsertOutcome.Updated, outcome);
        var chunks = await ReadChunksAsync("a.md");
        Assert.Equal(["new one.", "new two."], chunks.Select(c => c.Text));
        Assert.All(chunks, c => Assert.Equal("Renamed", c.Title));
        Assert.Equal("new one. new two.", (await Store.GetDocumentAsync("a.md", Ct))!.Text);
        Assert.Equal(2, (await Store.GetStatsAsync(Ct)).Chunks);
    }

    [Fact]
    public async Task Upsert_ChangedDocument_LeavesOtherDocumentsChunksAlone()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);
        await Store.UpsertDocumentAsync(Document("b.md", "b1", "beta"), Chunks("beta one", "beta two"), Ct);
        var bKeys = await ChunkKeysAsync("b.md");

        await Store.UpsertDocumentAsync(Document("a.md", "a2", "alpha again"), Chunks("alpha again"), Ct);

        Assert.Equal(bKeys, await ChunkKeysAsync("b.md"));
    }

    [Fact]
    public async Task GetContentHash_UnknownDocument_ReturnsNull()
    {
        Assert.Null(await Store.GetContentHashAsync("nope.md", Ct));
        Assert.Null(await Store.GetDocumentAsync("nope.md", Ct));
    }

    [Fact]
    public async Task Delete_ExistingDocument_RemovesItsChunksAndRecordsDeletion()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha one", "alpha two"), Ct);
        await Store.UpsertDocumentAsync(Document("b.md", "b1", "beta"), Chunks("beta"), Ct);
        var sequenceBefore = (await Store.GetStatsAsync(Ct)).ChangeSequence;

        var removed = await Store.DeleteDocumentAsync("a.md", Ct);

        Assert.True(removed);
        Assert.Null(await Store.GetDocumentAsync("a.md", Ct));
        Assert.Null(await Store.GetContentHashAsync("a.md", Ct));
        Assert.Empty(await ReadChunksAsync("a.md"));
        Assert.Equal(["beta"], (await ReadChunksAsync(null)).Select(c => c.Text));
        var change = Assert.Single(await Store.GetChangesSinceAsync(sequenceBefore, Ct));
        Assert.Equal("a.md", change.DocumentId);
        Assert.True(change.Deleted);
    }

    [Fact]
    public async Task Delete_UnknownDocument_ReturnsFalseAndRecordsNothing()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);
        var sequenceBefore = (await Store.GetStatsAsync(Ct)).ChangeSequence;

        Assert.False(await Store.DeleteDocumentAsync("missing.md", Ct));
        Assert.Empty(await Store.GetChangesSinceAsync(sequenceBefore, Ct));
    }

    [Fact]
    public async Task Delete_ThenAddAgain_CountsAsAdded()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);
        await Store.DeleteDocumentAsync("a.md", Ct);

        var outcome = await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);

        Assert.Equal(UpsertOutcome.Added, outcome);
        Assert.Single(await ReadChunksAsync("a.md"));
    }

    [Fact]
    public async Task ChangeFeed_ListsWritesInOrderWithIncreasingSequences()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);
        await Store.UpsertDocumentAsync(Document("b.md", "b1", "beta"), Chunks("beta"), Ct);
        await Store.UpsertDocumentAsync(Document("a.md", "a2", "alpha 2"), Chunks("alpha 2"), Ct);
        await Store.DeleteDocumentAsync("b.md", Ct);

        var changes = await Store.GetChangesSinceAsync(0, Ct);

        Assert.Equal(
            [("a.md", false), ("b.md", false), ("a.md", false), ("b.md", true)],
            changes.Select(c => (c.DocumentId, c.Deleted)));
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence), "sequences must increase");
        Assert.Equal(changes[^1].Sequence, (await Store.GetStatsAsync(Ct)).ChangeSequence);
    }

    [Fact]
    public async Task ChangeFeed_SinceASequence_ReturnsOnlyLaterChanges()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);
        await Store.UpsertDocumentAsync(Document("b.md", "b1", "beta"), Chunks("beta"), Ct);
        var all = await Store.GetChangesSinceAsync(0, Ct);

        var later = await Store.GetChangesSinceAsync(all[0].Sequence, Ct);

        Assert.Equal(["b.md"], later.Select(c => c.DocumentId));
        Assert.Empty(await Store.GetChangesSinceAsync(all[^1].Sequence, Ct));
    }

    [Fact]
    public async Task ReadChunks_JoinsTitleUrlAndCachedVectorInKeyOrder()
    {
        var vector = new[] { 0.25f, -1.5f, 3.0e-7f, float.Epsilon };
        await Store.PutEmbeddingsAsync([new("key-alpha-1", vector)], Ct);
        await Store.UpsertDocumentAsync(
            Document("a.md", "a1", "# Alpha\nalpha one. alpha two."),
            [new ChunkRecord(0, 8, 10, "alpha one.", "Alpha", "key-alpha-1"), new ChunkRecord(1, 19, 10, "alpha two.", null, "key-missing")],
            Ct);

        var chunks = await ReadChunksAsync("a.md");

        Assert.Equal(2, chunks.Count);
        Assert.True(chunks[0].Key < chunks[1].Key);
        Assert.Equal(("a.md", "Title of a.md", "https://example.org/a.md"), (chunks[0].DocumentId, chunks[0].Title, chunks[0].Url));
        Assert.Equal((0, 8, "alpha one.", "Alpha"), (chunks[0].Ordinal, chunks[0].Start, chunks[0].Text, chunks[0].Section));
        Assert.Equal(vector, chunks[0].Vector);
        Assert.Equal((1, 19, (string?)null), (chunks[1].Ordinal, chunks[1].Start, chunks[1].Section));
        Assert.Null(chunks[1].Vector);
    }

    [Fact]
    public async Task ReadChunks_WithoutDocumentId_StreamsEveryDocument()
    {
        await Store.UpsertDocumentAsync(Document("b.md", "b1", "beta"), Chunks("beta"), Ct);
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha one", "alpha two"), Ct);

        var chunks = await ReadChunksAsync(null);

        Assert.Equal(["beta", "alpha one", "alpha two"], chunks.Select(c => c.Text));
    }

    [Fact]
    public async Task Embeddings_PutThenGet_RoundTripsExactFloatsAndOmitsMissingKeys()
    {
        var first = Enumerable.Range(0, 384).Select(i => MathF.Sin(i) / 7f).ToArray();
        var second = new[] { float.MaxValue, float.MinValue, -0f, 1f };
        await Store.PutEmbeddingsAsync([new("k1", first), new("k2", second)], Ct);

        var found = await Store.GetEmbeddingsAsync(["k1", "k2", "k3"], Ct);

        Assert.Equal(2, found.Count);
        Assert.Equal(first, found["k1"]);
        Assert.Equal(second, found["k2"]);
        Assert.False(found.ContainsKey("k3"));
        Assert.Empty(await Store.GetEmbeddingsAsync([], Ct));
    }

    [Fact]
    public async Task Embeddings_PutSameKeyAgain_ReplacesVector()
    {
        await Store.PutEmbeddingsAsync([new("k1", [1f, 2f])], Ct);

        await Store.PutEmbeddingsAsync([new("k1", [3f, 4f])], Ct);

        Assert.Equal(new[] { 3f, 4f }, (await Store.GetEmbeddingsAsync(["k1"], Ct))["k1"]);
        Assert.Equal(1, (await Store.GetStatsAsync(Ct)).Embeddings);
    }

    [Fact]
    public async Task Embeddings_OutliveDeletedDocuments()
    {
        await Store.PutEmbeddingsAsync([new("k1", [1f, 2f])], Ct);
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), [new ChunkRecord(0, 0, 5, "alpha", null, "k1")], Ct);

        await Store.DeleteDocumentAsync("a.md", Ct);

        // The cache is keyed by model and text, so re-ingesting the same text must not re-embed it.
        Assert.True((await Store.GetEmbeddingsAsync(["k1"], Ct)).ContainsKey("k1"));
    }

    [Fact]
    public async Task Jobs_SaveThenUpdate_ReturnsLatestState()
    {
        var queued = new IngestionJob("job-1", "queued", 3, 0, 0, 0, 0, 0, [], Epoch, null);
        await Store.SaveJobAsync(queued, Ct);
        var finished = queued with
        {
            Status = "completed", Processed = 3, Added = 1, Updated = 1, Failed = 1,
            Errors = ["bad.pdf: not a readable PDF file"], FinishedAt = Epoch.AddSeconds(5),
        };

        await Store.SaveJobAsync(finished, Ct);

        var stored = await Store.GetJobAsync("job-1", Ct);
        Assert.NotNull(stored);
        Assert.Equal(
            (finished.Id, finished.Status, finished.Total, finished.Processed, finished.Added, finished.Updated, finished.Skipped, finished.Failed, finished.CreatedAt, finished.FinishedAt),
            (stored.Id, stored.Status, stored.Total, stored.Processed, stored.Added, stored.Updated, stored.Skipped, stored.Failed, stored.CreatedAt, stored.FinishedAt));
        Assert.Equal(finished.Errors, stored.Errors);
    }

    [Fact]
    public async Task Jobs_UnknownId_ReturnsNull() => Assert.Null(await Store.GetJobAsync("no-such-job", Ct));

    [Fact]
    public async Task Stats_EmptyStore_HasNothingAndNoLastUpdate()
    {
        var stats = await Store.GetStatsAsync(Ct);

        Assert.Equal(new KnowledgeStats(0, 0, 0, null, 0), stats);
    }

    [Fact]
    public async Task Stats_CountDocumentsChunksEmbeddingsAndTimeOfLastChange()
    {
        await Store.PutEmbeddingsAsync([new("k1", [1f]), new("k2", [2f]), new("k3", [3f])], Ct);
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha one", "alpha two"), Ct);
        Time.Advance(TimeSpan.FromMinutes(5));
        await Store.UpsertDocumentAsync(Document("b.md", "b1", "beta"), Chunks("beta"), Ct);

        var stats = await Store.GetStatsAsync(Ct);

        Assert.Equal((2, 3, 3), (stats.Documents, stats.Chunks, stats.Embeddings));
        Assert.Equal(Epoch.AddMinutes(5), stats.LastUpdate);
        Assert.Equal((await Store.GetChangesSinceAsync(0, Ct))[^1].Sequence, stats.ChangeSequence);
    }

    [Fact]
    public async Task Stats_AfterDeletion_LastUpdateIsTheDeletionTime()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);
        Time.Advance(TimeSpan.FromHours(1));

        await Store.DeleteDocumentAsync("a.md", Ct);

        var stats = await Store.GetStatsAsync(Ct);
        Assert.Equal((0, 0), (stats.Documents, stats.Chunks));
        Assert.Equal(Epoch.AddHours(1), stats.LastUpdate);
    }

    [Fact]
    public async Task ListDocuments_OrdersByIdWithChunkCountsAndPages()
    {
        await Store.UpsertDocumentAsync(Document("c.md", "c1", "gamma"), Chunks("gamma"), Ct);
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha one", "alpha two"), Ct);
        await Store.UpsertDocumentAsync(Document("b.md", "b1", "beta"), Chunks("beta one", "beta two", "beta three"), Ct);

        var all = await Store.ListDocumentsAsync(0, 10, Ct);
        var page = await Store.ListDocumentsAsync(1, 1, Ct);

        Assert.Equal([("a.md", 2), ("b.md", 3), ("c.md", 1)], all.Select(d => (d.Id, d.Chunks)));
        Assert.Equal("Title of a.md", all[0].Title);
        Assert.Equal("https://example.org/a.md", all[0].Url);
        Assert.Equal("markdown", all[0].Format);
        Assert.Equal(["b.md"], page.Select(d => d.Id));
    }

    [Fact]
    public async Task Migrate_RunTwice_KeepsStoredData()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);

        await Store.MigrateAsync(Ct);

        Assert.Equal(1, (await Store.GetStatsAsync(Ct)).Documents);
    }

    [Fact]
    public async Task Ping_MigratedStore_ReturnsTrue() => Assert.True(await Store.PingAsync(Ct));

    protected StoredDocument Document(string id, string hash, string text) => new(
        id,
        "Title of " + id,
        "https://example.org/" + id,
        "markdown",
        hash,
        text,
        new Dictionary<string, string> { ["source"] = "NICE NG51" },
        Time.GetUtcNow());

    protected static IReadOnlyList<ChunkRecord> Chunks(params string[] texts)
    {
        var start = 0;
        var chunks = new List<ChunkRecord>();
        for (var i = 0; i < texts.Length; i++)
        {
            chunks.Add(new ChunkRecord(i, start, texts[i].Length, texts[i], null, "emb-" + texts[i]));
            start += texts[i].Length + 1;
        }

        return chunks;
    }

    protected async Task<List<IndexedChunk>> ReadChunksAsync(string? documentId)
    {
        var chunks = new List<IndexedChunk>();
        await foreach (var chunk in Store.ReadChunksAsync(documentId, Ct))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    private async Task<List<long>> ChunkKeysAsync(string documentId) => [.. (await ReadChunksAsync(documentId)).Select(c => c.Key)];
}
