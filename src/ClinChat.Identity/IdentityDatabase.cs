using Microsoft.Data.Sqlite;

namespace ClinChat.Identity;

/// <summary>
/// The identity tables in the embedded SQLite file the knowledge store uses. They keep their own schema version
/// (table <c>identity_schema</c>): <c>PRAGMA user_version</c> belongs to the knowledge store.
/// </summary>
internal sealed class IdentityDatabase
{
    private const int SchemaVersion = 1;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    private volatile bool _migrated;

    public IdentityDatabase(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>A connection to a migrated database. The first use migrates: the web host starts (and answers its probes)
    /// without waiting for the database, which a long write elsewhere may hold.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken);
        }

        return await OpenRawAsync(cancellationToken);
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrationGate.WaitAsync(cancellationToken);
        try
        {
            if (!_migrated)
            {
                await MigrateOnceAsync(cancellationToken);
                _migrated = true;
            }
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private async Task MigrateOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenRawAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS identity_schema (version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS users (
                username TEXT PRIMARY KEY COLLATE NOCASE,
                source TEXT NOT NULL,
                roles TEXT NOT NULL,
                password_hash TEXT NULL,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                lockout_until INTEGER NULL,
                mfa_secret TEXT NULL,
                mfa_enabled INTEGER NOT NULL DEFAULT 0,
                mfa_last_step INTEGER NOT NULL DEFAULT 0,
                recovery_codes TEXT NOT NULL DEFAULT '[]',
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                last_login_at INTEGER NULL
            );
            CREATE TABLE IF NOT EXISTS auth_sessions (
                id TEXT PRIMARY KEY,
                username TEXT NOT NULL COLLATE NOCASE,
                created_at INTEGER NOT NULL,
                last_activity INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at INTEGER NULL,
                revoked_reason TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_auth_sessions_user ON auth_sessions(username);
            CREATE TABLE IF NOT EXISTS refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
                issued_at INTEGER NOT NULL,
                consumed_at INTEGER NULL
            );
            CREATE INDEX IF NOT EXISTS ix_refresh_tokens_session ON refresh_tokens(session_id);
            INSERT INTO identity_schema (version) SELECT $version WHERE NOT EXISTS (SELECT 1 FROM identity_schema);
            """;
        command.Parameters.AddWithValue("$version", SchemaVersion);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
