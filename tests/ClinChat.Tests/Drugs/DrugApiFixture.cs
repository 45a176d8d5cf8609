using System.Net.Http.Json;
using System.Text.Json;
using ClinChat.Drugs;
using ClinChat.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace ClinChat.Tests.Drugs;

/// <summary>
/// An in-memory server with the same service defaults (problem details, snake_case JSON, exception handler) and the
/// same drug feature registration as the real host, without the knowledge base or embedding model the drug endpoints
/// do not use. When a <c>WebApplicationFactory</c> fixture for the whole host exists, these tests can move onto it.
/// </summary>
public sealed class DrugApiFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Services.AddServiceDefaults();
        builder.Services.AddDrugs();
        _app = builder.Build();
        _app.UseServiceDefaults();
        _app.MapDrugEndpoints();
        await _app.StartAsync();
        Client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>POSTs a medication list and returns the status and parsed body.</summary>
    public Task<(HttpResponseMessage Response, JsonElement Body)> CheckAsync(params string?[] medications) =>
        PostAsync(JsonContent.Create(new { medications }));

    public async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpContent content)
    {
        var response = await Client.PostAsync(new Uri("/api/drugs/interactions", UriKind.Relative), content);
        return (response, await ReadAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> HealthAsync()
    {
        var response = await Client.GetAsync(new Uri("/api/admin/drug-db/health", UriKind.Relative));
        return (response, await ReadAsync(response));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
