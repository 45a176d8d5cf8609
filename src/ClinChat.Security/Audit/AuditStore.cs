using System.Data.Common;
using System.Globalization;
using System.Text;
using ClinChat.Storage.Database;

namespace ClinChat.Security.Audit;

/// <summary>
/// The audit chain (tables <c>audit_events</c> and <c>audit_checkpoints</c>) in the shared store database, SQLite or
/// PostgreSQL. Appends run under the <c>audit</c> write lock (<see cref="StoreDatabase.BeginSerializedAsync"/>), so
/// appends from every replica and the CLI serialise and the chain never forks.
/// </summary>
public sealed class AuditStore(StoreDatabase database) : IAuditStore
{
    public static readonly SchemaMigration Schema = new("audit", 1,
        Sqlite: """
            CREATE TABLE IF NOT EXISTS audit_events (
                seq INTEGER PRIMARY KEY,
                occurred_at TEXT NOT NULL,
                user_id TEXT NOT NULL,
                role TEXT NOT NULL,
                action TEXT NOT NULL,
                operation TEXT NOT NULL,
                resource TEXT NOT NULL,
                outcome TEXT NOT NULL,
                request_id TEXT NOT NULL,
                client_address TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_audit_events_user ON audit_events(user_id, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_events_action ON audit_events(action, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_events_resource ON audit_events(resource, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_events_time ON audit_events(occurred_at);
            CREATE INDEX IF NOT EXISTS ix_audit_events_hash ON audit_events(hash);
            CREATE TABLE IF NOT EXISTS audit_checkpoints (
                id INTEGER PRIMARY KEY,
                seq INTEGER NOT NULL,
                head_hash TEXT NOT NULL,
                created_at TEXT NOT NULL,
                key_id TEXT NOT NULL,
                prev_signature TEXT NOT NULL,
                signature TEXT NOT NULL
            );
            """,
        // Timestamps are ISO-8601 text compared as bytes (COLLATE "C"), whatever the database's default collation.
        PostgreSql: """
            CREATE TABLE IF NOT EXISTS audit_events (
                seq BIGINT PRIMARY KEY,
                occurred_at TEXT COLLATE "C" NOT NULL,
                user_id TEXT NOT NULL,
                role TEXT NOT NULL,
                action TEXT NOT NULL,
                operation TEXT NOT NULL,
                resource TEXT NOT NULL,
                outcome TEXT NOT NULL,
                request_id TEXT NOT NULL,
                client_address TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_audit_events_user ON audit_events(user_id, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_events_action ON audit_events(action, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_events_resource ON audit_events(resource, seq);
            CREATE INDEX IF NOT EXISTS ix_audit_events_time ON audit_events(occurred_at);
            CREATE INDEX IF NOT EXISTS ix_audit_events_hash ON audit_events(hash);
            CREATE TABLE IF NOT EXISTS audit_checkpoints (
                id BIGINT PRIMARY KEY,
                seq BIGINT NOT NULL,
                head_hash TEXT NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                key_id TEXT NOT NULL,
                prev_signature TEXT NOT NULL,
                signature TEXT NOT NULL
            );
            """);

    private const string WriteLock = "audit";
    private const string Columns = "seq, occurred_at, user_id, role, action, operation, resource, outcome, request_id, client_address, prev_hash, hash";

    public StoreDatabase Database => database;

    public Task MigrateAsync(CancellationToken cancellationToken) => database.MigrateAsync(Schema, cancellationToken);

    public async Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The head read and the insert hold the audit write lock: no other append (any process) runs in between.
        await using var transaction = await database.BeginSerializedAsync(connection, WriteLock, cancellationToken);
        var head = await HeadAsync(connection, transaction, cancellationToken);
        var record = AuditChain.Seal(head.Sequence + 1, auditEvent, head.Hash);
        await connection.ExecuteAsync(
            $"INSERT INTO audit_events ({Columns}) VALUES (@seq, @at, @user, @role, @action, @op, @resource, @outcome, @request, @client, @prev, @hash)",
            cancellationToken,
            transaction,
            ("@seq", record.Sequence),
            ("@at", auditEvent.OccurredAtText),
            ("@user", auditEvent.User),
            ("@role", auditEvent.Role),
            ("@action", auditEvent.Action),
            ("@op", auditEvent.Operation.ToString()),
            ("@resource", auditEvent.Resource),
            ("@outcome", auditEvent.Outcome.ToString()),
            ("@request", auditEvent.RequestId),
            ("@client", auditEvent.ClientAddress),
            ("@prev", record.PreviousHash),
            ("@hash", record.Hash));
        await transaction.CommitAsync(cancellationToken);
        return record;
    }

    public async Task<AuditChainHead> GetHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await HeadAsync(connection, null, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM audit_events WHERE seq > @after ORDER BY seq LIMIT @limit", null, ("@after", afterSequence), ("@limit", (long)limit));
        return await ReadRecordsAsync(command, cancellationToken);
    }

    public async Task<long?> FindSequenceByHashAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var seq = await connection.ScalarAsync("SELECT seq FROM audit_events WHERE hash = @hash ORDER BY seq LIMIT 1", cancellationToken, null, ("@hash", hash));
        return seq is null ? null : Convert.ToInt64(seq, CultureInfo.InvariantCulture);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new StringBuilder("WHERE 1 = 1");
        AddMatch(command, where, "user_id", "@user", query.User, allowPrefix: false);
        AddMatch(command, where, "action", "@action", query.Action, allowPrefix: true);
        AddMatch(command, where, "resource", "@resource", query.Resource, allowPrefix: true);
        if (query.Outcome is { } outcome)
        {
            where.Append(" AND outcome = @outcome");
            command.With("@outcome", outcome.ToString());
        }

        if (query.From is { } from)
        {
            where.Append(" AND occurred_at >= @from");
            command.With("@from", AuditEvent.FormatTime(from));
        }

        if (query.To is { } to)
        {
            where.Append(" AND occurred_at < @to");
            command.With("@to", AuditEvent.FormatTime(to));
        }

        if (query.Cursor is { } cursor)
        {
            where.Append(query.NewestFirst ? " AND seq < @cursor" : " AND seq > @cursor");
            command.With("@cursor", cursor);
        }

        command.CommandText = $"SELECT {Columns} FROM audit_events {where} ORDER BY seq {(query.NewestFirst ? "DESC" : "ASC")} LIMIT @limit";
        command.With("@limit", (long)limit + 1);
        var rows = await ReadRecordsAsync(command, cancellationToken);
        if (rows.Count <= limit)
        {
            return new AuditPage(rows, null);
        }

        var page = rows.Take(limit).ToList();
        return new AuditPage(page, page[^1].Sequence);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return Convert.ToInt64(await connection.ScalarAsync("SELECT COUNT(*) FROM audit_events", cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<bool> TryAddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // No row inserted: another process took the id first.
        return await connection.ExecuteAsync(
            """
            INSERT INTO audit_checkpoints (id, seq, head_hash, created_at, key_id, prev_signature, signature)
            VALUES (@id, @seq, @head, @at, @key, @prev, @sig) ON CONFLICT (id) DO NOTHING
            """,
            cancellationToken,
            null,
            ("@id", checkpoint.Id),
            ("@seq", checkpoint.Sequence),
            ("@head", checkpoint.HeadHash),
            ("@at", AuditEvent.FormatTime(checkpoint.CreatedAt)),
            ("@key", checkpoint.KeyId),
            ("@prev", checkpoint.PreviousSignature),
            ("@sig", checkpoint.Signature)) == 1;
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT id, seq, head_hash, created_at, key_id, prev_signature, signature FROM audit_checkpoints ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<AuditCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AuditCheckpoint(
                reader.GetInteger(0), reader.GetInteger(1), reader.GetString(2), AuditEvent.ParseTime(reader.GetString(3)),
                reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }

        return result;
    }

    private static void AddMatch(DbCommand command, StringBuilder where, string column, string parameter, string? value, bool allowPrefix)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (allowPrefix && value.EndsWith('*'))
        {
            // substr comparison instead of LIKE: no escaping of % and _ in identifiers.
            where.Append(CultureInfo.InvariantCulture, $" AND substr({column}, 1, length({parameter})) = {parameter}");
            command.With(parameter, value[..^1]);
        }
        else
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {column} = {parameter}");
            command.With(parameter, value);
        }
    }

    private static async Task<AuditChainHead> HeadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT seq, hash, occurred_at FROM audit_events ORDER BY seq DESC LIMIT 1", transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AuditChainHead(reader.GetInteger(0), reader.GetString(1), AuditEvent.ParseTime(reader.GetString(2)))
            : new AuditChainHead(0, AuditChain.GenesisHash, null);
    }

    private static async Task<IReadOnlyList<AuditRecord>> ReadRecordsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            // Stored values are read back verbatim (unknown enum text becomes an out-of-range value) so verification,
            // not parsing, decides whether a tampered row is valid.
            var auditEvent = new AuditEvent(
                ParseTimeLenient(reader.GetString(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                Enum.TryParse<AuditOperation>(reader.GetString(5), out var op) ? op : (AuditOperation)(-1),
                reader.GetString(6),
                Enum.TryParse<AuditOutcome>(reader.GetString(7), out var outcome) ? outcome : (AuditOutcome)(-1),
                reader.GetString(8),
                reader.GetString(9));
            result.Add(new AuditRecord(reader.GetInteger(0), auditEvent, reader.GetString(10), reader.GetString(11)));
        }

        return result;
    }

    private static DateTimeOffset ParseTimeLenient(string text) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : DateTimeOffset.MinValue;
}
