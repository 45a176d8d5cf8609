using System.Numerics.Tensors;

namespace ClinChat.Retrieval.Indexing;

/// <summary>
/// Exact inner-product search over normalised vectors in one contiguous array (SIMD via TensorPrimitives).
/// At tens of thousands of chunks a full scan costs a few milliseconds, so an approximate index is not needed yet.
/// Deletions leave tombstones that are compacted away once they are a quarter of the rows.
/// </summary>
public sealed class DenseIndex(int dimensions)
{
    private readonly Lock _gate = new();
    private float[] _vectors = new float[dimensions * 1024];
    private long[] _keys = new long[1024];
    private string?[] _documents = new string?[1024];
    private int _count;
    private int _tombstones;
    private readonly Dictionary<string, List<int>> _rowsByDocument = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count - _tombstones;
            }
        }
    }

    public void Add(long key, string documentId, ReadOnlySpan<float> vector)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"Expected a vector of {dimensions} dimensions, got {vector.Length}.", nameof(vector));
        }

        lock (_gate)
        {
            if (_count == _keys.Length)
            {
                Array.Resize(ref _keys, _keys.Length * 2);
                Array.Resize(ref _documents, _documents.Length * 2);
                Array.Resize(ref _vectors, _vectors.Length * 2);
            }

            vector.CopyTo(_vectors.AsSpan(_count * dimensions, dimensions));
            _keys[_count] = key;
            _documents[_count] = documentId;
            if (!_rowsByDocument.TryGetValue(documentId, out var rows))
            {
                _rowsByDocument[documentId] = rows = [];
            }

            rows.Add(_count);
            _count++;
        }
    }

    public void DeleteDocument(string documentId)
    {
        lock (_gate)
        {
            if (!_rowsByDocument.Remove(documentId, out var rows))
            {
                return;
            }

            foreach (var row in rows)
            {
                _documents[row] = null;
                _tombstones++;
            }

            if (_tombstones > 1024 && _tombstones * 4 > _count)
            {
                Compact();
            }
        }
    }

    /// <summary>Top chunks by cosine similarity (vectors are unit length, so the dot product).</summary>
    public IReadOnlyList<(long Key, string DocumentId, float Score)> Search(ReadOnlySpan<float> query, int top)
    {
        lock (_gate)
        {
            var heap = new PriorityQueue<int, float>(top + 1);
            for (var row = 0; row < _count; row++)
            {
                if (_documents[row] is null)
                {
                    continue;
                }

                var score = TensorPrimitives.Dot(query, _vectors.AsSpan(row * dimensions, dimensions));
                if (heap.Count < top)
                {
                    heap.Enqueue(row, score);
                }
                else if (heap.TryPeek(out _, out var worst) && score > worst)
                {
                    heap.DequeueEnqueue(row, score);
                }
            }

            var results = new (long, string, float)[heap.Count];
            for (var i = results.Length - 1; i >= 0; i--)
            {
                heap.TryDequeue(out var row, out var score);
                results[i] = (_keys[row], _documents[row]!, score);
            }

            return results;
        }
    }

    private void Compact()
    {
        var write = 0;
        _rowsByDocument.Clear();
        for (var read = 0; read < _count; read++)
        {
            var document = _documents[read];
            if (document is null)
            {
                continue;
            }

            if (write != read)
            {
                _vectors.AsSpan(read * dimensions, dimensions).CopyTo(_vectors.AsSpan(write * dimensions, dimensions));
                _keys[write] = _keys[read];
                _documents[write] = document;
            }

            if (!_rowsByDocument.TryGetValue(document, out var rows))
            {
                _rowsByDocument[document] = rows = [];
            }

            rows.Add(write);
            write++;
        }

        Array.Clear(_documents, write, _count - write);
        _count = write;
        _tombstones = 0;
    }
}
