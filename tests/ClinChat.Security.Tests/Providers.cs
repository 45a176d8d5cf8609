using ClinChat.Security.Encryption;
using ClinChat.Testing;
using Npgsql;

namespace ClinChat.Security.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = PostgresFixture.Collection;
}

public sealed class SqliteAuditTrailTests : AuditTrailTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => Task.FromResult(TestStoreDatabase.Sqlite("clinchat-security"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditTrailTests(PostgresFixture postgres) : AuditTrailTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => TestStoreDatabase.PostgresAsync(postgres.Server, "security");
}

public sealed class SqliteEncryptionTests : EncryptionTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => Task.FromResult(TestStoreDatabase.Sqlite("clinchat-security"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEncryptionTests(PostgresFixture postgres) : EncryptionTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => TestStoreDatabase.PostgresAsync(postgres.Server, "security");
}

public sealed class SqliteRetentionTests : RetentionTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => Task.FromResult(TestStoreDatabase.Sqlite("clinchat-security"));

    [Fact]
    public async Task ConversationStore_DatabaseFiles_NeverHoldTheTextInClear()
    {
        await StorePhiConversationAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var files = Directory.GetFiles(Path.GetDirectoryName(Database.SqlitePath)!);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var needle in PhiNeedles)
            {
                Assert.False(Contains(bytes, System.Text.Encoding.UTF8.GetBytes(needle)), $"{Path.GetFileName(file)} holds '{needle}' in clear");
            }
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRetentionTests(PostgresFixture postgres) : RetentionTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => TestStoreDatabase.PostgresAsync(postgres.Server, "security");

    [Fact]
    public async Task ConversationStore_PostgresColumns_HoldFieldCiphertextOnly()
    {
        await StorePhiConversationAsync();

        // Read the server's columns with a plain Npgsql connection, as a DBA or a dump would.
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT question, answer, question::text || answer::text FROM conversation_turns", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        foreach (var column in new[] { 0, 1 })
        {
            var bytes = (byte[])reader.GetValue(column);
            Assert.Equal(FieldProtector.FormatVersion, bytes[0]);
            Assert.All(PhiNeedles, needle => Assert.False(Contains(bytes, System.Text.Encoding.UTF8.GetBytes(needle)), $"column {column} holds '{needle}'"));
        }

        var asText = reader.GetString(2);
        Assert.All(PhiNeedles, needle => Assert.DoesNotContain(needle, asText, StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class SqliteSecurityEngineTests : SecurityEngineTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => Task.FromResult(TestStoreDatabase.Sqlite("clinchat-security"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSecurityEngineTests(PostgresFixture postgres) : SecurityEngineTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => TestStoreDatabase.PostgresAsync(postgres.Server, "security");
}
