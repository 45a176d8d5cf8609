using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClinChat.Hosting;
using ClinChat.Identity.Users;
using ClinChat.Tests.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Tests.Infrastructure;

/// <summary>The real web host (WebHost.Build) started in process on a free loopback port, with one signed-in user per role.</summary>
internal static class InProcessHost
{
    /// <param name="args">Settings beyond the shared ones (free port, no starter cards, no practical rate limit).</param>
    /// <returns>The host, a client on its address and each role's access token (users named by <paramref name="userOf"/>).</returns>
    public static async Task<(WebApplication App, HttpClient Client, Dictionary<string, string> Tokens)> StartAsync(
        string dataDirectory, IEnumerable<string> roles, Func<string, string> userOf, params string[] args)
    {
        var app = WebHost.Build(
            ["--urls", "http://127.0.0.1:0", "--ClinChat:SeedStarterKnowledgeBase=false", "--ClinChat:Security:RateLimitPerMinute=100000", .. args],
            dataDirectory);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        var accounts = app.Services.GetRequiredService<UserAdministration>();
        var tokens = new Dictionary<string, string>();
        foreach (var role in roles)
        {
            var created = (await accounts.CreateAsync(userOf(role), [role], IdentityTestHost.Password, CancellationToken.None)).Value!;
            var totp = created.Mfa is null ? null : new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(created.Mfa.Secret)).ComputeTotp();
            using var login = await client.PostAsJsonAsync("/api/auth/login", new { username = userOf(role), password = IdentityTestHost.Password, totp });
            var body = await login.Content.ReadAsStringAsync();
            Assert.True(login.IsSuccessStatusCode, body);
            tokens[role] = (string)JsonNode.Parse(body)!["access_token"]!;
        }

        return (app, client, tokens);
    }
}
