namespace ClinChat.Ingestion;

/// <summary>
/// Chunk sizes in words. The defaults suit all-MiniLM-L6-v2, which was trained on short passages (128 word pieces):
/// ~80-word chunks embed whole, cost less attention per chunk than 120-word ones (43 vs 28 chunks/s here) and retrieve
/// as well (docs/benchmarks.md).
/// </summary>
public sealed record ChunkingOptions
{
    /// <summary>Chunks grow sentence by sentence until the next one would pass this size.</summary>
    public int TargetWords { get; init; } = 80;

    /// <summary>Hard limit; only a single longer sentence is cut (on word boundaries) to respect it.</summary>
    public int MaxWords { get; init; } = 130;

    /// <summary>Sentences repeated at the start of the next chunk of the same section.</summary>
    public int OverlapSentences { get; init; } = 1;

    internal void Validate()
    {
        if (TargetWords < 1)
        {
            throw new ArgumentException($"{nameof(ChunkingOptions)}.{nameof(TargetWords)} must be at least 1 (was {TargetWords}).");
        }

        if (MaxWords < TargetWords)
        {
            throw new ArgumentException(
                $"{nameof(ChunkingOptions)}.{nameof(MaxWords)} ({MaxWords}) must not be less than {nameof(TargetWords)} ({TargetWords}).");
        }

        if (OverlapSentences < 0)
        {
            throw new ArgumentException(
                $"{nameof(ChunkingOptions)}.{nameof(OverlapSentences)} must not be negative (was {OverlapSentences}).");
        }
    }
}
