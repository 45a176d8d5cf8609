using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClinChat.Hosting;
using ClinChat.Identity;
using ClinChat.Identity.Users;
using ClinChat.Security.Audit;
using ClinChat.Tests.Identity;
using ClinChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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

    public Dictionary<string, string> Tokens { get; } = [];

    internal AuditTrail Audit => App.Services.GetRequiredService<AuditTrail>();

    public static string UserOf(string role) => "sec-" + role.Replace('_', '-');

    public async Task InitializeAsync()
    {
        App = WebHost.Build(
            ["--urls", "http://127.0.0.1:0", "--ClinChat:SeedStarterKnowledgeBase=false", "--ClinChat:Security:RateLimitPerMinute=100000"],
            Data.Root);
        await App.StartAsync();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
        var accounts = App.Services.GetRequiredService<UserAdministration>();
        foreach (var role in Roles.All)
        {
            var created = (await accounts.CreateAsync(UserOf(role), [role], IdentityTestHost.Password, CancellationToken.None)).Value!;
            var totp = created.Mfa is null ? null : new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(created.Mfa.Secret)).ComputeTotp();
            using var login = await Client.PostAsJsonAsync("/api/auth/login", new { username = UserOf(role), password = IdentityTestHost.Password, totp });
            var body = await login.Content.ReadAsStringAsync();
            Assert.True(login.IsSuccessStatusCode, body);
            Tokens[role] = (string)JsonNode.Parse(body)!["access_token"]!;
        }
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
