using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Caching.Hybrid;

namespace ClinChat.Retrieval.Embeddings;

/// <summary>Query vectors in the cache as their raw little-endian floats (1.5 KiB for MiniLM), not as JSON text.</summary>
public sealed class VectorCacheSerializer : IHybridCacheSerializer<float[]>
{
    public float[] Deserialize(ReadOnlySequence<byte> source)
    {
        if (source.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException("A cached vector is not a whole number of floats.");
        }

        var vector = new float[source.Length / sizeof(float)];
        source.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        return vector;
    }

    public void Serialize(float[] value, IBufferWriter<byte> target) => target.Write(MemoryMarshal.AsBytes(value.AsSpan()));
}
