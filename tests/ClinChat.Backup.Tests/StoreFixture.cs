using System.Security.Cryptography;
using System.Text;
using ClinChat.Backup.Sqlite;
using ClinChat.Identity;
using ClinChat.Identity.Ldap;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using ClinChat.Security;
using ClinChat.Security.Audit;
using ClinChat.Security.Retention;
using ClinChat.Storage;
using ClinChat.Storage.Database;
using ClinChat.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Backup.Tests;

/// <summary>A data directory with a populated store, written through the real engines (knowledge, identity, security).</summary>
internal sealed class TempStore : IDisposable
{
    public const string PhiQuestion = "Does Margarethe Vollbrecht-Ostermann, MRN 88341207, born 1958-11-23, need a dose change of warfarin?";

    private readonly Dictionary<string, string> _environment;

    public TempStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "clinchat-backup-tests", Guid.NewGuid().ToString("N"));
        DataDirectory = Path.Combine(Root, "data");
        Directory.CreateDirectory(DataDirectory);
        _environment = new Dictionary<string, string>
        {
            ["CLINCHAT_MASTER_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["CLINCHAT_AUDIT_SIGNING_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
    }

    public string Root { get; }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "clinchat.db");

    public string? ConversationId { get; private set; }

    public static BackupKey NewKey() => BackupKey.FromBytes(RandomNumberGenerator.GetBytes(32));

    public BackupEngine Engine(BackupKey key, string? dataDirectory = null) =>
        new(new SqliteBackupProvider(Path.Combine(dataDirectory ?? DataDirectory, "clinchat.db"), TimeProvider.System), key, TimeProvider.System);

    public string NewDataDirectory(string name) => Path.Combine(Root, name);

    public async Task PopulateAsync(CancellationToken cancellationToken)
    {
        var knowledge = new SqliteKnowledgeStore(DatabasePath, TimeProvider.System);
        await knowledge.MigrateAsync(cancellationToken);
        for (var d = 0; d < 5; d++)
        {
            var text = $"Warfarin monograph part {d}. Monitor INR closely; vitamin K reverses the effect. Über-dosage ≠ safe.";
            var chunks = Enumerable.Range(0, 3)
                .Select(c => new ChunkRecord(c, c * 10, 10, text.Substring(c * 10, 10), c == 0 ? "Dosing" : null, $"emb-{d}-{c}"))
                .ToList();
            await knowledge.UpsertDocumentAsync(
                new StoredDocument($"doc-{d}", $"Warfarin {d}", $"https://kb.example.org/{d}", "text", $"hash-{d}", text,
                    new Dictionary<string, string> { ["source"] = "test" }, DateTimeOffset.UtcNow),
                chunks, cancellationToken);
            await knowledge.PutEmbeddingsAsync(
                chunks.Select(c => KeyValuePair.Create(c.EmbeddingKey, Enumerable.Range(0, 8).Select(i => (float)Math.Sin(d + c.Ordinal + i)).ToArray())).ToList(),
                cancellationToken);
        }

        await using (var identity = IdentityServices())
        {
            await identity.GetRequiredService<StoreDatabase>().MigrateAsync(IdentitySchema.Schema, cancellationToken);
            var admin = identity.GetRequiredService<UserAdministration>();
            Assert.True((await admin.CreateAsync("dr.lee", [Roles.Clinician], null, cancellationToken)).Succeeded);
            Assert.True((await admin.CreateAsync("ph.ng", [Roles.Pharmacist], null, cancellationToken)).Succeeded);
        }

        await using var security = await SecurityServicesAsync(cancellationToken);
        var audit = security.GetRequiredService<AuditTrail>();
        for (var i = 0; i < 20; i++)
        {
            await audit.RecordAsync("dr.lee", Roles.Clinician, "chat.ask", AuditOperation.Read, $"conversation:{i}", AuditOutcome.Success, $"req-{i}", "10.0.0.7", cancellationToken);
        }

        await audit.CheckpointAsync(cancellationToken);
        await audit.RecordAsync("ph.ng", Roles.Pharmacist, "interactions.check", AuditOperation.Read, "drugs", AuditOutcome.Success, "req-x", "10.0.0.8", cancellationToken);
        var conversations = security.GetRequiredService<IConversationStore>();
        ConversationId = await conversations.StartAsync("dr.lee", cancellationToken);
        await conversations.AppendTurnAsync(ConversationId, PhiQuestion, "Check the INR first; see the warfarin monograph [1].", cancellationToken);
    }

    /// <summary>The security engine over the given data directory with this store's master and audit keys.</summary>
    public async Task<ServiceProvider> SecurityServicesAsync(CancellationToken cancellationToken, string? dataDirectory = null)
    {
        var services = new ServiceCollection()
            .AddSecurityEngine(new SecurityEngineOptions
            {
                Database = new SqliteStoreDatabase(Path.Combine(dataDirectory ?? DataDirectory, "clinchat.db")),
                Environment = name => _environment.GetValueOrDefault(name),
            })
            .BuildServiceProvider();
        await services.InitializeSecurityAsync(cancellationToken);
        return services;
    }

    /// <summary>Every table (schema and rows, values typed; blobs as hex), except the backup log, which changes after a backup.</summary>
    public static SortedDictionary<string, List<string>> Dump(string databasePath)
    {
        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<(string Name, string Sql)>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'backup_log'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, sql) in tables)
        {
            var rows = new List<string> { "schema:" + sql };
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{name}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    row.Append(value switch
                    {
                        DBNull => "null",
                        byte[] bytes => "x'" + Convert.ToHexString(bytes) + "'",
                        long l => "i:" + l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        double f => "r:" + f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                        string s => "t:" + s,
                        _ => "?:" + value,
                    }).Append('|');
                }

                rows.Add(row.ToString());
            }

            rows.Sort(StringComparer.Ordinal);
            dump[name] = rows;
        }

        return dump;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger briefly; the folder is under the temp directory.
        }
    }

    private ServiceProvider IdentityServices() =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<StoreDatabase>(new SqliteStoreDatabase(DatabasePath))
            .AddIdentityEngine(new IdentityOptions(), new LdapOptions(), JwtSigningKey.Ephemeral())
            .BuildServiceProvider();
}
