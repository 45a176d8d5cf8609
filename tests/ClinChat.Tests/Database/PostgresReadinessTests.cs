using System.Net;
using System.Net.Http.Json;
using ClinChat.Testing;
using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Database;

/// <summary>
/// Readiness follows the database: `clinchat serve` on a PostgreSQL server of its own (this test stops it, so it does
/// not share the assembly's server) reports not ready while PostgreSQL is down, naming it, stays live, and is ready
/// again once the database is back, without a restart.
/// </summary>
public sealed class PostgresReadinessTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("pg-ready");
    private PostgresServer _postgres = null!;
    private ClinChatServer _server = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["CLINCHAT_DB_CONNECTION"] = await _postgres.CreateDatabaseAsync("ready"),
            ["ClinChat__SeedStarterKnowledgeBase"] = "false",
        };
        var migrated = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, "db", "migrate"], environment);
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        _server = await ClinChatServer.StartAsync(_data.Root, environment);
        await _server.WaitUntilAsync(async () => await _server.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "readiness");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _postgres.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task PostgresStops_ReadyFailsNamingPostgres_HealthStaysLive_ThenReadyAgain()
    {
        await _postgres.StopAsync();
        try
        {
            using var notReady = await _server.Client.GetAsync("/api/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal("application/problem+json", notReady.Content.Headers.ContentType?.MediaType);
            var problem = await notReady.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
            Assert.Contains("PostgreSQL is unreachable", (string)problem!["detail"]!, StringComparison.Ordinal);
            Assert.DoesNotContain(PostgresServer.Password, problem.ToJsonString(), StringComparison.Ordinal);

            using var live = await _server.Client.GetAsync("/api/health");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await _postgres.RestartAsync();
        }

        await _server.WaitUntilAsync(async () => await _server.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readiness after PostgreSQL restarted");
        Assert.DoesNotContain(PostgresServer.Password, _server.Log, StringComparison.Ordinal);
    }
}
