using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ClinChat.Testing;
using ClinChat.Tests.Infrastructure;
using Npgsql;

namespace ClinChat.Tests.Database;

/// <summary>
/// The shipped executable on a real PostgreSQL server, configured as a deployment would be: the connection string in a
/// file named by <c>CLINCHAT_DB_CONNECTION_FILE</c>, the schema applied by <c>clinchat db migrate</c>, then
/// <c>clinchat serve</c> and the CLI over the same database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEndToEndTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly byte[] SyntheticCard = Encoding.UTF8.GetBytes("""
        ---
        title: Quorvexin overdose (synthetic test card)
        ---
        Quorvexin overdose is treated by stopping quorvexin and giving intravenous lipid emulsion within one hour.
        Patients with quorvexin overdose need cardiac monitoring for twenty-four hours because late arrhythmias occur.
        """);

    private readonly TempDirectory _folder = new("pg-e2e");
    private string _connectionString = string.Empty;
    private Dictionary<string, string?> _environment = [];

    public async Task InitializeAsync()
    {
        _connectionString = await postgres.Server.CreateDatabaseAsync("e2e");
        var file = _folder.Write("secrets/db-connection", _connectionString + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite); // as a mounted secret would be
        }

        _environment = new Dictionary<string, string?> { ["CLINCHAT_DB_CONNECTION_FILE"] = file };
    }

    public async Task DisposeAsync()
    {
        await postgres.Server.DropDatabaseAsync(_connectionString);
        _folder.Dispose();
    }

    [Fact]
    public async Task Serve_UnmigratedDatabase_FailsNamingMigrate_AndNeverPrintsThePassword()
    {
        var data = _folder.PathOf("unmigrated-data");

        var serve = await RunAsync(data, "serve", "--urls", "http://127.0.0.1:0");
        var users = await RunAsync(data, "users", "list");

        Assert.True(serve.ExitCode == 1, serve.ToString());
        Assert.Contains("clinchat: Database configuration 'database schema'", serve.Stderr, StringComparison.Ordinal);
        Assert.Contains("run `clinchat db migrate` first", serve.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", serve.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.Password, serve.Stdout + serve.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, users.ExitCode);
        Assert.Contains("clinchat db migrate", Assert.Single(users.StderrLines), StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.Password, users.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateThenServe_UsersSignInUploadSearchChatAndAuditVerify_AllOnPostgres()
    {
        var data = _folder.PathOf("data");
        var migrated = await RunAsync(data, "db", "migrate");
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        var applied = JsonNode.Parse(migrated.StdoutLines[0])!;
        Assert.Equal("postgresql", (string?)applied["provider"]);
        Assert.Contains("identity", applied["applied"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("audit", applied["applied"]!.AsArray().Select(a => (string?)a));
        Assert.DoesNotContain(PostgresServer.Password, migrated.Stdout + migrated.Stderr, StringComparison.Ordinal);

        await using var server = await ClinChatServer.StartAsync(data, _environment);
        await server.WaitUntilAsync(async () => await server.ReadyStatusAsync() == HttpStatusCode.OK, TimeSpan.FromSeconds(180), "readiness");

        // An admin made with the CLI signs in over HTTP with password and TOTP.
        var created = await RunAsync(data, "users", "add", "Pg.Admin", "--role", "admin");
        Assert.True(created.ExitCode == 0, created.ToString());
        var user = JsonNode.Parse(created.StdoutLines[0])!;
        var secret = (string)user["mfa"]!["secret"]!;
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret)).ComputeTotp();
        using (var login = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "pg.admin", password = (string)user["password"]!, totp }))
        {
            var body = await login.Content.ReadAsStringAsync();
            Assert.True(login.StatusCode == HttpStatusCode.OK, body);
            server.Client.DefaultRequestHeaders.Authorization = new("Bearer", (string)JsonNode.Parse(body)!["access_token"]!);
        }

        // Upload, search and ask: the knowledge base, the jobs and the conversation all live in PostgreSQL.
        using var form = new MultipartFormDataContent { { new ByteArrayContent(SyntheticCard), "files", "quorvexin-overdose.md" } };
        using var upload = await server.Client.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var jobId = (string)JsonNode.Parse(await upload.Content.ReadAsStringAsync())!["job_id"]!;
        await server.WaitUntilAsync(async () => (string?)(await GetJsonAsync(server, $"/api/documents/jobs/{jobId}"))["status"] == "completed", TimeSpan.FromSeconds(90), "ingestion");

        using var search = await server.Client.PostAsJsonAsync("/api/search", new { query = "treatment of quorvexin overdose", top = 3 });
        var results = JsonNode.Parse(await search.Content.ReadAsStringAsync())!["results"]!.AsArray();
        Assert.Equal("quorvexin-overdose.md", (string?)results[0]!["document_id"]);

        using var chat = await server.Client.PostAsJsonAsync("/api/chat", new { question = "How is quorvexin overdose treated?" });
        var answer = JsonNode.Parse(await chat.Content.ReadAsStringAsync())!;
        Assert.True(chat.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Contains(answer["citations"]!.AsArray(), c => (string?)c!["document_id"] == "quorvexin-overdose.md");

        // At rest in PostgreSQL, read with plain Npgsql: the MFA secret and the conversation text are ciphertext.
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var mfa = new NpgsqlCommand("SELECT mfa_secret FROM users WHERE username = 'Pg.Admin'", connection);
            var storedSecret = (string)(await mfa.ExecuteScalarAsync())!;
            Assert.DoesNotContain(secret, storedSecret, StringComparison.OrdinalIgnoreCase);
            await using var turns = new NpgsqlCommand("SELECT encode(question, 'escape') || encode(answer, 'escape') FROM conversation_turns", connection);
            var stored = (string)(await turns.ExecuteScalarAsync())!;
            Assert.DoesNotContain("quorvexin", stored, StringComparison.OrdinalIgnoreCase);
            await using var logins = new NpgsqlCommand("SELECT COUNT(*) FROM audit_events WHERE user_id = 'Pg.Admin'", connection);
            Assert.True((long)(await logins.ExecuteScalarAsync())! >= 3, "sign-in, upload and chat are audited in PostgreSQL");
        }

        // The CLI verifies the chain the server wrote, and nothing went to an embedded file.
        var verify = await RunAsync(data, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True((bool)JsonNode.Parse(verify.StdoutLines[0])!["intact"]!, verify.Stdout);
        var status = await RunAsync(data, "db", "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.False(File.Exists(Path.Combine(data, "clinchat.db")), "the embedded store was created next to a PostgreSQL deployment");
        Assert.DoesNotContain(PostgresServer.Password, server.Log, StringComparison.Ordinal);
    }

    private Task<CliResult> RunAsync(string dataDirectory, params string[] args) =>
        ClinChatExecutable.RunAsync(["--data-dir", dataDirectory, .. args], _environment);

    private static async Task<JsonObject> GetJsonAsync(ClinChatServer server, string path)
    {
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
