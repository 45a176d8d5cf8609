using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ClinChat.Storage.Database;

/// <summary>The embedded default: one SQLite file in WAL mode (every store shares it, each with its own tables).</summary>
public sealed class SqliteStoreDatabase : StoreDatabase
{
    private readonly string _connectionString;

    public SqliteStoreDatabase(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string DatabasePath { get; }

    public override string Describe() => DatabasePath;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", cancellationToken);
        return connection;
    }

    /// <summary>Microsoft.Data.Sqlite begins a non-deferred transaction with <c>BEGIN IMMEDIATE</c>: the write lock is taken first.</summary>
    public override Task<DbTransaction> BeginSerializedAsync(DbConnection connection, string lockName, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override async Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken) =>
        await connection.ScalarAsync("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name", cancellationToken, null, ("@name", table)) is not null;

    protected override Task PrepareForMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync("PRAGMA journal_mode=WAL;", cancellationToken);
}
