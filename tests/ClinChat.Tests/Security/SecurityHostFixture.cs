using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClinChat.Identity;
using ClinChat.Security.Audit;
using ClinChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Tests.Security;

/// <summary>
/// The real web host (WebHost.Build) in process, in the embedded development mode (no keys configured: it generates
/// them under the data directory), with one signed-in user per role and intent methods over the audit trail.
/// </summary>
public sealed class SecurityHostFixture : IAsyncLifetime
{
    public TempDirectory Data { get; } = new("security-data");

    public WebApplication App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Dictionary<string, string> Tokens { get; private set; } = [];

    internal AuditTrail Audit => App.Services.GetRequiredService<AuditTrail>();

    public static string UserOf(string role) => "sec-" + role.Replace('_', '-');

    public async Task InitializeAsync()
    {
        (App, Client, Tokens) = await InProcessHost.StartAsync(Data.Root, Roles.All, UserOf);
    }

    public async Task<HttpResponseMessage> SendAsync(string method, string path, object? body, string? role)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[role]);
        }

        var response = await Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    internal async Task<long> HeadAsync() => (await Audit.Store.GetHeadAsync(CancellationToken.None)).Sequence;

    internal async Task<IReadOnlyList<AuditRecord>> EventsAfterAsync(long sequence) =>
        await Audit.Store.ReadAsync(sequence, 1000, CancellationToken.None);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Data.Dispose();
    }
}
