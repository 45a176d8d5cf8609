using System.Globalization;
using System.Text;
using ClinChat.Security.Sqlite;
using Microsoft.Data.Sqlite;

namespace ClinChat.Security.Audit;

/// <summary>
/// The audit chain in SQLite (tables <c>audit_events</c> and <c>audit_checkpoints</c>, same file as the knowledge base is
/// fine). Appends run in a <c>BEGIN IMMEDIATE</c> transaction, so appends from the server and the CLI serialise.
/// </summary>
public sealed class SqliteAuditStore : IAuditStore
{
    private const string Columns = "seq, occurred_at, user_id, role, action, operation, resource, outcome, request_id, client_address, prev_hash, hash";
    private readonly string _connectionString;

    public SqliteAuditStore(string databasePath)
    {
        _connectionString = SqliteDatabase.ConnectionString(databasePath);
    }

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        SqliteDatabase.MigrateAsync(_connectionString, """
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
            """, cancellationToken);

    public async Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        // BeginTransaction() without 'deferred' issues BEGIN IMMEDIATE: the head read and the insert hold the write lock.
        await using var transaction = connection.BeginTransaction();
        var head = await HeadAsync(connection, transaction, cancellationToken);
        var record = AuditChain.Seal(head.Sequence + 1, auditEvent, head.Hash);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO audit_events ({Columns}) VALUES ($seq, $at, $user, $role, $action, $op, $resource, $outcome, $request, $client, $prev, $hash)";
            insert.Parameters.AddWithValue("$seq", record.Sequence);
            insert.Parameters.AddWithValue("$at", auditEvent.OccurredAtText);
            insert.Parameters.AddWithValue("$user", auditEvent.User);
            insert.Parameters.AddWithValue("$role", auditEvent.Role);
            insert.Parameters.AddWithValue("$action", auditEvent.Action);
            insert.Parameters.AddWithValue("$op", auditEvent.Operation.ToString());
            insert.Parameters.AddWithValue("$resource", auditEvent.Resource);
            insert.Parameters.AddWithValue("$outcome", auditEvent.Outcome.ToString());
            insert.Parameters.AddWithValue("$request", auditEvent.RequestId);
            insert.Parameters.AddWithValue("$client", auditEvent.ClientAddress);
            insert.Parameters.AddWithValue("$prev", record.PreviousHash);
            insert.Parameters.AddWithValue("$hash", record.Hash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return record;
    }

    public async Task<AuditChainHead> GetHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        return await HeadAsync(connection, null, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_events WHERE seq > $after ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadRecordsAsync(command, cancellationToken);
    }

    public async Task<long?> FindSequenceByHashAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM audit_events WHERE hash = $hash ORDER BY seq LIMIT 1";
        command.Parameters.AddWithValue("$hash", hash);
        return await command.ExecuteScalarAsync(cancellationToken) is long seq ? seq : null;
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new StringBuilder("WHERE 1 = 1");
        AddMatch(command, where, "user_id", "$user", query.User, allowPrefix: false);
        AddMatch(command, where, "action", "$action", query.Action, allowPrefix: true);
        AddMatch(command, where, "resource", "$resource", query.Resource, allowPrefix: true);
        if (query.Outcome is { } outcome)
        {
            where.Append(" AND outcome = $outcome");
            command.Parameters.AddWithValue("$outcome", outcome.ToString());
        }

        if (query.From is { } from)
        {
            where.Append(" AND occurred_at >= $from");
            command.Parameters.AddWithValue("$from", AuditEvent.FormatTime(from));
        }

        if (query.To is { } to)
        {
            where.Append(" AND occurred_at < $to");
            command.Parameters.AddWithValue("$to", AuditEvent.FormatTime(to));
        }

        if (query.Cursor is { } cursor)
        {
            where.Append(query.NewestFirst ? " AND seq < $cursor" : " AND seq > $cursor");
            command.Parameters.AddWithValue("$cursor", cursor);
        }

        command.CommandText = $"SELECT {Columns} FROM audit_events {where} ORDER BY seq {(query.NewestFirst ? "DESC" : "ASC")} LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit + 1);
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
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_events";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> TryAddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit_checkpoints (id, seq, head_hash, created_at, key_id, prev_signature, signature)
            VALUES ($id, $seq, $head, $at, $key, $prev, $sig)
            """;
        command.Parameters.AddWithValue("$id", checkpoint.Id);
        command.Parameters.AddWithValue("$seq", checkpoint.Sequence);
        command.Parameters.AddWithValue("$head", checkpoint.HeadHash);
        command.Parameters.AddWithValue("$at", AuditEvent.FormatTime(checkpoint.CreatedAt));
        command.Parameters.AddWithValue("$key", checkpoint.KeyId);
        command.Parameters.AddWithValue("$prev", checkpoint.PreviousSignature);
        command.Parameters.AddWithValue("$sig", checkpoint.Signature);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            return false; // SQLITE_CONSTRAINT: the id was taken.
        }
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ListCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, seq, head_hash, created_at, key_id, prev_signature, signature FROM audit_checkpoints ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<AuditCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AuditCheckpoint(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), AuditEvent.ParseTime(reader.GetString(3)),
                reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }

        return result;
    }

    private static void AddMatch(SqliteCommand command, StringBuilder where, string column, string parameter, string? value, bool allowPrefix)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (allowPrefix && value.EndsWith('*'))
        {
            // substr comparison instead of LIKE: no escaping of % and _ in identifiers.
            where.Append(CultureInfo.InvariantCulture, $" AND substr({column}, 1, length({parameter})) = {parameter}");
            command.Parameters.AddWithValue(parameter, value[..^1]);
        }
        else
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {column} = {parameter}");
            command.Parameters.AddWithValue(parameter, value);
        }
    }

    private static async Task<AuditChainHead> HeadAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT seq, hash, occurred_at FROM audit_events ORDER BY seq DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1), AuditEvent.ParseTime(reader.GetString(2)))
            : new AuditChainHead(0, AuditChain.GenesisHash, null);
    }

    private static async Task<IReadOnlyList<AuditRecord>> ReadRecordsAsync(SqliteCommand command, CancellationToken cancellationToken)
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
            result.Add(new AuditRecord(reader.GetInt64(0), auditEvent, reader.GetString(10), reader.GetString(11)));
        }

        return result;
    }

    private static DateTimeOffset ParseTimeLenient(string text) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : DateTimeOffset.MinValue;
}
