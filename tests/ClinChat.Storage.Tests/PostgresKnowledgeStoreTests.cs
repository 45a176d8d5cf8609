using ClinChat.Storage.Database;
using ClinChat.Testing;

namespace ClinChat.Storage.Tests;

/// <summary>The same store contract on a real PostgreSQL server started for this test run on loopback.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresKnowledgeStoreTests(PostgresFixture postgres) : KnowledgeStoreContract
{
    private string _connectionString = string.Empty;
    private StoreDatabase? _database;

    public override async Task InitializeAsync()
    {
        _connectionString = await postgres.Server.CreateDatabaseAsync("storage");
        await base.InitializeAsync();
    }

    protected override IKnowledgeStore CreateEmptyStore(TimeProvider time)
    {
        _database = new PostgresStoreDatabase(_connectionString);
        return new KnowledgeStore(_database, time);
    }

    protected override async Task DropStoreAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await postgres.Server.DropDatabaseAsync(_connectionString);
    }

    [Fact]
    public async Task ConcurrentWriters_ChangeFeed_IsCommitOrderedWithoutGaps()
    {
        var writes = Enumerable.Range(0, 24).Select(i => Task.Run(() => Store.UpsertDocumentAsync(
            Document($"doc-{i}.md", $"h{i}", $"text {i}"), Chunks($"text {i}"), Ct)));
        await Task.WhenAll(writes);

        var changes = await Store.GetChangesSinceAsync(0, Ct);

        Assert.Equal(24, changes.Count);
        Assert.Equal(changes.Select(c => c.Sequence).Order(), changes.Select(c => c.Sequence));
        Assert.Equal(24, changes.Select(c => c.DocumentId).Distinct().Count());
    }

    [Fact]
    public async Task Migrate_Twice_RecordsOneVersionAndKeepsData()
    {
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), Chunks("alpha"), Ct);

        await Store.MigrateAsync(Ct);

        Assert.Equal("a1", await Store.GetContentHashAsync("a.md", Ct));
        var versions = await _database!.GetSchemaVersionsAsync(Ct);
        Assert.Equal(KnowledgeStore.Schema.Version, versions["knowledge"]);
    }

    [Fact]
    public async Task Ping_ServerUnreachable_ReturnsFalse()
    {
        var unreachable = new PostgresStoreDatabase($"Host=127.0.0.1;Port={LocalProcess.FreePort()};Username=x;Password=y;Database=z;Timeout=2");

        Assert.False(await unreachable.PingAsync(Ct));
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = PostgresFixture.Collection;
}
