using ClinChat.Retrieval.Search;
using ClinChat.Storage;

namespace ClinChat.Retrieval.Indexing;

/// <summary>A chunk as the searcher sees it: where it sits in its document and what kind of answer it gives.</summary>
public sealed record ChunkEntry(long Key, string DocumentId, string Title, string? Url, int Ordinal, int Start, string Text, string? Section, float[] Profile);

/// <summary>
/// The in-memory lexical and dense indexes over every stored chunk. Built from storage at start (nothing to lose
/// if the process dies) and kept current by following the store's change feed.
/// </summary>
public sealed class KnowledgeIndex : IDisposable
{
    private readonly IKnowledgeStore _store;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, ChunkEntry> _chunks = [];
    private readonly Dictionary<string, List<long>> _chunksByDocument = new(StringComparer.Ordinal);
    private readonly Lock _entriesGate = new();
    private long _sequence = -1;

    public KnowledgeIndex(IKnowledgeStore store)
    {
        _store = store;
        Lexical = new LexicalIndex();
        Dense = new DenseIndex(Embeddings.MiniLmEmbeddingGenerator.Dimensions);
    }

    public LexicalIndex Lexical { get; }

    public DenseIndex Dense { get; }

    public bool IsLoaded => Volatile.Read(ref _sequence) >= 0;

    public long Sequence => Volatile.Read(ref _sequence);

    public int DocumentCount
    {
        get
        {
            lock (_entriesGate)
            {
                return _chunksByDocument.Count;
            }
        }
    }

    public int ChunkCount
    {
        get
        {
            lock (_entriesGate)
            {
                return _chunks.Count;
            }
        }
    }

    public bool ContainsDocument(string documentId)
    {
        lock (_entriesGate)
        {
            return _chunksByDocument.ContainsKey(documentId);
        }
    }

    public ChunkEntry? GetChunk(long key)
    {
        lock (_entriesGate)
        {
            return _chunks.GetValueOrDefault(key);
        }
    }

    /// <summary>The chunks just before and after one in its document, for reading a passage in context.</summary>
    public (ChunkEntry? Previous, ChunkEntry? Next) Neighbours(ChunkEntry chunk)
    {
        lock (_entriesGate)
        {
            if (!_chunksByDocument.TryGetValue(chunk.DocumentId, out var keys))
            {
                return (null, null);
            }

            ChunkEntry? previous = null;
            ChunkEntry? next = null;
            foreach (var key in keys)
            {
                if (_chunks.TryGetValue(key, out var entry))
                {
                    if (entry.Ordinal == chunk.Ordinal - 1)
                    {
                        previous = entry;
                    }
                    else if (entry.Ordinal == chunk.Ordinal + 1)
                    {
                        next = entry;
                    }
                }
            }

            return (previous, next);
        }
    }

    /// <summary>
    /// Builds both indexes from storage, once. Later calls return at once: writers through <c>KnowledgeBase</c> catch
    /// the index up themselves and the server follows other processes' writes in the background, so no query pays
    /// a store round trip (or waits on the index lock) to look for changes.
    /// </summary>
    public async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (IsLoaded)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (IsLoaded)
            {
                return;
            }

            // Read the feed position first: a change landing during the load is then replayed, never missed.
            var stats = await _store.GetStatsAsync(cancellationToken);
            await foreach (var chunk in _store.ReadChunksAsync(null, cancellationToken))
            {
                AddChunk(chunk);
            }

            Lexical.Refresh();
            Volatile.Write(ref _sequence, stats.ChangeSequence);
        }
        finally
        {
            _gate.Release();
        }

        await CatchUpAsync(cancellationToken);
    }

    /// <summary>Applies every change recorded since the last one seen; returns how many documents changed.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var changes = await _store.GetChangesSinceAsync(_sequence, cancellationToken);
            if (changes.Count == 0)
            {
                return 0;
            }

            var documents = changes.Select(c => c.DocumentId).Distinct(StringComparer.Ordinal).ToList();
            foreach (var documentId in documents)
            {
                RemoveDocument(documentId);
                await foreach (var chunk in _store.ReadChunksAsync(documentId, cancellationToken))
                {
                    AddChunk(chunk);
                }
            }

            Lexical.Refresh();
            Volatile.Write(ref _sequence, changes[^1].Sequence);
            return documents.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void AddChunk(IndexedChunk chunk)
    {
        var entry = new ChunkEntry(chunk.Key, chunk.DocumentId, chunk.Title, chunk.Url, chunk.Ordinal, chunk.Start, chunk.Text, chunk.Section, AnswerTypes.Profile(chunk.Text));
        lock (_entriesGate)
        {
            _chunks[chunk.Key] = entry;
            if (!_chunksByDocument.TryGetValue(chunk.DocumentId, out var keys))
            {
                _chunksByDocument[chunk.DocumentId] = keys = [];
            }

            keys.Add(chunk.Key);
        }

        Lexical.Add(chunk);
        if (chunk.Vector is { Length: Embeddings.MiniLmEmbeddingGenerator.Dimensions })
        {
            Dense.Add(chunk.Key, chunk.DocumentId, chunk.Vector);
        }
    }

    private void RemoveDocument(string documentId)
    {
        lock (_entriesGate)
        {
            if (_chunksByDocument.Remove(documentId, out var keys))
            {
                foreach (var key in keys)
                {
                    _chunks.Remove(key);
                }
            }
        }

        Lexical.DeleteDocument(documentId);
        Dense.DeleteDocument(documentId);
    }

    public void Dispose()
    {
        Lexical.Dispose();
        _gate.Dispose();
    }
}
