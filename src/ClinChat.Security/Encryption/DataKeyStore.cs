using ClinChat.Security.Audit;
using ClinChat.Storage.Database;

namespace ClinChat.Security.Encryption;

/// <summary>Wrapped data keys in the table <c>encryption_keys</c> of the shared store database (SQLite or PostgreSQL).</summary>
public sealed class DataKeyStore(StoreDatabase database) : IDataKeyStore
{
    public static readonly SchemaMigration Schema = new("encryption_keys", 1,
        Sqlite: """
            CREATE TABLE IF NOT EXISTS encryption_keys (
                key_id TEXT PRIMARY KEY,
                wrapped BLOB NOT NULL,
                master_key_id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                wrapped_at TEXT NOT NULL,
                active INTEGER NOT NULL
            );
            """,
        PostgreSql: """
            CREATE TABLE IF NOT EXISTS encryption_keys (
                key_id TEXT PRIMARY KEY,
                wrapped BYTEA NOT NULL,
                master_key_id TEXT NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                wrapped_at TEXT COLLATE "C" NOT NULL,
                active BIGINT NOT NULL
            );
            """);

    private const string WriteLock = "encryption_keys";

    public Task MigrateAsync(CancellationToken cancellationToken) => database.MigrateAsync(Schema, cancellationToken);

    public async Task<IReadOnlyList<WrappedDataKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT key_id, wrapped, master_key_id, created_at, wrapped_at, active FROM encryption_keys ORDER BY created_at, key_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<WrappedDataKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new WrappedDataKey(
                reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2),
                AuditEvent.ParseTime(reader.GetString(3)), AuditEvent.ParseTime(reader.GetString(4)), reader.GetInteger(5) != 0));
        }

        return result;
    }

    public async Task SaveAsync(IReadOnlyList<WrappedDataKey> keys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginSerializedAsync(connection, WriteLock, cancellationToken);
        await UpsertAsync(connection, transaction, keys, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> TryAddFirstAsync(WrappedDataKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginSerializedAsync(connection, WriteLock, cancellationToken);
        var count = Convert.ToInt64(await connection.ScalarAsync("SELECT COUNT(*) FROM encryption_keys", cancellationToken, transaction), System.Globalization.CultureInfo.InvariantCulture);
        if (count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await UpsertAsync(connection, transaction, [key], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task UpsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, IReadOnlyList<WrappedDataKey> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO encryption_keys (key_id, wrapped, master_key_id, created_at, wrapped_at, active)
                VALUES (@id, @wrapped, @master, @created, @wrappedAt, @active)
                ON CONFLICT (key_id) DO UPDATE SET wrapped = excluded.wrapped, master_key_id = excluded.master_key_id,
                    wrapped_at = excluded.wrapped_at, active = excluded.active
                """,
                cancellationToken,
                transaction,
                ("@id", key.KeyId),
                ("@wrapped", key.Wrapped),
                ("@master", key.MasterKeyId),
                ("@created", AuditEvent.FormatTime(key.CreatedAt)),
                ("@wrappedAt", AuditEvent.FormatTime(key.WrappedAt)),
                ("@active", key.Active ? 1L : 0L));
        }
    }
}
