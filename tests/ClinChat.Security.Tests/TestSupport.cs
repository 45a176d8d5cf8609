using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Secrets;
using ClinChat.Storage.Database;
using ClinChat.Testing;

namespace ClinChat.Security.Tests;

internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset at) => _now = at;
}

/// <summary>A throwaway store database per test (a SQLite file or a PostgreSQL database) and a folder for key files.</summary>
internal sealed class TempDatabase : IAsyncDisposable
{
    private TempDatabase(TestStoreDatabase store)
    {
        Store = store;
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clinchat-security-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public TestStoreDatabase Store { get; }

    public StoreDatabase Database => Store.Database;

    /// <summary>A folder for key files (and, for SQLite, nothing else: the database lives in its own folder).</summary>
    public string Directory { get; }

    public static async Task<TempDatabase> CreateAsync(Task<TestStoreDatabase> store) => new(await store);

    /// <summary>Runs SQL straight against the database, as an attacker with write access would.</summary>
    public Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters) => Store.ExecuteAsync(sql, parameters);

    public Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters) => Store.ScalarAsync(sql, parameters);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        LocalProcess.DeleteQuietly(Directory);
    }
}

internal static class Keys
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static AuditSigningKeys NewSigningKeys() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), SecretOrigin.Supplied);

    public static MasterKey NewMasterKey() => MasterKey.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static AuditEvent Event(DateTimeOffset at, string user = "dr.lee", string action = "chat.ask", string resource = "conversation:c1",
        AuditOutcome outcome = AuditOutcome.Success) =>
        new(at, user, "clinician", action, AuditOperation.Read, resource, outcome, "req-" + at.Ticks, "10.0.0.7");
}
