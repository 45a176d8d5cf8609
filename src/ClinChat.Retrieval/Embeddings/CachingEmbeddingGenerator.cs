using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ClinChat.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Hybrid;

namespace ClinChat.Retrieval.Embeddings;

/// <summary>
/// Caches vectors by model and text hash: passages in the store (so a restart or a re-ingestion never re-embeds),
/// queries in <paramref name="queryCache"/> when given (the server: memory, then Redis shared by the replicas), else in
/// a small in-memory map. Query text is never the key itself, only its hash.
/// </summary>
/// <param name="queryCache">Only for queries already screened for PHI: the vector of a text is derived from it.</param>
public sealed class CachingEmbeddingGenerator(
    IEmbeddingGenerator<string, Embedding<float>> inner, IKnowledgeStore store, string modelId, HybridCache? queryCache = null)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private const int MaxQueryEntries = 4096;

    private static readonly HybridCacheEntryOptions QueryEntry = new()
    {
        Expiration = TimeSpan.FromHours(1),
        LocalCacheExpiration = TimeSpan.FromMinutes(10),
    };

    private readonly ConcurrentDictionary<string, float[]> _queries = new();

    public string ModelId { get; } = modelId;

    public string KeyFor(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ModelId + "\n" + text));
        return Convert.ToHexStringLower(hash.AsSpan(0, 20));
    }

    /// <summary>Embeds passages, reusing and filling the persistent cache; returns vectors keyed by <see cref="KeyFor"/>.</summary>
    public async Task<IReadOnlyDictionary<string, float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var keys = texts.Select(KeyFor).ToArray();
        var found = new Dictionary<string, float[]>(await store.GetEmbeddingsAsync(keys.Distinct().ToArray(), cancellationToken));
        var missing = new List<(string Key, string Text)>();
        var seen = new HashSet<string>(found.Keys);
        for (var i = 0; i < texts.Count; i++)
        {
            if (seen.Add(keys[i]))
            {
                missing.Add((keys[i], texts[i]));
            }
        }

        if (missing.Count > 0)
        {
            var generated = await InnerGenerator.GenerateAsync(missing.Select(m => m.Text), cancellationToken: cancellationToken);
            var fresh = new List<KeyValuePair<string, float[]>>(missing.Count);
            for (var i = 0; i < missing.Count; i++)
            {
                var vector = generated[i].Vector.ToArray();
                found[missing[i].Key] = vector;
                fresh.Add(new(missing[i].Key, vector));
            }

            await store.PutEmbeddingsAsync(fresh, cancellationToken);
        }

        return found;
    }

    /// <summary>Embeds a (redacted) query, with a cache keyed by hash.</summary>
    public async Task<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken)
    {
        var key = KeyFor(query);
        if (queryCache is not null)
        {
            return await queryCache.GetOrCreateAsync(
                "query-embedding:" + key,
                (Generator: InnerGenerator, Query: query),
                static async (state, cancel) => (await state.Generator.GenerateAsync([state.Query], cancellationToken: cancel))[0].Vector.ToArray(),
                QueryEntry,
                cancellationToken: cancellationToken);
        }

        if (_queries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var generated = await InnerGenerator.GenerateAsync([query], cancellationToken: cancellationToken);
        var vector = generated[0].Vector.ToArray();
        if (_queries.Count >= MaxQueryEntries)
        {
            _queries.Clear();
        }

        _queries[key] = vector;
        return vector;
    }

    /// <summary>Forgets cached query vectors (evaluation measures latency with a cold cache).</summary>
    public void ClearQueryCache() => _queries.Clear();
}
