using ClinChat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace ClinChat.Storage.Tests;

/// <summary>The store contract on the embedded default: a SQLite file in a temporary folder.</summary>
public sealed class SqliteKnowledgeStoreTests : KnowledgeStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clinchat-storage-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "nested", "clinchat.db");

    protected override IKnowledgeStore CreateEmptyStore(TimeProvider time) => new SqliteKnowledgeStore(DatabasePath, time);

    protected override Task DropStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test that produced it.
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Reopen_SameFile_SeesEverythingWrittenBefore()
    {
        await Store.PutEmbeddingsAsync([new("k1", [0.5f, 0.25f])], Ct);
        await Store.UpsertDocumentAsync(Document("a.md", "a1", "alpha"), [new ChunkRecord(0, 0, 5, "alpha", null, "k1")], Ct);

        var reopened = new SqliteKnowledgeStore(DatabasePath, Time);
        await reopened.MigrateAsync(Ct);

        Assert.Equal("a1", await reopened.GetContentHashAsync("a.md", Ct));
        var chunk = Assert.Single(await ToListAsync(reopened.ReadChunksAsync("a.md", Ct)));
        Assert.Equal(new[] { 0.5f, 0.25f }, chunk.Vector);
    }

    [Fact]
    public void Constructor_MissingParentFolder_CreatesIt()
    {
        Assert.True(Directory.Exists(Path.GetDirectoryName(DatabasePath)));
        Assert.Equal(DatabasePath, ((SqliteKnowledgeStore)Store).DatabasePath);
    }

    [Fact]
    public async Task Ping_UnreadableDatabaseFile_ReturnsFalse()
    {
        var path = Path.Combine(_folder, "garbage.db");
        await File.WriteAllTextAsync(path, new string('x', 8192), Ct);
        var store = new SqliteKnowledgeStore(path, Time);

        Assert.False(await store.PingAsync(Ct));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
