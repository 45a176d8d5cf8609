namespace ClinChat.Storage;

/// <summary>
/// The storage seam: documents, chunks, embeddings and ingestion jobs. SQLite is the embedded default;
/// a PostgreSQL provider implements the same contract.
/// </summary>
public interface IKnowledgeStore
{
    /// <summary>Creates or upgrades the schema. Run at start only in embedded mode.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<string?> GetContentHashAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>Replaces a document and all its chunks in one transaction and appends to the change feed.</summary>
    Task<UpsertOutcome> UpsertDocumentAsync(StoredDocument document, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken);

    Task<bool> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken);

    Task<StoredDocument?> GetDocumentAsync(string documentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DocumentSummary>> ListDocumentsAsync(int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Streams every chunk (or one document's) with its title and cached vector, in key order.</summary>
    IAsyncEnumerable<IndexedChunk> ReadChunksAsync(string? documentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<KnowledgeChange>> GetChangesSinceAsync(long sequence, CancellationToken cancellationToken);

    Task<KnowledgeStats> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>Looks up cached vectors by embedding key (a hash of model and text).</summary>
    Task<IReadOnlyDictionary<string, float[]>> GetEmbeddingsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    Task PutEmbeddingsAsync(IReadOnlyCollection<KeyValuePair<string, float[]>> embeddings, CancellationToken cancellationToken);

    Task SaveJobAsync(IngestionJob job, CancellationToken cancellationToken);

    Task<IngestionJob?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>True when the store answers a trivial query (readiness).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
