namespace ClinChat.Storage;

/// <summary>A document as stored: its canonical text is what every citation quotes from.</summary>
public sealed record StoredDocument(
    string Id,
    string Title,
    string? Url,
    string Format,
    string ContentHash,
    string Text,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset UpdatedAt);

/// <summary>A document without its text, for listings.</summary>
public sealed record DocumentSummary(string Id, string Title, string? Url, string Format, int Chunks, DateTimeOffset UpdatedAt);

/// <summary>A chunk to store with the embedding of its indexed text (title, section and chunk text).</summary>
public sealed record ChunkRecord(int Ordinal, int Start, int Length, string Text, string? Section, string EmbeddingKey);

/// <summary>A stored chunk joined with its document title and its vector, as the indexes load it.</summary>
public sealed record IndexedChunk(
    long Key,
    string DocumentId,
    string Title,
    string? Url,
    int Ordinal,
    int Start,
    string Text,
    string? Section,
    float[]? Vector);

public enum UpsertOutcome
{
    Added,
    Updated,
    Unchanged,
}

/// <summary>One entry of the change feed that replicas and the in-process indexes follow.</summary>
public sealed record KnowledgeChange(long Sequence, string DocumentId, bool Deleted);

public sealed record KnowledgeStats(int Documents, int Chunks, int Embeddings, DateTimeOffset? LastUpdate, long ChangeSequence);

public sealed record IngestionJob(
    string Id,
    string Status,
    int Total,
    int Processed,
    int Added,
    int Updated,
    int Skipped,
    int Failed,
    IReadOnlyList<string> Errors,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);
