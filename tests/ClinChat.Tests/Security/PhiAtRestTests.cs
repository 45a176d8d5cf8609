using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClinChat.Identity;
using ClinChat.Security.Retention;
using ClinChat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Tests.Security;

/// <summary>Synthetic PHI written through the API never lands in clear in the database, its WAL, anywhere in the data directory, or a backup.</summary>
public sealed class PhiAtRestTests(SecurityHostFixture host) : IClassFixture<SecurityHostFixture>
{
    // Invented: a fake name, an SSN from a published specimen card, a 555 phone number, and a made-up drug name.
    private const string Name = "Quentin Abernathy-Vole";
    private const string Ssn = "078-05-1120";
    private const string Phone = "555-867-5309";
    private const string Marker = "zorblaxitol";

    [Fact]
    public async Task ChatQuestionWithPhi_IsStoredEncrypted_AndNoFileHoldsItInClear()
    {
        var question = $"Patient {Name}, SSN {Ssn}, phone {Phone}: what is the maximum daily dose of {Marker}?";
        using var response = await host.SendAsync("POST", "/api/chat", new { question }, Roles.Clinician);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var conversationId = (string)body["conversation_id"]!;
        Assert.Equal($"{conversationId}-1", (string?)body["id"]);

        // The turn is there (as screened: the identifiers are gone, the clinical question stays), and readable only through the key ring.
        var stored = await host.App.Services.GetRequiredService<IConversationStore>().GetAsync(conversationId, CancellationToken.None);
        var turn = Assert.Single(stored!.Turns);
        Assert.Contains(Marker, turn.Question, StringComparison.Ordinal);
        Assert.Equal(SecurityHostFixture.UserOf(Roles.Clinician), stored.UserId);

        // A backup taken now (as the nightly job would) is a file of the same data directory's volume to check as well.
        using var backups = new TempDirectory("phi-backup");
        var backup = await ClinChatExecutable.RunAsync(
            ["--data-dir", host.Data.Root, "backup", "--out", backups.PathOf("nightly.ccbk")],
            new Dictionary<string, string?> { ["CLINCHAT_BACKUP_KEY_FILE"] = backups.Write("backup.key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))) });
        Assert.True(backup.ExitCode == 0, backup.ToString());

        var needles = new[] { Name, "Abernathy", Ssn, "078051120", Phone, Marker };
        var files = Directory.EnumerateFiles(host.Data.Root, "*", SearchOption.AllDirectories).Append(backups.PathOf("nightly.ccbk")).ToList();
        Assert.Contains(files, f => f.EndsWith("clinchat.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            if (ReadShared(file) is not { } bytes)
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(bytes);
            foreach (var needle in needles)
            {
                Assert.False(text.Contains(needle, StringComparison.OrdinalIgnoreCase), $"{Path.GetFileName(file)} holds '{needle}' in clear");
            }
        }
    }

    /// <summary>The file's bytes; null for SQLite's -wal/-shm/-journal companion that its last connection removed meanwhile
    /// (its pages are in the database file by then, which is read too).</summary>
    private static byte[]? ReadShared(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException) when (path.EndsWith("-wal", StringComparison.Ordinal) || path.EndsWith("-shm", StringComparison.Ordinal) || path.EndsWith("-journal", StringComparison.Ordinal))
        {
            return null;
        }

        using var owned = stream;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
