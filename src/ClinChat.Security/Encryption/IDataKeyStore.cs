namespace ClinChat.Security.Encryption;

/// <summary>A data key as stored: only its wrapped (encrypted under the master key) form.</summary>
public sealed record WrappedDataKey(
    string KeyId,
    byte[] Wrapped,
    string MasterKeyId,
    DateTimeOffset CreatedAt,
    DateTimeOffset WrappedAt,
    bool Active);

/// <summary>Storage of wrapped data keys (<see cref="DataKeyStore"/>: SQLite or PostgreSQL).</summary>
public interface IDataKeyStore
{
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<WrappedDataKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces all given keys in one transaction (a rotation is all or nothing).</summary>
    Task SaveAsync(IReadOnlyList<WrappedDataKey> keys, CancellationToken cancellationToken);

    /// <summary>Stores the first data key of an empty store; false when another process stored one first.</summary>
    Task<bool> TryAddFirstAsync(WrappedDataKey key, CancellationToken cancellationToken);
}
