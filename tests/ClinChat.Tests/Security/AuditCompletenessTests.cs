using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClinChat.Identity;
using ClinChat.Security.Audit;
using ClinChat.Tests.Identity;

namespace ClinChat.Tests.Security;

/// <summary>Each protected endpoint leaves exactly the expected audit event: who, what, which resource, how it ended; never text.</summary>
public sealed class AuditCompletenessTests(SecurityHostFixture host) : IClassFixture<SecurityHostFixture>
{
    private const string Marker = "zorblaxitol";

    public static TheoryData<string, string, string?, string, string, string> Requests => new()
    {
        // method, path, body kind, role, action, resource prefix
        { "POST", "/api/chat", "question", Roles.Clinician, "chat.ask", "conversation:" },
        { "POST", "/api/search", "query", Roles.Pharmacist, "search.query", "/api/search" },
        { "GET", "/api/documents", null, Roles.Clinician, "documents.list", "/api/documents" },
        { "GET", "/api/documents/no-such-card", null, Roles.Clinician, "documents.read", "document:no-such-card" },
        { "DELETE", "/api/documents/no-such-card", null, Roles.KbCurator, "documents.delete", "document:no-such-card" },
        { "GET", "/api/documents/jobs/no-such-job", null, Roles.KbCurator, "documents.job", "job:no-such-job" },
        { "POST", "/api/drugs/interactions", "medications", Roles.Pharmacist, "drugs.interactions", "/api/drugs/interactions" },
        { "POST", "/api/phi/detect", "text", Roles.KbCurator, "phi.detect", "/api/phi/detect" },
        { "POST", "/api/phi/redact", "text", Roles.Admin, "phi.redact", "/api/phi/redact" },
        { "GET", "/api/admin/knowledge-base/status", null, Roles.Admin, "admin.knowledge_base_status", "/api/admin/knowledge-base/status" },
        { "GET", "/api/admin/drug-db/health", null, Roles.Admin, "admin.drug_db_health", "/api/admin/drug-db/health" },
        { "GET", "/api/admin/phi-detection/status", null, Roles.Admin, "admin.phi_detection_status", "/api/admin/phi-detection/status" },
        { "GET", "/api/admin/encryption/status", null, Roles.Admin, "admin.encryption_status", "/api/admin/encryption/status" },
        { "GET", "/api/admin/compliance", null, Roles.Auditor, "admin.compliance", "/api/admin/compliance" },
        { "GET", "/api/admin/accuracy", null, Roles.Auditor, "admin.accuracy", "/api/admin/accuracy" },
        { "POST", "/api/chat/no-such-conversation/feedback", "feedback", Roles.Clinician, "chat.feedback", "conversation:no-such-conversation" },
        { "GET", "/api/audit?limit=5", null, Roles.Auditor, "audit.query", "/api/audit" },
        { "GET", "/api/audit/verify", null, Roles.Auditor, "audit.verify", "/api/audit/verify" },
        { "GET", "/api/audit/export?format=fhir", null, Roles.Admin, "audit.export", "/api/audit/export" },
        // Refusals are recorded too: the wrong role, and nobody signed in.
        { "POST", "/api/chat", "question", Roles.Auditor, "chat.ask", "/api/chat" },
        { "GET", "/api/audit", null, Roles.Clinician, "audit.query", "/api/audit" },
        { "POST", "/api/phi/detect", "text", null!, "phi.detect", "/api/phi/detect" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task ProtectedEndpoint_LeavesExactlyOneEvent(string method, string path, string? body, string role, string action, string resource)
    {
        var before = await host.HeadAsync();
        object? payload = body switch
        {
            "question" => new { question = $"Is {Marker} safe with warfarin for John Smith, SSN 078-05-1120?" },
            "query" => new { query = $"{Marker} dosing" },
            "medications" => new { medications = new[] { "warfarin", "aspirin" } },
            "text" => new { text = $"John Smith, phone 555-867-5309, asked about {Marker}." },
            "feedback" => new { turn = 1, rating = "incorrect", reason = "unsafe" },
            _ => null,
        };
        using var response = await host.SendAsync(method, path, payload, role);

        var events = await host.EventsAfterAsync(before);
        var recorded = Assert.Single(events).Event;
        var status = (int)response.StatusCode;
        var expectedOutcome = status < 400 ? AuditOutcome.Success : status is 401 or 403 ? AuditOutcome.Denied : AuditOutcome.Failure;
        Assert.Equal(action, recorded.Action);
        Assert.Equal(expectedOutcome, recorded.Outcome);
        Assert.Equal(role is null ? "anonymous" : SecurityHostFixture.UserOf(role), recorded.User);
        Assert.Equal(role ?? string.Empty, recorded.Role);
        Assert.StartsWith(resource, recorded.Resource, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(recorded.RequestId));
        Assert.Equal("127.0.0.1", recorded.ClientAddress);
        if (role == Roles.Auditor && action == "chat.ask" || role == Roles.Clinician && action == "audit.query" || role is null)
        {
            Assert.Equal(AuditOutcome.Denied, recorded.Outcome);
        }

        // Identifiers only: none of the request's text reaches the trail.
        var fields = string.Join('|', recorded.User, recorded.Role, recorded.Action, recorded.Resource, recorded.RequestId, recorded.ClientAddress);
        Assert.DoesNotContain(Marker, fields, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Smith", fields, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Probes_LeaveNoEvent()
    {
        var before = await host.HeadAsync();
        using var health = await host.SendAsync("GET", "/api/health", null, null);
        using var ready = await host.SendAsync("GET", "/api/ready", null, null);
        Assert.Empty(await host.EventsAfterAsync(before));
    }

    [Fact]
    public async Task SignIn_LeavesOneLoginEvent_ForSuccessAndForFailure()
    {
        var user = SecurityHostFixture.UserOf(Roles.Clinician);
        var before = await host.HeadAsync();
        using var ok = await host.Client.PostAsJsonAsync("/api/auth/login", new { username = user, password = IdentityTestHost.Password });
        var success = Assert.Single(await host.EventsAfterAsync(before)).Event;
        Assert.Equal((IdentityActions.Login, AuditOutcome.Success, user, Roles.Clinician), (success.Action, success.Outcome, success.User, success.Role));
        Assert.StartsWith("session:", success.Resource, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", success.ClientAddress);

        before = await host.HeadAsync();
        using var wrong = await host.Client.PostAsJsonAsync("/api/auth/login", new { username = user, password = "not the password at all" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var denied = Assert.Single(await host.EventsAfterAsync(before)).Event;
        Assert.Equal((IdentityActions.Login, AuditOutcome.Denied), (denied.Action, denied.Outcome));
    }

    [Fact]
    public async Task AuditQuery_FiltersByUserAndAction_AndVerifyReportsIntact()
    {
        using var asked = await host.SendAsync("POST", "/api/search", new { query = "sepsis" }, Roles.Pharmacist);
        using var page = await host.SendAsync("GET", $"/api/audit?user={SecurityHostFixture.UserOf(Roles.Pharmacist)}&action=search.*&limit=1000", null, Roles.Auditor);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var events = JsonNode.Parse(await page.Content.ReadAsStringAsync())!["events"]!.AsArray();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(("search.query", SecurityHostFixture.UserOf(Roles.Pharmacist)), ((string)e!["action"]!, (string)e["user"]!)));

        using var verify = await host.SendAsync("GET", "/api/audit/verify", null, Roles.Auditor);
        var body = JsonNode.Parse(await verify.Content.ReadAsStringAsync())!;
        Assert.True((bool)body["intact"]!, body.ToJsonString());

        using var bad = await host.SendAsync("GET", "/api/audit?limit=0", null, Roles.Auditor);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task EncryptionStatusAndCompliance_ReportTheRealState()
    {
        using var status = await host.SendAsync("GET", "/api/admin/encryption/status", null, Roles.Admin);
        var encryption = JsonNode.Parse(await status.Content.ReadAsStringAsync())!;
        Assert.Equal("AES-256-GCM", (string?)encryption["algorithm"]);
        Assert.Contains("conversation_turns.question", encryption["encrypted_fields"]!.AsArray().Select(f => (string?)f));
        Assert.Contains("users.mfa_secret", encryption["encrypted_fields"]!.AsArray().Select(f => (string?)f));

        using var compliance = await host.SendAsync("GET", "/api/admin/compliance", null, Roles.Auditor);
        var report = JsonNode.Parse(await compliance.Content.ReadAsStringAsync())!;
        var controls = report["controls"]!.AsArray().ToDictionary(c => (string)c!["id"]!, c => (string)c!["status"]!);
        Assert.Equal(9, controls.Count);
        Assert.Equal("pass", controls["encryption-at-rest"]);
        Assert.Equal("pass", controls["audit-chain-intact"]);
        Assert.Equal("pass", controls["phi-detection-active"]);
        Assert.Equal("pass", controls["mfa-privileged-roles"]);
        // Development keys under the data directory are not production secrets.
        Assert.NotEqual("pass", controls["secrets-strong"]);
        Assert.InRange((double)report["score"]!, 0.0, 1.0);
    }
}
