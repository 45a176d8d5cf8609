using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using ClinChat.Retrieval.Indexing;
using Microsoft.Extensions.Caching.Hybrid;

namespace ClinChat.Retrieval.Search;

/// <summary>One cached hit: which chunk and the scores it earned. Never the chunk's text.</summary>
[ImmutableObject(true)]
public sealed record CachedHit(long ChunkKey, float Score, float DenseSimilarity, float LexicalScore);

/// <summary>A cached ranking: the hits of one query at one knowledge base version (immutable: the memory level shares it).</summary>
[ImmutableObject(true)]
public sealed record CachedHits(long Sequence, IReadOnlyList<CachedHit> Hits);

/// <summary>
/// Search results through a <see cref="HybridCache"/> (memory, then Redis shared by the replicas). Only for queries already
/// screened for PHI. The key is a hash of the ranking version (model and weights), the retrieval mode and depth, the
/// index's change-feed position and the query, so a knowledge base change makes every older entry unreachable and
/// stale hits are never served. Entries hold chunk keys and scores only: the hits are rebuilt from this process's own
/// index, so no document text goes to Redis.
/// </summary>
public sealed class SearchResultCache
{
    /// <summary>Bump when the cached shape or the meaning of a score changes.</summary>
    private const string FormatVersion = "search-v1";

    private static readonly HybridCacheEntryOptions Entry = new()
    {
        Expiration = TimeSpan.FromMinutes(10),
        LocalCacheExpiration = TimeSpan.FromMinutes(2),
    };

    private readonly HybridCache _cache;
    private readonly KnowledgeIndex _index;
    private readonly HybridSearcher _searcher;
    private readonly QueryExpander _expander;
    private readonly string _version;

    public SearchResultCache(HybridCache cache, KnowledgeIndex index, HybridSearcher searcher, QueryExpander expander, string modelId)
    {
        _cache = cache;
        _index = index;
        _searcher = searcher;
        _expander = expander;
        _version = FormatVersion + "\n" + modelId + "\n" + searcher.Options;
    }

    /// <summary>The cache key of a query: a hash, never the text.</summary>
    public string KeyFor(string screenedQuery, int top, RetrievalMode mode, long sequence)
    {
        var material = string.Join('\n', _version, mode, top, sequence, screenedQuery);
        return "search:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)).AsSpan(0, 20));
    }

    public async Task<SearchOutcome> SearchAsync(string screenedQuery, int top, RetrievalMode mode, CancellationToken cancellationToken)
    {
        var sequence = _index.Sequence;
        var cached = await _cache.GetOrCreateAsync(
            KeyFor(screenedQuery, top, mode, sequence),
            (Searcher: _searcher, Query: screenedQuery, Top: top, Mode: mode, Sequence: sequence),
            static async (state, cancel) =>
            {
                var outcome = await state.Searcher.SearchAsync(state.Query, state.Top, state.Mode, cancel);
                return new CachedHits(state.Sequence, outcome.Hits.Select(h => new CachedHit(h.Chunk.Key, h.Score, h.DenseSimilarity, h.LexicalScore)).ToList());
            },
            Entry,
            cancellationToken: cancellationToken);

        var hits = new List<SearchHit>(cached.Hits.Count);
        foreach (var hit in cached.Hits)
        {
            if (_index.GetChunk(hit.ChunkKey) is not { } chunk)
            {
                // The index moved on while the entry was computed: rank afresh rather than serve a partial list.
                return await _searcher.SearchAsync(screenedQuery, top, mode, cancellationToken);
            }

            hits.Add(new SearchHit(chunk.DocumentId, chunk.Title, chunk.Url, hit.Score, chunk, hit.DenseSimilarity, hit.LexicalScore));
        }

        // Expansions and answer types are pure functions of the query: recomputed, not cached.
        return new SearchOutcome(hits, _expander.Expand(screenedQuery), AnswerTypes.Classify(screenedQuery));
    }
}
