using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;

namespace ClinChat.Redis;

/// <summary>
/// The cache's Redis level, skipped while the multiplexer is disconnected: a miss and a dropped write, at once, instead of
/// a failing command per request (which HybridCache would survive, but log as an error each time). The outage itself is
/// logged once by <see cref="RedisConnection"/>.
/// </summary>
internal sealed class ConnectedRedisCache(IBufferDistributedCache inner, RedisConnection redis) : IBufferDistributedCache, IDisposable
{
    private bool Connected => redis.Multiplexer?.IsConnected == true;

    public byte[]? Get(string key) => Connected ? inner.Get(key) : null;

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Connected ? inner.GetAsync(key, token) : Task.FromResult<byte[]?>(null);

    public bool TryGet(string key, IBufferWriter<byte> destination) => Connected && inner.TryGet(key, destination);

    public ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default) =>
        Connected ? inner.TryGetAsync(key, destination, token) : ValueTask.FromResult(false);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (Connected)
        {
            inner.Set(key, value, options);
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Connected ? inner.SetAsync(key, value, options, token) : Task.CompletedTask;

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        if (Connected)
        {
            inner.Set(key, value, options);
        }
    }

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Connected ? inner.SetAsync(key, value, options, token) : ValueTask.CompletedTask;

    public void Refresh(string key)
    {
        if (Connected)
        {
            inner.Refresh(key);
        }
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Connected ? inner.RefreshAsync(key, token) : Task.CompletedTask;

    public void Remove(string key)
    {
        if (Connected)
        {
            inner.Remove(key);
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default) => Connected ? inner.RemoveAsync(key, token) : Task.CompletedTask;

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
