using System.Security.Cryptography;
using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Sqlite;
using Microsoft.Data.Sqlite;

namespace ClinChat.Security.Retention;

/// <summary>
/// Conversation history in SQLite (tables <c>conversations</c> and <c>conversation_turns</c>). Question and answer
/// columns hold <see cref="FieldProtector"/> ciphertext bound to their conversation, turn and column.
/// </summary>
public sealed class ConversationStore : IConversationStore
{
    public const string QuestionField = "conversation_turns.question";
    public const string AnswerField = "conversation_turns.answer";

    private readonly string _connectionString;
    private readonly FieldProtector _protector;
    private readonly TimeProvider _time;

    public ConversationStore(string databasePath, FieldProtector protector, TimeProvider time)
    {
        _connectionString = SqliteDatabase.ConnectionString(databasePath);
        _protector = protector;
        _time = time;
        protector.Keys.RegisterEncryptedField(QuestionField);
        protector.Keys.RegisterEncryptedField(AnswerField);
    }

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        SqliteDatabase.MigrateAsync(_connectionString, """
            CREATE TABLE IF NOT EXISTS conversations (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_activity_at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_conversations_user ON conversations(user_id, last_activity_at);
            CREATE INDEX IF NOT EXISTS ix_conversations_activity ON conversations(last_activity_at);
            CREATE TABLE IF NOT EXISTS conversation_turns (
                conversation_id TEXT NOT NULL,
                turn INTEGER NOT NULL,
                asked_at TEXT NOT NULL,
                question BLOB NOT NULL,
                answer BLOB NOT NULL,
                PRIMARY KEY (conversation_id, turn)
            );
            """, cancellationToken);

    public async Task<string> StartAsync(string userId, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = AuditEvent.FormatTime(_time.GetUtcNow());
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO conversations (id, user_id, created_at, last_activity_at) VALUES ($id, $user, $now, $now)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    public async Task<int> AppendTurnAsync(string conversationId, string question, string answer, CancellationToken cancellationToken)
    {
        var now = AuditEvent.FormatTime(_time.GetUtcNow());
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var transaction = connection.BeginTransaction();
        int turn;
        await using (var next = connection.CreateCommand())
        {
            next.Transaction = transaction;
            next.CommandText = """
                SELECT (SELECT COUNT(*) FROM conversations WHERE id = $id),
                       COALESCE((SELECT MAX(turn) FROM conversation_turns WHERE conversation_id = $id), 0) + 1
                """;
            next.Parameters.AddWithValue("$id", conversationId);
            await using var reader = await next.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(0) == 0)
            {
                throw new KeyNotFoundException("The conversation does not exist.");
            }

            turn = reader.GetInt32(1);
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO conversation_turns (conversation_id, turn, asked_at, question, answer) VALUES ($id, $turn, $at, $q, $a)";
            insert.Parameters.AddWithValue("$id", conversationId);
            insert.Parameters.AddWithValue("$turn", turn);
            insert.Parameters.AddWithValue("$at", now);
            insert.Parameters.AddWithValue("$q", _protector.Protect(question, Context(QuestionField, conversationId, turn)));
            insert.Parameters.AddWithValue("$a", _protector.Protect(answer, Context(AnswerField, conversationId, turn)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var touch = connection.CreateCommand())
        {
            touch.Transaction = transaction;
            touch.CommandText = "UPDATE conversations SET last_activity_at = $now WHERE id = $id";
            touch.Parameters.AddWithValue("$id", conversationId);
            touch.Parameters.AddWithValue("$now", now);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return turn;
    }

    public async Task<Conversation?> GetAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        ConversationSummary? header;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, user_id, created_at, last_activity_at, 0 FROM conversations WHERE id = $id";
            command.Parameters.AddWithValue("$id", conversationId);
            header = (await ReadSummariesAsync(command, cancellationToken)).FirstOrDefault();
        }

        if (header is null)
        {
            return null;
        }

        var turns = new List<ConversationTurn>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT turn, asked_at, question, answer FROM conversation_turns WHERE conversation_id = $id ORDER BY turn";
            command.Parameters.AddWithValue("$id", conversationId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var turn = reader.GetInt32(0);
                turns.Add(new ConversationTurn(
                    turn,
                    AuditEvent.ParseTime(reader.GetString(1)),
                    await _protector.UnprotectAsync((byte[])reader.GetValue(2), Context(QuestionField, conversationId, turn), cancellationToken),
                    await _protector.UnprotectAsync((byte[])reader.GetValue(3), Context(AnswerField, conversationId, turn), cancellationToken)));
            }
        }

        return new Conversation(header.Id, header.UserId, header.CreatedAt, header.LastActivityAt, turns);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.id, c.user_id, c.created_at, c.last_activity_at,
                   (SELECT COUNT(*) FROM conversation_turns t WHERE t.conversation_id = c.id)
            FROM conversations c WHERE c.user_id = $user ORDER BY c.last_activity_at DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
        return await ReadSummariesAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string conversationId, CancellationToken cancellationToken) =>
        await DeleteWhereAsync("id = $p", conversationId, cancellationToken) > 0;

    public Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        DeleteWhereAsync("last_activity_at < $p", AuditEvent.FormatTime(cutoff), cancellationToken);

    internal static string Context(string field, string conversationId, int turn) => $"{field}:{conversationId}:{turn}";

    private async Task<int> DeleteWhereAsync(string condition, string parameter, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_connectionString, cancellationToken);
        // Overwrite freed pages: the text is ciphertext anyway, but deleted rows should not linger in the file.
        await SqliteDatabase.ExecuteAsync(connection, "PRAGMA secure_delete = ON;", cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await using (var turns = connection.CreateCommand())
        {
            turns.Transaction = transaction;
            turns.CommandText = $"DELETE FROM conversation_turns WHERE conversation_id IN (SELECT id FROM conversations WHERE {condition})";
            turns.Parameters.AddWithValue("$p", parameter);
            await turns.ExecuteNonQueryAsync(cancellationToken);
        }

        int deleted;
        await using (var conversations = connection.CreateCommand())
        {
            conversations.Transaction = transaction;
            conversations.CommandText = $"DELETE FROM conversations WHERE {condition}";
            conversations.Parameters.AddWithValue("$p", parameter);
            deleted = await conversations.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private static async Task<IReadOnlyList<ConversationSummary>> ReadSummariesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<ConversationSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ConversationSummary(reader.GetString(0), reader.GetString(1), AuditEvent.ParseTime(reader.GetString(2)),
                AuditEvent.ParseTime(reader.GetString(3)), reader.GetInt32(4)));
        }

        return result;
    }
}
