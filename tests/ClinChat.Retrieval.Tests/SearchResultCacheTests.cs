using ClinChat.Retrieval.Embeddings;
using ClinChat.Retrieval.Search;
using Microsoft.Extensions.Caching.Hybrid;
using static ClinChat.Retrieval.Tests.SyntheticCorpus;

namespace ClinChat.Retrieval.Tests;

[Collection(nameof(ModelCollection))]
public sealed class SearchResultCacheTests(KnowledgeBaseFixture fixture)
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Search_SameQueryTwice_RanksOnceAndServesTheSameHits()
    {
        var kb = fixture.Shared;
        var store = new RecordingHybridCache();
        var cache = new SearchResultCache(store, kb.Index, kb.Searcher, kb.Expander, MiniLmEmbeddingGenerator.ModelId);

        var first = await cache.SearchAsync("How is gout treated?", 5, RetrievalMode.Hybrid, Ct);
        var second = await cache.SearchAsync("How is gout treated?", 5, RetrievalMode.Hybrid, Ct);

        Assert.Equal(1, store.Computed);
        Assert.Equal(GoutTreatment, first.Hits[0].DocumentId);
        Assert.Equal(first.Hits.Select(h => (h.DocumentId, h.Score, h.Chunk.Key)), second.Hits.Select(h => (h.DocumentId, h.Score, h.Chunk.Key)));
        Assert.Equal(first.AnswerTypes, second.AnswerTypes);
        Assert.Equal((await kb.SearchAsync("How is gout treated?", 5)).Hits.Select(h => h.DocumentId), second.Hits.Select(h => h.DocumentId));
    }

    [Fact]
    public void KeyFor_HashesModelWeightsModeDepthPositionAndQuery_NeverTheText()
    {
        var kb = fixture.Shared;
        var cache = new SearchResultCache(new RecordingHybridCache(), kb.Index, kb.Searcher, kb.Expander, "model-a");
        var key = cache.KeyFor("how is gout treated", 10, RetrievalMode.Hybrid, 7);

        Assert.DoesNotContain("gout", key, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(key, cache.KeyFor("how is gout treated", 10, RetrievalMode.Hybrid, 7));
        Assert.NotEqual(key, cache.KeyFor("how is gout treated", 10, RetrievalMode.Hybrid, 8));
        Assert.NotEqual(key, cache.KeyFor("how is gout treated", 5, RetrievalMode.Hybrid, 7));
        Assert.NotEqual(key, cache.KeyFor("how is gout treated", 10, RetrievalMode.Dense, 7));
        Assert.NotEqual(key, cache.KeyFor("how is gout treated?", 10, RetrievalMode.Hybrid, 7));
        Assert.NotEqual(key, new SearchResultCache(new RecordingHybridCache(), kb.Index, kb.Searcher, kb.Expander, "model-b").KeyFor("how is gout treated", 10, RetrievalMode.Hybrid, 7));
        var reweighted = kb.SearcherWith(kb.Searcher.Options with { TitleWeight = 0.3f });
        Assert.NotEqual(key, new SearchResultCache(new RecordingHybridCache(), kb.Index, reweighted, kb.Expander, "model-a").KeyFor("how is gout treated", 10, RetrievalMode.Hybrid, 7));
    }

    [Fact]
    public async Task Search_AfterTheKnowledgeBaseChanges_RanksAfreshAndFindsTheNewDocument()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("a.md", "# Plovastatin myopathy\n\nPlovastatin myopathy is managed by stopping plovastatin and checking creatine kinase.");
        await kb.IngestAsync(kb.Sources.Root);
        var store = new RecordingHybridCache();
        var cache = new SearchResultCache(store, kb.Index, kb.Searcher, kb.Expander, MiniLmEmbeddingGenerator.ModelId);
        const string question = "how is plovastatin myopathy managed";
        Assert.Equal(["a.md"], (await cache.SearchAsync(question, 5, RetrievalMode.Hybrid, Ct)).Hits.Select(h => h.DocumentId));

        kb.Sources.Write("b.md", "# Plovastatin myopathy management\n\nHow plovastatin myopathy is managed: stop plovastatin, check creatine kinase, give fluids.");
        await kb.IngestAsync(kb.Sources.Root);
        var after = await cache.SearchAsync(question, 5, RetrievalMode.Hybrid, Ct);

        Assert.Equal(2, store.Computed);
        Assert.Contains("b.md", after.Hits.Select(h => h.DocumentId));
    }

    [Fact]
    public async Task EmbedQuery_ThroughAHybridCache_EmbedsOnceUnderAHashedKey()
    {
        var kb = fixture.Shared;
        var store = new RecordingHybridCache();
        var embeddings = new CachingEmbeddingGenerator(fixture.Model, kb.Store, MiniLmEmbeddingGenerator.ModelId, store);

        var first = await embeddings.EmbedQueryAsync("how is gout treated", Ct);
        var second = await embeddings.EmbedQueryAsync("how is gout treated", Ct);

        Assert.Equal(first, second);
        Assert.Equal(1, store.Computed);
        var key = Assert.Single(store.Keys);
        Assert.Equal("query-embedding:" + embeddings.KeyFor("how is gout treated"), key);
    }

    [Fact]
    public void VectorCacheSerializer_RoundTripsTheFloatsExactly()
    {
        var serializer = new VectorCacheSerializer();
        var vector = new[] { 0.1f, -2.5f, float.Epsilon, 384f };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        serializer.Serialize(vector, buffer);

        Assert.Equal(vector.Length * sizeof(float), buffer.WrittenCount);
        Assert.Equal(vector, serializer.Deserialize(new System.Buffers.ReadOnlySequence<byte>(buffer.WrittenMemory)));
    }

    /// <summary>A HybridCache that keeps values in a dictionary and counts how often a value had to be computed.</summary>
    private sealed class RecordingHybridCache : HybridCache
    {
        private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

        public int Computed { get; private set; }

        public IReadOnlyCollection<string> Keys => _values.Keys;

        public override async ValueTask<T> GetOrCreateAsync<TState, T>(
            string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, HybridCacheEntryOptions? options = null,
            IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
        {
            if (_values.TryGetValue(key, out var cached))
            {
                return (T)cached!;
            }

            Computed++;
            var value = await factory(state, cancellationToken);
            _values[key] = value;
            return value;
        }

        public override ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
        {
            _values[key] = value;
            return ValueTask.CompletedTask;
        }

        public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
        {
            _values.Remove(key);
            return ValueTask.CompletedTask;
        }

        public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
