using System.Data.Common;
using Npgsql;

namespace ClinChat.Storage.Database;

/// <summary>PostgreSQL through one pooled <see cref="NpgsqlDataSource"/> per process.</summary>
public sealed class PostgresStoreDatabase : StoreDatabase
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresStoreDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Host = builder.Host ?? "localhost";
        Port = builder.Port;
        DatabaseName = builder.Database ?? builder.Username ?? string.Empty;
        ConnectionString = connectionString;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public string Host { get; }

    public int Port { get; }

    public string DatabaseName { get; }

    /// <summary>The full connection string (carries the password: pass it on only to a child process's environment, never log it).</summary>
    internal string ConnectionString { get; }

    public override string Describe() => $"postgresql://{Host}:{Port}/{DatabaseName}";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<DbTransaction> BeginSerializedAsync(DbConnection connection, string lockName, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", cancellationToken, transaction, ("@key", LockKey(lockName)));
        return transaction;
    }

    public override async Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken) =>
        await connection.ScalarAsync("SELECT to_regclass(@name) IS NOT NULL", cancellationToken, null, ("@name", table)) is true;

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
