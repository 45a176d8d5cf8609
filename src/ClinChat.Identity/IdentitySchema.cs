using ClinChat.Storage.Database;

namespace ClinChat.Identity;

/// <summary>
/// The identity tables (<c>users</c>, <c>auth_sessions</c>, <c>refresh_tokens</c>) in the shared store database.
/// User names compare without regard to case on both providers: SQLite <c>COLLATE NOCASE</c>, PostgreSQL a
/// nondeterministic ICU collation (not <c>citext</c>: a <c>citext</c> column compared with a text parameter, which is
/// what Npgsql sends, silently compares case-sensitively). Files from before the schema catalogue also hold an
/// <c>identity_schema</c> table; it is no longer read and does no harm.
/// </summary>
public static class IdentitySchema
{
    public static readonly SchemaMigration Schema = new("identity", 1,
        Sqlite: """
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
            """,
        PostgreSql: """
            CREATE COLLATION IF NOT EXISTS clinchat_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE TABLE IF NOT EXISTS users (
                username TEXT COLLATE clinchat_nocase PRIMARY KEY,
                source TEXT NOT NULL,
                roles TEXT NOT NULL,
                password_hash TEXT NULL,
                failed_attempts BIGINT NOT NULL DEFAULT 0,
                lockout_until BIGINT NULL,
                mfa_secret TEXT NULL,
                mfa_enabled BIGINT NOT NULL DEFAULT 0,
                mfa_last_step BIGINT NOT NULL DEFAULT 0,
                recovery_codes TEXT NOT NULL DEFAULT '[]',
                disabled BIGINT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                last_login_at BIGINT NULL
            );
            CREATE TABLE IF NOT EXISTS auth_sessions (
                id TEXT PRIMARY KEY,
                username TEXT COLLATE clinchat_nocase NOT NULL,
                created_at BIGINT NOT NULL,
                last_activity BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked_at BIGINT NULL,
                revoked_reason TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_auth_sessions_user ON auth_sessions(username);
            CREATE TABLE IF NOT EXISTS refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                session_id TEXT NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
                issued_at BIGINT NOT NULL,
                consumed_at BIGINT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_refresh_tokens_session ON refresh_tokens(session_id);
            """);
}
