using ClinChat.Ingestion;
using ClinChat.Retrieval.Answering;
using ClinChat.Retrieval.Embeddings;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Retrieval.Search;
using ClinChat.Storage;
using ClinChat.Storage.Database;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinChat.Hosting;

/// <summary>Settings of the knowledge base engines, bound from the <c>ClinChat</c> configuration section.</summary>
internal sealed class KnowledgeOptions
{
    public const string Section = "ClinChat";

    /// <summary>Where the embedded store lives (<c>--data-dir</c>, <c>CLINCHAT_DATA_DIR</c>).</summary>
    public string DataDirectory { get; set; } = "data";

    public string Disclaimer { get; set; } = AnswerOptions.DefaultDisclaimer;

    public float MinEvidence { get; set; } = new AnswerOptions().MinEvidence;

    /// <summary>ONNX Runtime intra-op threads for the embedding model (0: one per core, at most 4).</summary>
    public int EmbeddingThreads { get; set; }

    /// <summary>Load the starter knowledge base when the store is empty at start (serve only).</summary>
    public bool SeedStarterKnowledgeBase { get; set; } = true;

    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), "clinchat.db");
}

/// <summary>The engines behind search and answers, shared by the CLI and the web host.</summary>
internal static class KnowledgeServices
{
    public static IServiceCollection AddKnowledge(this IServiceCollection services, KnowledgeOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton<StoreDatabase>(_ => new SqliteStoreDatabase(options.DatabasePath));
        services.TryAddSingleton<IKnowledgeStore>(sp => new KnowledgeStore(sp.GetRequiredService<StoreDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new MiniLmEmbeddingGenerator(options.EmbeddingThreads));
        services.TryAddSingleton(sp => new CachingEmbeddingGenerator(
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IKnowledgeStore>(),
            MiniLmEmbeddingGenerator.ModelId,
            QueryCache(sp)));
        services.TryAddSingleton<KnowledgeIndex>();
        services.TryAddSingleton(_ => new RankingOptions());
        services.TryAddSingleton(sp => new QueryExpander(QueryExpander.LoadBuiltInAbbreviations(), DrugBrands(sp)));
        services.TryAddSingleton<HybridSearcher>();
        services.TryAddSingleton(_ => new AnswerOptions { Disclaimer = options.Disclaimer, MinEvidence = options.MinEvidence });
        services.TryAddSingleton(sp =>
        {
            var lexical = sp.GetRequiredService<KnowledgeIndex>().Lexical;
            return new AnswerComposer(lexical.Analyzer, sp.GetRequiredService<AnswerOptions>(), lexical.Rarity);
        });
        services.TryAddSingleton(_ => new TextChunker(new ChunkingOptions()));
        services.TryAddSingleton<KnowledgeBase>();
        services.TryAddSingleton<AskService>();
        return services;
    }

    /// <summary>
    /// The server's shared cache for query vectors (<c>AddRedis</c>), only while questions are screened for PHI: a vector is
    /// derived from its text. The CLI has none and keeps its in-process map.
    /// </summary>
    private static HybridCache? QueryCache(IServiceProvider services) =>
        services.GetService<Phi.PhiScreeningOptions>()?.ScreenQuestions == true ? services.GetService<HybridCache>() : null;

    /// <summary>Brand → ingredient pairs for query expansion: the interaction knowledge base's reviewed brand table.</summary>
    private static IEnumerable<(string Brand, string Generic)> DrugBrands(IServiceProvider services)
    {
        var brands = services.GetService<Interactions.InteractionEngine>()?.Brands ?? Interactions.Knowledge.DrugKnowledgeBase.Default.Brands;
        return brands.SelectMany(b => b.Value.Select(ingredient => (b.Key, ingredient)));
    }
}
