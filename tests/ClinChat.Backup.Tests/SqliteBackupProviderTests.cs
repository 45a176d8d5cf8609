using System.Data.Common;
using ClinChat.Backup.Sqlite;
using ClinChat.Storage.Database;
using Microsoft.Data.Sqlite;

namespace ClinChat.Backup.Tests;

/// <summary>The provider contract on the embedded store: one SQLite file per data directory.</summary>
public sealed class SqliteBackupProviderTests : BackupProviderContract
{
    protected override string ProviderName => "sqlite";

    protected override IBackupProvider CreateProvider(StoreDatabase database) =>
        new SqliteBackupProvider(((SqliteStoreDatabase)database).DatabasePath, TimeProvider.System);

    protected override Task<StoreDatabase> CreateDatabaseAsync(string name) =>
        Task.FromResult<StoreDatabase>(new SqliteStoreDatabase(Path.Combine(Root, name, "clinchat.db")));

    protected override async Task DropAsync(StoreDatabase database)
    {
        SqliteConnection.ClearAllPools();
        await database.DisposeAsync();
    }

    protected override async Task<IReadOnlyList<(string Table, string Schema)>> TablesAsync(DbConnection connection)
    {
        await using var command = connection.Command("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var tables = new List<(string, string)>();
        while (await reader.ReadAsync(Ct))
        {
            tables.Add((reader.GetString(0), reader.GetString(1)));
        }

        return tables;
    }
}
