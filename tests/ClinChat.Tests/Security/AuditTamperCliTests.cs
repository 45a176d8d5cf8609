using ClinChat.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ClinChat.Tests.Security;

/// <summary>`clinchat audit verify` against a trail edited behind the application's back, straight in SQLite.</summary>
public sealed class AuditTamperCliTests : IDisposable
{
    private readonly TempDirectory _data = new("audit-tamper");

    public static TheoryData<string, string> Tampering => new()
    {
        { "altered", "UPDATE audit_events SET resource = 'user:mallory' WHERE seq = 2" },
        { "deleted", "DELETE FROM audit_events WHERE seq = 2" },
        { "reordered", "UPDATE audit_events SET seq = seq + 100 WHERE seq IN (2, 3); UPDATE audit_events SET seq = 5 WHERE seq = 102; UPDATE audit_events SET seq = 2 WHERE seq = 103; UPDATE audit_events SET seq = 3 WHERE seq = 5" },
        { "inserted", "INSERT INTO audit_events SELECT 100, occurred_at, 'mallory', role, action, operation, resource, outcome, request_id, client_address, prev_hash, hash FROM audit_events WHERE seq = 1; UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 2 AND seq < 100; UPDATE audit_events SET seq = 2 WHERE seq = 100; UPDATE audit_events SET seq = seq - 999 WHERE seq > 1000" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Verify_AfterDirectEdit_ExitsOne_NamingTheFirstBadEvent(string kind, string sql)
    {
        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            var added = await RunAsync("users", "add", name, "--role", "clinician");
            Assert.True(added.ExitCode == 0, added.ToString());
        }

        var intact = await RunAsync("audit", "verify");
        Assert.True(intact.ExitCode == 0, intact.ToString());

        using (var connection = new SqliteConnection($"Data Source={_data.PathOf("clinchat.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        var broken = await RunAsync("audit", "verify");
        Assert.True(broken.ExitCode == 1, $"{kind}: {broken}");
        Assert.Contains("Audit chain broken", broken.Stderr, StringComparison.Ordinal);
        Assert.Contains("2", broken.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WritesOneJsonLinePerEvent_AndFhirBundle()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "dave", "--role", "pharmacist")).ExitCode);
        var jsonl = await RunAsync("audit", "export");
        Assert.True(jsonl.ExitCode == 0, jsonl.ToString());
        Assert.Single(jsonl.StdoutLines);
        Assert.Contains("user.create", jsonl.Stdout, StringComparison.Ordinal);

        var file = _data.PathOf("export.fhir.json");
        var fhir = await RunAsync("audit", "export", "--format", "fhir", "--out", file);
        Assert.True(fhir.ExitCode == 0, fhir.ToString());
        Assert.Contains("\"AuditEvent\"", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotate_ThenTheStoreStillOpensWithTheNewKeyOnly()
    {
        Assert.Equal(0, (await RunAsync("users", "add", "erin", "--role", "admin")).ExitCode);
        var newKey = _data.Write("new-master.key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var rotated = await RunAsync("keys", "rotate", "--new-key-file", newKey);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Contains("master_key_id", rotated.Stdout, StringComparison.Ordinal);

        // The old master key no longer opens the store; the new one does (and erin's encrypted MFA secret with it).
        var old = await RunAsync("audit", "verify");
        Assert.NotEqual(0, old.ExitCode);
        var withNew = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, "users", "list"], new Dictionary<string, string?> { ["CLINCHAT_MASTER_KEY_FILE"] = newKey });
        Assert.True(withNew.ExitCode == 0, withNew.ToString());
        Assert.Contains("erin", withNew.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComplianceCheck_Production_FailsWithoutBackupOrRetention_AndPrintsEveryControl()
    {
        var check = await RunAsync("compliance", "check", "--environment", "production", "--json");
        Assert.Equal(1, check.ExitCode);
        var report = System.Text.Json.Nodes.JsonNode.Parse(check.StdoutLines[0])!;
        var controls = report["controls"]!.AsArray().ToDictionary(c => (string)c!["id"]!, c => (string)c!["status"]!);
        Assert.Equal(9, controls.Count);
        Assert.Equal("fail", controls["backup-recent"]);
        Assert.Equal("fail", controls["retention-configured"]);
        Assert.Equal("pass", controls["encryption-at-rest"]);
        Assert.Equal("pass", controls["secrets-strong"]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private Task<CliResult> RunAsync(params string[] args) => ClinChatExecutable.RunAsync(["--data-dir", _data.Root, .. args]);
}
