using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using ClinChat.Storage.Database;

namespace ClinChat.Identity.Sessions;

/// <summary>What a session check found.</summary>
public enum SessionState
{
    Active,
    Unknown,
    Revoked,

    /// <summary>Unused for longer than the idle timeout: automatic logoff.</summary>
    Idle,

    /// <summary>Older than the absolute session lifetime.</summary>
    Expired,
}

/// <summary>Outcome of presenting a refresh token.</summary>
public enum RefreshOutcome
{
    Rotated,
    Unknown,

    /// <summary>A token that was already exchanged came back: the whole family (session) is revoked.</summary>
    Reused,
    Revoked,
    Idle,
    Expired,
}

internal sealed record SessionInfo(string Id, string Username, DateTimeOffset LastActivity, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Sessions (<c>auth_sessions</c>) and their refresh tokens (<c>refresh_tokens</c>, SHA-256 of the token only).
/// A session is one sign-in; each refresh exchanges its token for a new one, and a second use of an exchanged token
/// revokes the session: the stolen copy and the legitimate one both stop working. The exchange marks the old token
/// consumed with a conditional <c>UPDATE … WHERE consumed_at IS NULL</c>: of two concurrent exchanges (one replica or
/// two) exactly one changes the row, and the other is treated as a reuse.
/// </summary>
internal sealed class SessionStore(StoreDatabase database, IdentityOptions options, TimeProvider time)
{
    public async Task<(string SessionId, string RefreshToken)> CreateAsync(string username, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = NewToken();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO auth_sessions (id, username, created_at, last_activity, expires_at) VALUES (@id, @u, @now, @now, @expires)",
            cancellationToken,
            ("@id", sessionId),
            ("@u", username),
            ("@now", now.ToUnixTimeMilliseconds()),
            ("@expires", (now + options.SessionLifetime).ToUnixTimeMilliseconds()));
        await InsertTokenAsync(connection, transaction, sessionId, token, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (sessionId, token);
    }

    /// <summary>Exchanges a refresh token for a new one in the same session.</summary>
    public async Task<(RefreshOutcome Outcome, SessionInfo? Session, string? RefreshToken)> RotateAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = Hash(refreshToken);
        await using var connection = await database.OpenAsync(cancellationToken);

        // SQLite: BEGIN IMMEDIATE, so two exchanges serialise. PostgreSQL (read committed): the conditional UPDATE
        // below waits for a concurrent exchange of the same token and then matches nothing.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string sessionId;
        bool consumed;
        await using (var find = connection.Command(
            "SELECT session_id, CASE WHEN consumed_at IS NULL THEN 0 ELSE 1 END FROM refresh_tokens WHERE token_hash = @h", transaction, ("@h", hash)))
        {
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (RefreshOutcome.Unknown, null, null);
            }

            sessionId = reader.GetString(0);
            consumed = reader.GetInteger(1) == 1;
        }

        var session = await FindAsync(connection, transaction, sessionId, cancellationToken);
        if (session is null)
        {
            return (RefreshOutcome.Unknown, null, null);
        }

        if (consumed)
        {
            return await ReusedAsync(connection, transaction, session, now, cancellationToken);
        }

        var state = StateOf(session, now);
        if (state != SessionState.Active)
        {
            if (state == SessionState.Idle)
            {
                await RevokeAsync(connection, transaction, sessionId, "idle", now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return (state switch
            {
                SessionState.Idle => RefreshOutcome.Idle,
                SessionState.Expired => RefreshOutcome.Expired,
                _ => RefreshOutcome.Revoked,
            }, session, null);
        }

        var claimed = await ExecuteAsync(
            connection,
            transaction,
            "UPDATE refresh_tokens SET consumed_at = @now WHERE token_hash = @h AND consumed_at IS NULL",
            cancellationToken,
            ("@h", hash),
            ("@now", now.ToUnixTimeMilliseconds()));
        if (claimed != 1)
        {
            return await ReusedAsync(connection, transaction, session, now, cancellationToken);
        }

        var next = NewToken();
        await InsertTokenAsync(connection, transaction, sessionId, next, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (RefreshOutcome.Rotated, session, next);
    }

    /// <summary>
    /// The check behind every authenticated request: the session must be live and used within the idle timeout.
    /// Records the activity (at most once per <see cref="IdentityOptions.ActivityWriteInterval"/>); an idle session is revoked.
    /// </summary>
    public async Task<SessionState> TouchAsync(string sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        var session = await FindAsync(connection, null, sessionId, cancellationToken);
        if (session is null)
        {
            return SessionState.Unknown;
        }

        var state = StateOf(session, now);
        if (state == SessionState.Idle)
        {
            await RevokeAsync(connection, null, sessionId, "idle", now, cancellationToken);
        }
        else if (state == SessionState.Active && now - session.LastActivity >= options.ActivityWriteInterval)
        {
            await ExecuteAsync(
                connection,
                null,
                "UPDATE auth_sessions SET last_activity = @now WHERE id = @id AND last_activity < @now",
                cancellationToken,
                ("@id", sessionId),
                ("@now", now.ToUnixTimeMilliseconds()));
        }

        return state;
    }

    public async Task<bool> RevokeAsync(string sessionId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await RevokeAsync(connection, null, sessionId, reason, time.GetUtcNow(), cancellationToken) == 1;
    }

    /// <summary>Ends every session of a user (password reset, account disabled, role change).</summary>
    public async Task<int> RevokeAllAsync(string username, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ExecuteAsync(
            connection,
            null,
            "UPDATE auth_sessions SET revoked_at = @now, revoked_reason = @reason WHERE username = @u AND revoked_at IS NULL",
            cancellationToken,
            ("@u", username),
            ("@reason", reason),
            ("@now", time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static async Task<(RefreshOutcome, SessionInfo?, string?)> ReusedAsync(
        DbConnection connection, DbTransaction transaction, SessionInfo session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await RevokeAsync(connection, transaction, session.Id, "refresh_token_reuse", now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (RefreshOutcome.Reused, session, null);
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private SessionState StateOf(SessionInfo session, DateTimeOffset now)
    {
        if (session.RevokedAt is not null)
        {
            return SessionState.Revoked;
        }

        if (now >= session.ExpiresAt)
        {
            return SessionState.Expired;
        }

        return now - session.LastActivity >= options.IdleTimeout ? SessionState.Idle : SessionState.Active;
    }

    private static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task InsertTokenAsync(DbConnection connection, DbTransaction transaction, string sessionId, string token, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES (@h, @s, @now)",
            cancellationToken,
            ("@h", Hash(token)),
            ("@s", sessionId),
            ("@now", now.ToUnixTimeMilliseconds()));

    private static Task<int> RevokeAsync(DbConnection connection, DbTransaction? transaction, string sessionId, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection,
            transaction,
            "UPDATE auth_sessions SET revoked_at = @now, revoked_reason = @reason WHERE id = @id AND revoked_at IS NULL",
            cancellationToken,
            ("@id", sessionId),
            ("@reason", reason),
            ("@now", now.ToUnixTimeMilliseconds()));

    private static async Task<SessionInfo?> FindAsync(DbConnection connection, DbTransaction? transaction, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "SELECT id, username, last_activity, expires_at, revoked_at FROM auth_sessions WHERE id = @id", transaction, ("@id", sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SessionInfo(
            reader.GetString(0),
            reader.GetString(1),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInteger(2)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInteger(3)),
            reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInteger(4)));
    }

    private static Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        connection.ExecuteAsync(sql, cancellationToken, transaction, parameters);
}
