using System.Net;
using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Http;

[Collection(nameof(ApiCollection))]
public sealed class ProbeAndDiscoveryTests(ClinChatApiFixture api)
{
    [Fact]
    public async Task Health_RunningServer_ReturnsHealthy()
    {
        var response = await api.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("healthy", (string?)response.Object["status"]);
    }

    [Fact]
    public async Task Ready_AfterStart_ReportsStorageAndIndexes()
    {
        var response = await api.GetAsync("/api/ready");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(("ready", true, true), ((string?)response.Object["status"], (bool?)response.Object["storage"], (bool?)response.Object["indexes"]));

        // Embedded mode: no Redis configured, none reported.
        Assert.True(response.Object.ContainsKey("redis"));
        Assert.Null(response.Object["redis"]);
    }

    [Fact]
    public async Task FirstStart_EmptyDataDirectory_LoadsTheStarterKnowledgeBase()
    {
        var starter = Directory.GetFiles(ClinChatExecutable.StarterFolder, "*.md").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        var documents = await api.GetAsync("/api/documents?limit=1000");

        Assert.True(starter.Count >= 20, $"expected the starter cards beside the executable, found {starter.Count}");
        var ids = documents.Body!.AsArray().Select(d => (string)d!["id"]!).ToList();
        Assert.Equal(starter, ids.Where(id => starter.Contains(id)));
        Assert.All(documents.Body!.AsArray(), d => Assert.True((int)d!["chunks"]! > 0));
    }

    [Fact]
    public async Task KnowledgeBaseStatus_AfterStart_CountsStoreAndLoadedIndex()
    {
        var response = await api.KnowledgeBaseStatusAsync();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var status = response.Object;
        var index = status["index"]!.AsObject();
        Assert.True((int)status["documents"]! >= Directory.GetFiles(ClinChatExecutable.StarterFolder, "*.md").Length);
        Assert.True((int)status["chunks"]! >= (int)status["documents"]!);
        Assert.True((int)status["embeddings"]! > 0);
        Assert.NotNull(status["last_update"]);
        Assert.True((bool)index["loaded"]!);
        Assert.Equal((int)status["documents"]!, (int)index["documents"]!);
        Assert.Equal((int)status["chunks"]!, (int)index["chunks"]!);
        Assert.Equal((int)status["chunks"]!, (int)index["vectors"]!);
        Assert.Equal((long)index["store_sequence"]!, (long)index["sequence"]!);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheKnowledgeBaseApi()
    {
        var response = await api.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith("3.", (string?)response.Object["openapi"], StringComparison.Ordinal);
        var paths = response.Object["paths"]!.AsObject();
        foreach (var path in new[] { "/api/chat", "/api/search", "/api/documents", "/api/documents/jobs/{jobId}", "/api/health", "/api/ready", "/api/admin/knowledge-base/status" })
        {
            Assert.True(paths.ContainsKey(path), $"OpenAPI document lacks {path}");
        }

        Assert.NotNull(paths["/api/chat"]!["post"]);
        Assert.NotNull(paths["/api/documents"]!["post"]);
        Assert.NotNull(paths["/api/documents"]!["get"]);
    }

    [Fact]
    public async Task UnknownRoute_ReturnsProblemDetails()
    {
        ContractAssert.ProblemDetails(await api.GetAsync("/api/no-such-endpoint"), 404);
    }

    [Fact]
    public async Task WrongMethod_ReturnsProblemDetails()
    {
        ContractAssert.ProblemDetails(await api.GetAsync("/api/chat"), 405);
    }
}
