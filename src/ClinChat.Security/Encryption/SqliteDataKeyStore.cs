using ClinChat.Security.Audit;
using ClinChat.Security.Sqlite;

namespace ClinChat.Security.Encryption;

/// <summary>Wrapped data keys in the table <c>encryption_keys</c>.</summary>
public sealed class SqliteDataKeyStore(string databasePath) : IDataKeyStore
{
    private readonly string _connectionString = SqliteDatabase.ConnectionString(databasePath);

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        SqliteDatabase.MigrateAsync(_connectionString, """
            CREATE TABLE IF NOT EXISTS encryption_keys (
                key_id TEXT PRIMARY KEY,
                wrapped BLOB NOT NULL,
                master_key_id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                wrapped_at TEXT NOT NULL,
                active INTEGER NOT NULL
            );
            """, cancellationToken);

    public async Task<IReadOnlyList<WrappedDataKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id, wrapped, master_key_id, created_at, wrapped_at, active FROM encryption_keys ORDER BY created_at, key_id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<WrappedDataKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new WrappedDataKey(
                reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2),
                AuditEvent.ParseTime(reader.GetString(3)), AuditEvent.ParseTime(reader.GetString(4)), reader.GetInt64(5) != 0));
        }

        return result;
    }

    public async Task SaveAsync(IReadOnlyList<WrappedDataKey> keys, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var transaction = connection.BeginTransaction();
        foreach (var key in keys)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO encryption_keys (key_id, wrapped, master_key_id, created_at, wrapped_at, active)
                VALUES ($id, $wrapped, $master, $created, $wrappedAt, $active)
                ON CONFLICT(key_id) DO UPDATE SET wrapped = excluded.wrapped, master_key_id = excluded.master_key_id,
                    wrapped_at = excluded.wrapped_at, active = excluded.active
                """;
            command.Parameters.AddWithValue("$id", key.KeyId);
            command.Parameters.AddWithValue("$wrapped", key.Wrapped);
            command.Parameters.AddWithValue("$master", key.MasterKeyId);
            command.Parameters.AddWithValue("$created", AuditEvent.FormatTime(key.CreatedAt));
            command.Parameters.AddWithValue("$wrappedAt", AuditEvent.FormatTime(key.WrappedAt));
            command.Parameters.AddWithValue("$active", key.Active ? 1 : 0);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
