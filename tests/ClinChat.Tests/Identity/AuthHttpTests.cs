using System.Net;
using System.Net.Http.Json;
using ClinChat.Identity;
using ClinChat.Identity.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Tests.Identity;

public sealed class AuthHttpTests
{
    private const string MfaRequired = "urn:clinchat:problem:mfa-required";

    [Fact]
    public async Task Login_RightPassword_ReturnsTheTokenContract()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);

        var (status, body, _) = await host.LoginAsync("cara");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(string.IsNullOrEmpty((string?)body["access_token"]));
        Assert.False(string.IsNullOrEmpty((string?)body["refresh_token"]));
        Assert.Equal(300, (int)body["expires_in"]!);
        using var me = await host.GetAsync("/api/auth/me", (string)body["access_token"]!);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("\"roles\":[\"clinician\"]", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cara", "not the password 1")]
    [InlineData("nobody", IdentityTestHost.Password)]
    public async Task Login_WrongNameOrPassword_Returns401InvalidCredentials(string user, string password)
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);

        var (status, body, response) = await host.LoginAsync(user, password);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:clinchat:problem:invalid-credentials", (string?)body["type"]);
        Assert.False((bool)body["mfa_required"]!);
        Assert.DoesNotContain(password, body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_FiveFailures_LocksTheAccountWithRetryAfter()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.LoginAsync("cara", "not the password 1")).Status);
        }

        var (status, body, response) = await host.LoginAsync("cara", "not the password 1");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("urn:clinchat:problem:account-locked", (string?)body["type"]);
        Assert.Equal(TimeSpan.FromMinutes(15), response.Headers.RetryAfter?.Delta);

        Assert.Equal("urn:clinchat:problem:account-locked", (string?)(await host.LoginAsync("cara")).Body["type"]);
        host.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync("cara")).Status);
    }

    [Fact]
    public async Task Login_Admin_ProblemSaysMfaRequired_ThenTheCodeSignsIn()
    {
        await using var host = await IdentityTestHost.StartAsync();
        var admin = await host.AddUserAsync("root", Roles.Admin);

        var (status, body, _) = await host.LoginAsync("root");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(MfaRequired, (string?)body["type"]);
        Assert.True((bool)body["mfa_required"]!);
        Assert.Equal("urn:clinchat:problem:invalid-mfa-code", (string?)(await host.LoginAsync("root", totp: "123456")).Body["type"]);

        var (access, _) = await host.SignInAsync("root", host.Code(admin.Mfa!.Secret));
        using var me = await host.GetAsync("/api/auth/me", access);
        Assert.Contains("\"mfa\"", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mfa_ClinicianEnrolsOverHttp_ThenSignInNeedsTheCode()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);
        var (access, _) = await host.SignInAsync("cara");

        var (enrolled, enrollment, _) = await host.PostAsync("/api/auth/mfa/enroll", new { }, access);
        Assert.Equal(HttpStatusCode.OK, enrolled);
        var secret = (string)enrollment["secret"]!;
        Assert.StartsWith("otpauth://totp/", (string?)enrollment["otpauth_uri"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostAsync("/api/auth/mfa/confirm", new { totp = "000000" }, access)).Status);
        var (confirmed, codes, _) = await host.PostAsync("/api/auth/mfa/confirm", new { totp = host.Code(secret) }, access);
        Assert.Equal(HttpStatusCode.OK, confirmed);
        var recovery = codes["recovery_codes"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(10, recovery.Count);

        Assert.Equal(MfaRequired, (string?)(await host.LoginAsync("cara")).Body["type"]);
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync("cara", totp: recovery[0])).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.LoginAsync("cara", totp: recovery[0])).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await host.PostAsync("/api/auth/mfa/enroll", new { }, access)).Status);
    }

    [Fact]
    public async Task Mfa_AuditorWithoutFactor_EnrollmentTokenOpensOnlyEnrollment()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("audra", Roles.Auditor);
        await host.Services.GetRequiredService<UserAdministration>().ResetMfaAsync("audra", CancellationToken.None);

        var (status, body, _) = await host.LoginAsync("audra");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("urn:clinchat:problem:mfa-enrollment-required", (string?)body["type"]);
        var enrollmentToken = (string)body["enrollment_token"]!;

        using (var me = await host.GetAsync("/api/auth/me", enrollmentToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostAsync("/api/drugs/interactions", new { medications = new[] { "a", "b" } }, enrollmentToken)).Status);
        var (_, enrollment, _) = await host.PostAsync("/api/auth/mfa/enroll", new { }, enrollmentToken);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync("/api/auth/mfa/confirm", new { totp = host.Code((string)enrollment["secret"]!) }, enrollmentToken)).Status);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await host.LoginAsync("audra", totp: host.Code((string)enrollment["secret"]!))).Status);
    }

    [Fact]
    public async Task Refresh_Rotates_AndReplayingAnOldTokenRevokesTheSession()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);
        var (_, firstRefresh) = await host.SignInAsync("cara");

        var (status, second, _) = await host.PostAsync("/api/auth/refresh", new { refresh_token = firstRefresh });
        Assert.Equal(HttpStatusCode.OK, status);
        var secondAccess = (string)second["access_token"]!;
        var secondRefresh = (string)second["refresh_token"]!;
        Assert.NotEqual(firstRefresh, secondRefresh);
        using (var me = await host.GetAsync("/api/auth/me", secondAccess))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        var (replayStatus, replay, _) = await host.PostAsync("/api/auth/refresh", new { refresh_token = firstRefresh });
        Assert.Equal((HttpStatusCode.Unauthorized, "urn:clinchat:problem:refresh-token-reused"), (replayStatus, (string?)replay["type"]));
        Assert.Equal("urn:clinchat:problem:session-expired", (string?)(await host.PostAsync("/api/auth/refresh", new { refresh_token = secondRefresh })).Body["type"]);
        using var revoked = await host.GetAsync("/api/auth/me", secondAccess);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task IdleFifteenMinutes_LogsOffOnTheServer()
    {
        await using var host = await IdentityTestHost.StartAsync(new Dictionary<string, string?> { ["ClinChat:Identity:AccessTokenLifetime"] = "01:00:00" });
        await host.AddUserAsync("cara", Roles.Clinician);
        var (access, refresh) = await host.SignInAsync("cara");

        foreach (var minutes in new[] { 10, 10, 14 })
        {
            host.Time.Advance(TimeSpan.FromMinutes(minutes));
            using var active = await host.GetAsync("/api/auth/me", access);
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        }

        host.Time.Advance(TimeSpan.FromMinutes(15));
        using var idle = await host.GetAsync("/api/auth/me", access);
        Assert.Equal(HttpStatusCode.Unauthorized, idle.StatusCode);
        Assert.Equal("urn:clinchat:problem:session-expired", await IdentityTestHost.ProblemTypeAsync(idle));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostAsync("/api/auth/refresh", new { refresh_token = refresh })).Status);
    }

    [Fact]
    public async Task Logout_EndsTheSessionForAccessAndRefreshTokens()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);
        var (access, refresh) = await host.SignInAsync("cara");

        var (status, _, _) = await host.PostAsync("/api/auth/logout", new { }, access);

        Assert.Equal(HttpStatusCode.NoContent, status);
        using var me = await host.GetAsync("/api/auth/me", access);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostAsync("/api/auth/refresh", new { refresh_token = refresh })).Status);
    }

    [Fact]
    public async Task ForgedOrExpiredTokens_AreRefused()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);
        var (access, _) = await host.SignInAsync("cara");
        var parts = access.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length);

        using (var me = await host.GetAsync("/api/auth/me", forged))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        host.Time.Advance(TimeSpan.FromMinutes(6));
        using var expired = await host.GetAsync("/api/auth/me", access);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task EndpointMissingFromThePolicyTable_IsDeniedEvenToAdmins()
    {
        await using var host = await IdentityTestHost.StartAsync(extraEndpoints: app => app.MapGet("/api/unlisted", () => "secret"));
        var admin = await host.AddUserAsync("root", Roles.Admin);
        var (access, _) = await host.SignInAsync("root", host.Code(admin.Mfa!.Secret));

        using var anonymous = await host.GetAsync("/api/unlisted", null);
        using var signedIn = await host.GetAsync("/api/unlisted", access);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, signedIn.StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Is401AnonymouslyAnd404SignedIn()
    {
        await using var host = await IdentityTestHost.StartAsync();
        await host.AddUserAsync("cara", Roles.Clinician);
        var (access, _) = await host.SignInAsync("cara");

        using var anonymous = await host.GetAsync("/api/no-such-thing", null);
        using var signedIn = await host.GetAsync("/api/no-such-thing", access);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.NotFound), (anonymous.StatusCode, signedIn.StatusCode));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Responses_CarryTheDeploymentGuideSecurityHeaders(bool https)
    {
        await using var host = await IdentityTestHost.StartAsync(https: https);

        using var response = await host.GetAsync("/api/auth/me", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(ClinChat.Security.WebHardening.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(https, response.Headers.Contains("Strict-Transport-Security"));
        if (https)
        {
            Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        }
    }

    [Fact]
    public void SecurityHeaders_MatchTheIngressConfigMap()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder!.FullName, "ClinChat.sln")))
        {
            folder = folder.Parent;
        }

        var yaml = File.ReadAllText(Path.Combine(folder.FullName, "deploy", "kubernetes", "base", "security-headers.yaml"));

        Assert.Contains($"Content-Security-Policy: \"{ClinChat.Security.WebHardening.ContentSecurityPolicy}\"", yaml, StringComparison.Ordinal);
        Assert.Contains($"Strict-Transport-Security: \"{ClinChat.Security.WebHardening.StrictTransportSecurity}\"", yaml, StringComparison.Ordinal);
        Assert.Contains($"Permissions-Policy: \"{ClinChat.Security.WebHardening.PermissionsPolicy}\"", yaml, StringComparison.Ordinal);
        Assert.Contains("X-Frame-Options: DENY", yaml, StringComparison.Ordinal);
        Assert.Contains("Referrer-Policy: no-referrer", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_PerUser_429WithRetryAfter_OtherUsersUnaffected()
    {
        await using var host = await IdentityTestHost.StartAsync(new Dictionary<string, string?> { ["ClinChat:Security:RateLimitPerMinute"] = "5" });
        await host.AddUserAsync("cara", Roles.Clinician);
        await host.AddUserAsync("pat", Roles.Pharmacist);
        var (cara, _) = await host.SignInAsync("cara");
        var (pat, _) = await host.SignInAsync("pat");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 6; i++)
        {
            last = await host.GetAsync("/api/auth/me", cara);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
        Assert.Equal("urn:clinchat:problem:rate-limited", await IdentityTestHost.ProblemTypeAsync(last));
        using var other = await host.GetAsync("/api/auth/me", pat);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task RequestBody_OverTheLimit_Is413()
    {
        await using var host = await IdentityTestHost.StartAsync(new Dictionary<string, string?> { ["ClinChat:Security:MaxRequestBodyBytes"] = "4096" });

        var body = System.Text.Json.JsonSerializer.Serialize(new { username = "cara", password = new string('x', 10_000) });
        using var response = await host.Client.PostAsync("/api/auth/login", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Cors_OffByDefault_OnlyConfiguredOriginsAllowed()
    {
        await using var closed = await IdentityTestHost.StartAsync();
        await using var open = await IdentityTestHost.StartAsync(new Dictionary<string, string?> { ["ClinChat:Security:CorsOrigins:0"] = "https://portal.example.org" });

        foreach (var (host, expected) in new[] { (closed, false), (open, true) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/auth/login");
            preflight.Headers.Add("Origin", "https://portal.example.org");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            using var response = await host.Client.SendAsync(preflight);
            Assert.Equal(expected, response.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }
}
