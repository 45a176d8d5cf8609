using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Secrets;
using Microsoft.Data.Sqlite;

namespace ClinChat.Security.Tests;

internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset at) => _now = at;
}

/// <summary>A throwaway SQLite file per test.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clinchat-security-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "clinchat.db");
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>Runs SQL straight against the file, as an attacker with write access would.</summary>
    public void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    public object? Scalar(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger briefly; the temp folder is disposable.
        }
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
