using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ClinChat.Identity;
using ClinChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Tests.Identity;

/// <summary>The real web host (WebHost.Build), in process on a loopback port, with one signed-in user per role.</summary>
public sealed class RealHostFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("matrix-data");

    public WebApplication App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Dictionary<string, string> Tokens { get; private set; } = [];

    public async Task InitializeAsync()
    {
        (App, Client, Tokens) = await InProcessHost.StartAsync(_data.Root, Roles.All, role => "matrix-" + role.Replace('_', '-'));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}

public sealed class EndpointPolicyTableTests(RealHostFixture host) : IClassFixture<RealHostFixture>
{
    /// <summary>Every (method, route) the host maps, as the policy table names them.</summary>
    private IReadOnlyList<(string Method, string Route, RouteEndpoint Endpoint)> Mapped() =>
        host.App.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e => EndpointPolicies.Methods(e).Select(m => (m, EndpointPolicies.Normalise(e.RoutePattern), e)))
            .ToList();

    [Fact]
    public void EveryMappedEndpoint_HasAPolicy()
    {
        var mapped = Mapped();
        var missing = mapped.Where(e => EndpointPolicies.Find(e.Endpoint, e.Method) is null).Select(e => $"{e.Method} {e.Route}").ToList();

        Assert.True(mapped.Count >= 20, $"expected the host's endpoints, found {mapped.Count}");
        Assert.True(missing.Count == 0, "endpoints without an entry in EndpointPolicies.Table (add one): " + string.Join(", ", missing));
    }

    [Fact]
    public void OnlyProbesDiscoveryMetricsAndSignInAreAnonymous()
    {
        var anonymous = Mapped().Where(e => EndpointPolicies.Find(e.Endpoint, e.Method)?.Anonymous == true).Select(e => e.Route).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["/api/auth/login", "/api/auth/refresh", "/api/health", "/api/ready", "/metrics", "/openapi/{documentName}.json"], anonymous);
    }

    [Fact]
    public async Task EveryEndpoint_ForEveryRole_AnswersAsThePolicySays()
    {
        var failures = new List<string>();
        foreach (var (method, route, endpoint) in Mapped().Where(e => e.Method != "*" && e.Route != "/api/auth/logout"))
        {
            var policy = EndpointPolicies.Find(endpoint, method)!;
            var path = route.Replace("{documentName}", "v1", StringComparison.Ordinal)
                .Replace("{*id}", "no-such-document.md", StringComparison.Ordinal)
                .Replace("{jobId}", "no-such-job", StringComparison.Ordinal)
                .Replace("{id}", "no-such-conversation", StringComparison.Ordinal);

            var (anonymous, anonymousRefused) = await SendAsync(method, path, null);
            if (policy.Anonymous == anonymousRefused)
            {
                failures.Add($"{method} {route} anonymous: {(int)anonymous}");
            }

            foreach (var role in Roles.All)
            {
                var (status, refused) = await SendAsync(method, path, host.Tokens[role]);
                var allowed = policy.Anonymous || policy.SignedInOnly || policy.Roles.Contains(role);
                if (allowed == refused || (!allowed && status != HttpStatusCode.Forbidden))
                {
                    failures.Add($"{method} {route} as {role}: {(int)status} (policy {policy.Name})");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Probes_AreOpen_AndEverythingElseNeedsAToken()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/api/health", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/metrics", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/openapi/v1.json", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/api/documents", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("POST", "/api/chat", null)).Status);
    }

    /// <summary>The status, and whether it is the authorisation layer's refusal (a 401/403 that is not a sign-in answer such
    /// as invalid credentials, which carry a <c>urn:clinchat:problem:</c> type).</summary>
    private async Task<(HttpStatusCode Status, bool Refused)> SendAsync(string method, string path, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var signInAnswer = text.Contains("\"urn:clinchat:problem:", StringComparison.Ordinal);
        return (response.StatusCode, response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && !signInAnswer);
    }
}
