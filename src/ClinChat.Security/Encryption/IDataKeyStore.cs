namespace ClinChat.Security.Encryption;

/// <summary>A data key as stored: only its wrapped (encrypted under the master key) form.</summary>
public sealed record WrappedDataKey(
    string KeyId,
    byte[] Wrapped,
    string MasterKeyId,
    DateTimeOffset CreatedAt,
    DateTimeOffset WrappedAt,
    bool Active);

/// <summary>Storage of wrapped data keys (SQLite now, PostgreSQL later).</summary>
public interface IDataKeyStore
{
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<WrappedDataKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces all given keys in one transaction (a rotation is all or nothing).</summary>
    Task SaveAsync(IReadOnlyList<WrappedDataKey> keys, CancellationToken cancellationToken);
}
