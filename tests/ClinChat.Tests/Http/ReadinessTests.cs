using System.Net;
using ClinChat.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ClinChat.Tests.Http;

/// <summary>Readiness on a server whose storage is held up, so "not yet loaded" lasts as long as the test needs.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_Returns503UntilStorageAndIndexesAreLoaded_Then200()
    {
        using var data = new TempDirectory("ready-data");
        var database = Path.Combine(data.Root, "clinchat.db");

        // Hold the write lock on the (WAL) database: the server's schema migration waits, reads still work.
        await using var blocker = new SqliteConnection($"Data Source={database};Pooling=False");
        await blocker.OpenAsync();
        await using (var wal = blocker.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync();
        }

        var transaction = (SqliteTransaction)await blocker.BeginTransactionAsync();
        await using (var write = blocker.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "CREATE TABLE held (x INTEGER);";
            await write.ExecuteNonQueryAsync();
        }

        await using var server = await ClinChatServer.StartAsync(data.Root, new Dictionary<string, string?> { ["ClinChat__SeedStarterKnowledgeBase"] = "false" });

        using (var health = await server.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var notReady = await server.Client.GetAsync("/api/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("\"not_ready\"", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await transaction.RollbackAsync();
        await transaction.DisposeAsync();
        await blocker.CloseAsync();

        await server.WaitUntilAsync(async () => await server.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "readiness after storage was released");
        await server.SignInAsync("admin");
        using var status = await server.Client.GetAsync("/api/admin/knowledge-base/status");
        Assert.Contains("\"loaded\":true", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
