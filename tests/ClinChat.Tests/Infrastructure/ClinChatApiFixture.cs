using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClinChat.Tests.Infrastructure;

/// <summary>A JSON response: status, content type and the parsed body.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string? MediaType, JsonNode? Body, HttpResponseHeaders Headers)
{
    public JsonObject Object => Body as JsonObject ?? throw new InvalidOperationException($"expected a JSON object, got {Body?.ToJsonString() ?? "nothing"} ({Status})");

    public override string ToString() => $"{(int)Status} {MediaType}: {Body?.ToJsonString()}";
}

/// <summary>
/// One `clinchat serve` for a test collection, on a fresh data directory (so it loads the starter knowledge base on
/// first start), with intent methods over its HTTP API.
/// </summary>
public sealed class ClinChatApiFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("api-data");

    public ClinChatServer Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync()
    {
        Server = await ClinChatServer.StartAsync(_data.Root);

        // Only the readiness probe until the starter cards are in: it is what a load balancer would wait for.
        await Server.WaitUntilAsync(async () => await Server.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(120), "readiness");

        // Every endpoint beyond the probes takes a bearer token: the API tests run as an admin (all roles' endpoints).
        await Server.SignInAsync("admin");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _data.Dispose();
    }

    public Task<ApiResponse> AskAsync(string? question) => PostJsonAsync("/api/chat", new { question });

    public Task<ApiResponse> SearchAsync(string? query, int? top = null) => PostJsonAsync("/api/search", new { query, top });

    public Task<ApiResponse> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<ApiResponse> DeleteDocumentAsync(string id) => SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/documents/" + Uri.EscapeDataString(id)));

    public Task<ApiResponse> GetDocumentAsync(string id) => GetAsync("/api/documents/" + Uri.EscapeDataString(id));

    public Task<ApiResponse> KnowledgeBaseStatusAsync() => GetAsync("/api/admin/knowledge-base/status");

    /// <summary>Uploads files as multipart/form-data, the way a browser form does.</summary>
    public Task<ApiResponse> UploadAsync(params (string FileName, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = form });
    }

    /// <summary>Polls a job until it leaves queued/running; returns every status seen and the final job.</summary>
    public async Task<(List<string> Statuses, JsonObject Job)> WaitForJobAsync(string jobId)
    {
        var statuses = new List<string>();
        JsonObject job = null!;
        await Server.WaitUntilAsync(
            async () =>
            {
                var response = await GetAsync($"/api/documents/jobs/{jobId}");
                Assert.Equal(HttpStatusCode.OK, response.Status);
                job = response.Object;
                var status = (string)job["status"]!;
                if (statuses.Count == 0 || statuses[^1] != status)
                {
                    statuses.Add(status);
                }

                return status is not ("queued" or "running");
            },
            TimeSpan.FromSeconds(90),
            $"ingestion job {jobId}");
        return (statuses, job);
    }

    public async Task<ApiResponse> PostJsonAsync(string path, object body) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) });

    public Task<ApiResponse> SendAsync(HttpRequestMessage request) => Client.SendApiAsync(request);
}

/// <summary>The API's intent methods over any <see cref="HttpClient"/> (one server's, or one replica's of several).</summary>
public static class ApiCalls
{
    public static Task<ApiResponse> SearchAsync(this HttpClient client, string query, int? top = null) =>
        client.SendApiAsync(new HttpRequestMessage(HttpMethod.Post, "/api/search") { Content = JsonContent.Create(new { query, top }) });

    public static Task<ApiResponse> DeleteDocumentAsync(this HttpClient client, string id) =>
        client.SendApiAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/documents/" + Uri.EscapeDataString(id)));

    public static Task<ApiResponse> GetApiAsync(this HttpClient client, string path) => client.SendApiAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>Uploads files as multipart/form-data, the way a browser form does.</summary>
    public static Task<ApiResponse> UploadAsync(this HttpClient client, params (string FileName, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        return client.SendApiAsync(new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = form });
    }

    /// <summary>The document ids of a search, best first.</summary>
    public static async Task<List<string>> SearchIdsAsync(this HttpClient client, string query, int top = 10)
    {
        var response = await client.SearchAsync(query, top);
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return response.Object["results"]!.AsArray().Select(r => (string)r!["document_id"]!).ToList();
    }

    public static async Task<ApiResponse> SendApiAsync(this HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonNode? body = null;
            if (text.Length > 0)
            {
                try
                {
                    body = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    body = JsonValue.Create(text);
                }
            }

            return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers);
        }
    }
}

[CollectionDefinition(nameof(ApiCollection))]
public sealed class ApiCollection : ICollectionFixture<ClinChatApiFixture>;
