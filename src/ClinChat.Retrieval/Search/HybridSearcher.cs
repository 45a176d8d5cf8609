using ClinChat.Retrieval.Embeddings;
using ClinChat.Retrieval.Indexing;

namespace ClinChat.Retrieval.Search;

public enum RetrievalMode
{
    Hybrid,
    Lexical,
    Dense,
}

/// <summary>Ranking weights; defaults calibrated on the MedQuAD development questions (docs/benchmarks.md).</summary>
public sealed record RankingOptions
{
    public int Candidates { get; init; } = 200;

    public float RrfK { get; init; } = 60f;

    /// <summary>Weight of the reciprocal-rank fusion of the two lists (normalised to 0..1).</summary>
    public float RrfWeight { get; init; } = 1f;

    /// <summary>Weight of the BM25 score relative to the best BM25 score of the query (0..1).</summary>
    public float LexicalWeight { get; init; } = 0.5f;

    /// <summary>Weight of the dense cosine similarity (an absolute scale, so confident matches keep their lead).</summary>
    public float DenseWeight { get; init; } = 1f;

    public float AnswerTypeWeight { get; init; } = 0.6f;

    public float TitleWeight { get; init; } = 0.2f;

    /// <summary>Extra weight when the question repeats the title exactly, capitalisation included.</summary>
    public float ExactTitleWeight { get; init; } = 0.5f;

    public float TitleBoost { get; init; } = 1.5f;

    public float ExpansionWeight { get; init; } = 0.6f;

    /// <summary>
    /// Answer type and title re-rank documents whose title the question names, and others only when their dense
    /// similarity is within this margin of the best: they choose among answers about the same topic, and never lift
    /// a weak match over a clearly better one.
    /// </summary>
    public float RerankMargin { get; init; } = 0.15f;
}

/// <summary>One ranked document with the chunk that earned its place and the evidence measures behind it.</summary>
public sealed record SearchHit(string DocumentId, string Title, string? Url, float Score, ChunkEntry Chunk, float DenseSimilarity, float LexicalScore);

public sealed record SearchOutcome(IReadOnlyList<SearchHit> Hits, IReadOnlyList<QueryExpansion> Expansions, IReadOnlyList<AnswerType> AnswerTypes);

/// <summary>
/// Hybrid retrieval: BM25 and dense search over chunks, each collapsed to documents by their best chunk, fused by
/// reciprocal rank together with the two normalised scores (rank alone forgets how confident a match is), then
/// re-ranked by whether the passage gives the kind of answer asked for and whether the question names the document's topic.
/// </summary>
public sealed class HybridSearcher(KnowledgeIndex index, CachingEmbeddingGenerator embeddings, QueryExpander expander, RankingOptions options)
{
    public RankingOptions Options => options;

    public async Task<SearchOutcome> SearchAsync(string question, int top, RetrievalMode mode, CancellationToken cancellationToken)
    {
        var expansions = expander.Expand(question);
        var asked = AnswerTypes.Classify(question);
        var lexical = mode == RetrievalMode.Dense ? [] : SearchLexical(question, expansions);
        var dense = mode == RetrievalMode.Lexical ? [] : await SearchDenseAsync(question, expansions, cancellationToken);

        var candidates = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        Collect(candidates, lexical, isLexical: true);
        Collect(candidates, dense, isLexical: false);

        var questionText = Normalise(question);
        var maxRrf = 2f / (options.RrfK + 1);
        var maxLexical = lexical.Count == 0 ? 1f : Math.Max(lexical[0].Score, 1e-6f);
        var scored = new List<(Candidate Candidate, float Base)>(candidates.Count);
        foreach (var candidate in candidates.Values)
        {
            float score;
            if (mode == RetrievalMode.Lexical)
            {
                score = candidate.LexicalScore;
            }
            else if (mode == RetrievalMode.Dense)
            {
                score = candidate.DenseSimilarity;
            }
            else
            {
                var rrf = 0f;
                if (candidate.LexicalRank > 0)
                {
                    rrf += 1f / (options.RrfK + candidate.LexicalRank);
                }

                if (candidate.DenseRank > 0)
                {
                    rrf += 1f / (options.RrfK + candidate.DenseRank);
                }

                score = (options.RrfWeight * rrf / maxRrf)
                    + (options.LexicalWeight * candidate.LexicalScore / maxLexical)
                    + (options.DenseWeight * candidate.DenseSimilarity);
            }

            scored.Add((candidate, score));
        }

        var bestDense = scored.Count == 0 ? 0f : scored.Max(s => s.Candidate.DenseSimilarity);
        var ranked = new List<SearchHit>(scored.Count);
        foreach (var (candidate, baseScore) in scored)
        {
            var chunk = candidate.Chunk;
            var score = baseScore;
            if (mode == RetrievalMode.Hybrid)
            {
                // A question that names the document's title is about its topic; otherwise only near-equals in meaning compete.
                var titleMatch = TitleMatch(questionText, chunk.Title);
                var closeness = titleMatch > 0 || options.RerankMargin <= 0
                    ? 1f
                    : Math.Clamp(1f - ((bestDense - candidate.DenseSimilarity) / options.RerankMargin), 0f, 1f);
                score += closeness * (
                    (options.AnswerTypeWeight * AnswerTypes.Match(asked, chunk.Profile))
                    + (options.TitleWeight * titleMatch)
                    + (options.ExactTitleWeight * (chunk.Title.Length >= 3 && question.Contains(chunk.Title, StringComparison.Ordinal) ? 1f : 0f)));
            }

            ranked.Add(new SearchHit(chunk.DocumentId, chunk.Title, chunk.Url, score, chunk, candidate.DenseSimilarity, candidate.LexicalScore));
        }

        ranked.Sort((a, b) => b.Score.CompareTo(a.Score));
        return new SearchOutcome(ranked.Take(top).ToList(), expansions, asked);
    }

    private IReadOnlyList<(long Key, string DocumentId, float Score)> SearchLexical(string question, IReadOnlyList<QueryExpansion> expansions)
    {
        var weights = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var term in index.Lexical.Analyzer.Terms(question))
        {
            weights[term] = 1f;
        }

        foreach (var expansion in expansions)
        {
            var weight = expansion.Kind == "brand" ? 1f : options.ExpansionWeight;
            foreach (var term in index.Lexical.Analyzer.Terms(expansion.Expansion))
            {
                weights[term] = Math.Max(weights.GetValueOrDefault(term), weight);
            }
        }

        return index.Lexical.Search(weights.Select(w => (w.Key, w.Value)).ToList(), options.Candidates, options.TitleBoost);
    }

    private async Task<IReadOnlyList<(long Key, string DocumentId, float Score)>> SearchDenseAsync(
        string question, IReadOnlyList<QueryExpansion> expansions, CancellationToken cancellationToken)
    {
        var text = expansions.Count == 0
            ? question
            : question + " (" + string.Join("; ", expansions.Select(e => e.Expansion).Distinct(StringComparer.OrdinalIgnoreCase)) + ")";
        var vector = await embeddings.EmbedQueryAsync(text, cancellationToken);
        return index.Dense.Search(vector, options.Candidates);
    }

    private void Collect(Dictionary<string, Candidate> candidates, IReadOnlyList<(long Key, string DocumentId, float Score)> hits, bool isLexical)
    {
        var rank = 0;
        foreach (var (key, documentId, score) in hits)
        {
            var chunk = index.GetChunk(key);
            if (chunk is null)
            {
                continue;
            }

            if (!candidates.TryGetValue(documentId, out var candidate))
            {
                candidates[documentId] = candidate = new Candidate(chunk);
            }

            // Hits arrive best first, so the first chunk of a document carries its rank and score in this list.
            if (isLexical && candidate.LexicalRank == 0)
            {
                candidate.LexicalRank = ++rank;
                candidate.LexicalScore = score;
                if (candidate.DenseRank == 0)
                {
                    candidate.Chunk = chunk;
                }
            }
            else if (!isLexical && candidate.DenseRank == 0)
            {
                candidate.DenseRank = ++rank;
                candidate.DenseSimilarity = score;
                candidate.Chunk = chunk;
            }
        }
    }

    private static float TitleMatch(string question, string title)
    {
        var normalised = Normalise(title);
        // Both strings are normalised with a space on either side, so this matches whole words only.
        return normalised.Length >= 5 && question.Contains(normalised, StringComparison.Ordinal) ? 1f : 0f;
    }

    private static string Normalise(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length + 2).Append(' ');
        var space = true;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        if (!space)
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }

    private sealed class Candidate(ChunkEntry chunk)
    {
        public ChunkEntry Chunk { get; set; } = chunk;

        public int LexicalRank { get; set; }

        public float LexicalScore { get; set; }

        public int DenseRank { get; set; }

        public float DenseSimilarity { get; set; }
    }
}
