using ClinChat.Ingestion;
using ClinChat.Retrieval.Answering;
using ClinChat.Retrieval.Embeddings;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Retrieval.Search;
using ClinChat.Storage;
using ClinChat.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace ClinChat.Retrieval.Tests;

/// <summary>
/// The real MiniLM model, loaded once for every test that embeds, and a knowledge base of the synthetic corpus that
/// read-only tests share. Tests that change a knowledge base make their own with <see cref="CreateEmptyAsync"/>.
/// </summary>
public sealed class KnowledgeBaseFixture : IAsyncLifetime
{
    private readonly List<TestKnowledgeBase> _created = [];

    public MiniLmEmbeddingGenerator Model { get; } = new();

    public TestKnowledgeBase Shared { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Shared = await CreateEmptyAsync();
        SyntheticCorpus.WriteTo(Shared.Sources);
        var report = await Shared.IngestAsync(Shared.Sources.Root);
        if (report.Failed > 0 || report.Added != SyntheticCorpus.Files.Count)
        {
            throw new InvalidOperationException("The synthetic corpus did not ingest cleanly: " + string.Join("; ", report.Errors));
        }
    }

    public async Task<TestKnowledgeBase> CreateEmptyAsync(RankingOptions? ranking = null, QueryExpander? expander = null)
    {
        var knowledgeBase = await TestKnowledgeBase.CreateAsync(Model, ranking, expander);
        _created.Add(knowledgeBase);
        return knowledgeBase;
    }

    public Task DisposeAsync()
    {
        foreach (var knowledgeBase in _created)
        {
            knowledgeBase.Dispose();
        }

        Model.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(nameof(ModelCollection))]
public sealed class ModelCollection : ICollectionFixture<KnowledgeBaseFixture>;

/// <summary>The ingestion, search and answer pipeline over a temporary SQLite store, wired as the host wires it.</summary>
public sealed class TestKnowledgeBase : IDisposable
{
    private TestKnowledgeBase(string root, IEmbeddingGenerator<string, Embedding<float>> model, RankingOptions ranking, QueryExpander expander)
    {
        Root = root;
        Sources = new TempFolder(Path.Combine(root, "sources"));
        Store = new SqliteKnowledgeStore(Path.Combine(root, "data", "clinchat.db"), TimeProvider.System);
        Index = new KnowledgeIndex(Store);
        Embeddings = new CachingEmbeddingGenerator(model, Store, MiniLmEmbeddingGenerator.ModelId);
        KnowledgeBase = new KnowledgeBase(Store, Index, Embeddings, new TextChunker(new ChunkingOptions()), TimeProvider.System);
        Expander = expander;
        Searcher = new HybridSearcher(Index, Embeddings, expander, ranking);
        Composer = new AnswerComposer(Index.Lexical.Analyzer, new AnswerOptions());
    }

    public string Root { get; }

    public TempFolder Sources { get; }

    public SqliteKnowledgeStore Store { get; }

    public KnowledgeIndex Index { get; }

    public CachingEmbeddingGenerator Embeddings { get; }

    public KnowledgeBase KnowledgeBase { get; }

    public QueryExpander Expander { get; }

    public HybridSearcher Searcher { get; }

    public AnswerComposer Composer { get; }

    private static CancellationToken Ct => CancellationToken.None;

    public static async Task<TestKnowledgeBase> CreateAsync(IEmbeddingGenerator<string, Embedding<float>> model, RankingOptions? ranking, QueryExpander? expander)
    {
        var root = Path.Combine(Path.GetTempPath(), "clinchat-retrieval-" + Guid.NewGuid().ToString("N"));
        var knowledgeBase = new TestKnowledgeBase(
            root,
            model,
            ranking ?? new RankingOptions(),
            expander ?? new QueryExpander(QueryExpander.LoadBuiltInAbbreviations(), []));
        await knowledgeBase.Store.MigrateAsync(Ct);
        await knowledgeBase.Index.EnsureLoadedAsync(Ct);
        return knowledgeBase;
    }

    /// <summary>A searcher over the same indexes with other weights or dictionaries.</summary>
    public HybridSearcher SearcherWith(RankingOptions ranking, QueryExpander? expander = null) =>
        new(Index, Embeddings, expander ?? Expander, ranking);

    public Task<IngestionReport> IngestAsync(params string[] paths) => KnowledgeBase.IngestPathsAsync(paths, progress: null, Ct);

    public Task<SearchOutcome> SearchAsync(string question, int top = 10, RetrievalMode mode = RetrievalMode.Hybrid) =>
        Searcher.SearchAsync(question, top, mode, Ct);

    /// <summary>The host's ask pipeline (AskService): a hybrid search for a few more passages than the composer reads.</summary>
    public async Task<GroundedAnswer> AskAsync(string question)
    {
        var outcome = await Searcher.SearchAsync(question, Composer.Options.MaxPassages + 2, RetrievalMode.Hybrid, Ct);
        return Composer.Compose(question, outcome);
    }

    public async Task<List<IndexedChunk>> StoredChunksAsync(string documentId)
    {
        var chunks = new List<IndexedChunk>();
        await foreach (var chunk in Store.ReadChunksAsync(documentId, Ct))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    public void Dispose()
    {
        Index.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test that produced it.
        }
    }
}

/// <summary>A folder of synthetic source files.</summary>
public sealed class TempFolder
{
    public TempFolder(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
    }

    public string Root { get; }

    public string Write(string relativePath, string text) => WriteBytes(relativePath, System.Text.Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
