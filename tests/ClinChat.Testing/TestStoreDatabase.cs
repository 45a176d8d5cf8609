using System.Data.Common;
using ClinChat.Storage.Database;
using Microsoft.Data.Sqlite;

namespace ClinChat.Testing;

/// <summary>
/// A fresh, empty store database for one test: a SQLite file in a temporary folder, or a new database on the
/// assembly's PostgreSQL server. Disposing drops it. Suites that run the same cases on both providers take one of
/// these from their provider-specific subclass.
/// </summary>
public sealed class TestStoreDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _drop;

    private TestStoreDatabase(StoreDatabase database, string? connectionString, Func<ValueTask> drop)
    {
        Database = database;
        ConnectionString = connectionString;
        _drop = drop;
    }

    public StoreDatabase Database { get; }

    public DatabaseProvider Provider => Database.Provider;

    /// <summary>The PostgreSQL connection string (null for SQLite): for a second "replica" over the same database.</summary>
    public string? ConnectionString { get; }

    /// <summary>The SQLite file (null for PostgreSQL).</summary>
    public string? SqlitePath => (Database as SqliteStoreDatabase)?.DatabasePath;

    public static TestStoreDatabase Sqlite(string prefix = "clinchat")
    {
        var folder = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():n}");
        var database = new SqliteStoreDatabase(Path.Combine(folder, "clinchat.db"));
        return new TestStoreDatabase(database, null, () =>
        {
            SqliteConnection.ClearAllPools();
            LocalProcess.DeleteQuietly(folder);
            return ValueTask.CompletedTask;
        });
    }

    public static async Task<TestStoreDatabase> PostgresAsync(PostgresServer server, string prefix = "clinchat")
    {
        var connectionString = await server.CreateDatabaseAsync(prefix);
        var database = new PostgresStoreDatabase(connectionString);
        return new TestStoreDatabase(database, connectionString, async () =>
        {
            await database.DisposeAsync();
            await server.DropDatabaseAsync(connectionString);
        });
    }

    /// <summary>Another handle on the same database, as a second process or replica would open it.</summary>
    public StoreDatabase OpenAnother() => Database switch
    {
        SqliteStoreDatabase sqlite => new SqliteStoreDatabase(sqlite.DatabasePath),
        _ => new PostgresStoreDatabase(ConnectionString!),
    };

    /// <summary>Every value of every row of <paramref name="table"/>, as text (blobs as Latin-1): what a reader of the table sees.</summary>
    public async Task<string> DumpTableAsync(string table)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table}";
        await using var reader = await command.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Append(reader.IsDBNull(i) ? string.Empty : reader.GetValue(i) switch
                {
                    byte[] bytes => System.Text.Encoding.Latin1.GetString(bytes),
                    var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                }).Append('\u001f');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Runs SQL straight against the database, as an attacker with write access would.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteAsync(sql, CancellationToken.None, null, parameters);
    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.ScalarAsync(sql, CancellationToken.None, null, parameters);
    }

    public ValueTask DisposeAsync() => _drop();
}
