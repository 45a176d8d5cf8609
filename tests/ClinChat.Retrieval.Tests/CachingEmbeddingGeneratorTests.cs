using ClinChat.Retrieval.Embeddings;
using ClinChat.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace ClinChat.Retrieval.Tests;

public sealed class CachingEmbeddingGeneratorTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clinchat-cache-" + Guid.NewGuid().ToString("N"));
    private readonly CountingGenerator _inner = new();
    private SqliteKnowledgeStore _store = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _store = new SqliteKnowledgeStore(Path.Combine(_folder, "clinchat.db"), TimeProvider.System);
        await _store.MigrateAsync(Ct);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EmbedPassages_NewTexts_EmbedsEachDistinctTextOnceAndStoresIt()
    {
        var cache = new CachingEmbeddingGenerator(_inner, _store, "model-a");

        var vectors = await cache.EmbedPassagesAsync(["alpha", "beta", "alpha"], Ct);

        Assert.Equal(["alpha", "beta"], _inner.Embedded);
        Assert.Equal(2, vectors.Count);
        Assert.Equal(CountingGenerator.VectorFor("beta"), vectors[cache.KeyFor("beta")]);
        Assert.Equal(2, (await _store.GetStatsAsync(Ct)).Embeddings);
    }

    [Fact]
    public async Task EmbedPassages_TextsAlreadyStored_AreNotEmbeddedAgainEvenByANewInstance()
    {
        await new CachingEmbeddingGenerator(_inner, _store, "model-a").EmbedPassagesAsync(["alpha", "beta"], Ct);
        _inner.Embedded.Clear();

        var vectors = await new CachingEmbeddingGenerator(_inner, _store, "model-a").EmbedPassagesAsync(["beta", "gamma", "alpha"], Ct);

        Assert.Equal(["gamma"], _inner.Embedded);
        Assert.Equal(3, vectors.Count);
    }

    [Fact]
    public void KeyFor_DependsOnModelAndText()
    {
        var a = new CachingEmbeddingGenerator(_inner, _store, "model-a");
        var b = new CachingEmbeddingGenerator(_inner, _store, "model-b");

        Assert.Equal(a.KeyFor("alpha"), new CachingEmbeddingGenerator(_inner, _store, "model-a").KeyFor("alpha"));
        Assert.NotEqual(a.KeyFor("alpha"), b.KeyFor("alpha"));
        Assert.NotEqual(a.KeyFor("alpha"), a.KeyFor("alpha "));
        Assert.DoesNotContain("alpha", a.KeyFor("alpha"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedQuery_SameQueryTwice_EmbedsOnceAndNeverStoresIt()
    {
        var cache = new CachingEmbeddingGenerator(_inner, _store, "model-a");

        var first = await cache.EmbedQueryAsync("how is gout treated", Ct);
        var second = await cache.EmbedQueryAsync("how is gout treated", Ct);

        Assert.Equal(first, second);
        Assert.Single(_inner.Embedded);
        Assert.Equal(0, (await _store.GetStatsAsync(Ct)).Embeddings);
    }

    [Fact]
    public async Task ClearQueryCache_NextQueryIsEmbeddedAgain()
    {
        var cache = new CachingEmbeddingGenerator(_inner, _store, "model-a");
        await cache.EmbedQueryAsync("q", Ct);

        cache.ClearQueryCache();
        await cache.EmbedQueryAsync("q", Ct);

        Assert.Equal(["q", "q"], _inner.Embedded);
    }

    /// <summary>A stand-in model that records what it was asked to embed.</summary>
    private sealed class CountingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<string> Embedded { get; } = [];

        public static float[] VectorFor(string text) => [text.Length, text[0], 1f];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            Embedded.AddRange(list);
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(VectorFor(v)))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
