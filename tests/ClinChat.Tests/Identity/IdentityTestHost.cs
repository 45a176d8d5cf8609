using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClinChat.Drugs;
using ClinChat.Hosting;
using ClinChat.Identity;
using ClinChat.Identity.Login;
using ClinChat.Identity.Users;
using ClinChat.Storage.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ClinChat.Tests.Identity;

/// <summary>
/// An in-memory server with the host's service defaults, its identity and hardening layer (AddIdentityServices /
/// UseIdentityServices / MapAuthEndpoints) and the drug endpoints as a protected feature, on a fake clock, with
/// intent methods for accounts and sign-in.
/// </summary>
public sealed class IdentityTestHost : IAsyncDisposable
{
    public const string Password = "a long test password 2026";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clinchat-idhost-" + Guid.NewGuid().ToString("n"));
    private WebApplication _app = null!;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public HttpClient Client { get; private set; } = null!;

    internal IServiceProvider Services => _app.Services;

    public static async Task<IdentityTestHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, bool https = false, Action<IEndpointRouteBuilder>? extraEndpoints = null)
    {
        var host = new IdentityTestHost();
        Directory.CreateDirectory(host._folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton<TimeProvider>(host.Time);
        builder.Services.AddServiceDefaults();
        builder.Services.AddDrugs();
        var database = new SqliteStoreDatabase(Path.Combine(host._folder, "clinchat.db"));
        await database.MigrateAsync(IdentitySchema.Schema, CancellationToken.None);
        builder.Services.AddSingleton<StoreDatabase>(database);
        builder.AddIdentityServices();
        host._app = builder.Build();
        host._app.UseServiceDefaults();
        host._app.UseIdentityServices();
        host._app.MapDrugEndpoints();
        host._app.MapAuthEndpoints();
        extraEndpoints?.Invoke(host._app);
        await host._app.StartAsync();
        host.Client = host._app.GetTestClient();
        if (https)
        {
            host.Client.BaseAddress = new Uri("https://localhost/");
        }

        return host;
    }

    internal async Task<CreatedUser> AddUserAsync(string name, string role)
    {
        var created = await _app.Services.GetRequiredService<UserAdministration>().CreateAsync(name, [role], Password, CancellationToken.None);
        Assert.True(created.Succeeded, created.Error);
        return created.Value!;
    }

    public string Code(string base32Secret) => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(base32Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime);

    public async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> PostAsync(string path, object body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) as JsonObject ?? [] : [], response);
    }

    public Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> LoginAsync(string username, string password = Password, string? totp = null) =>
        PostAsync("/api/auth/login", new { username, password, totp });

    /// <summary>Signs in and returns the access and refresh tokens, failing the test otherwise.</summary>
    public async Task<(string Access, string Refresh)> SignInAsync(string username, string? totp = null)
    {
        var (status, body, _) = await LoginAsync(username, totp: totp);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return ((string)body["access_token"]!, (string)body["refresh_token"]!);
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }

    public static async Task<string?> ProblemTypeAsync(HttpResponseMessage response) =>
        (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["type"];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
