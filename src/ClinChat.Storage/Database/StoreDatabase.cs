using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

namespace ClinChat.Storage.Database;

public enum DatabaseProvider
{
    /// <summary>One file under the data directory: the embedded, single-node default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by several replicas.</summary>
    PostgreSql,
}

/// <summary>
/// The one place that opens database connections for every ClinChat store (knowledge base, identity, audit, keys,
/// conversations, backup log). SQL is written once in the dialect both providers accept (<c>@name</c> parameters,
/// <c>ON CONFLICT</c> upserts, <c>RETURNING</c>); only schema DDL and write serialisation differ per provider.
/// </summary>
public abstract class StoreDatabase : IAsyncDisposable
{
    public abstract DatabaseProvider Provider { get; }

    /// <summary>The provider's name in manifests and status output: <c>sqlite</c> or <c>postgresql</c>.</summary>
    public string ProviderName => Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql";

    /// <summary>A description safe to print: the file path, or host/port/database without credentials.</summary>
    public abstract string Describe();

    /// <summary>An open connection (SQLite: foreign keys on).</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins a transaction that runs after every other transaction holding the same <paramref name="lockName"/> has
    /// committed (SQLite: <c>BEGIN IMMEDIATE</c>, which takes the file's write lock; PostgreSQL: a transaction-scoped
    /// advisory lock). Appends to sequences readers follow (change feed, audit chain) use it so that sequence order is
    /// commit order.
    /// </summary>
    public abstract Task<DbTransaction> BeginSerializedAsync(DbConnection connection, string lockName, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one component's schema (idempotent DDL, <c>CREATE … IF NOT EXISTS</c>) under a lock, and records its version
    /// in <c>schema_migrations</c>. Returns false when the recorded version is already current.
    /// </summary>
    public async Task<bool> MigrateAsync(SchemaMigration migration, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PrepareForMigrationAsync(connection, cancellationToken);
        await using var transaction = await BeginSerializedAsync(connection, "schema_migrations", cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version BIGINT NOT NULL, applied_at TEXT NOT NULL)",
            cancellationToken, transaction);
        var current = await connection.ScalarAsync(
            "SELECT version FROM schema_migrations WHERE component = @component", cancellationToken, transaction, ("@component", migration.Component));
        if (current is not null && Convert.ToInt64(current, System.Globalization.CultureInfo.InvariantCulture) >= migration.Version)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await connection.ExecuteAsync(Provider == DatabaseProvider.Sqlite ? migration.Sqlite : migration.PostgreSql, cancellationToken, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO schema_migrations (component, version, applied_at) VALUES (@component, @version, @at)
            ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at
            """,
            cancellationToken, transaction,
            ("@component", migration.Component), ("@version", (long)migration.Version), ("@at", DateTimeOffset.UtcNow.ToString("O")));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The versions recorded in <c>schema_migrations</c> (empty when nothing was migrated yet).</summary>
    public async Task<IReadOnlyDictionary<string, long>> GetSchemaVersionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!await TableExistsAsync(connection, "schema_migrations", cancellationToken))
        {
            return versions;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT component, version FROM schema_migrations";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return versions;
    }

    /// <summary>True when the database answers a trivial query.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return Convert.ToInt64(await connection.ScalarAsync("SELECT 1", cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (DbException)
        {
            return false;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public abstract Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Provider work before a migration transaction (SQLite: WAL mode, which cannot change inside one).</summary>
    protected virtual Task PrepareForMigrationAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A stable 64-bit key for a lock name (PostgreSQL advisory locks take numbers).</summary>
    protected static long LockKey(string lockName) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("clinchat:" + lockName)), 0);
}

/// <summary>One component's schema in both dialects. Bump <see cref="Version"/> when the DDL changes.</summary>
public sealed record SchemaMigration(string Component, int Version, string Sqlite, string PostgreSql);
