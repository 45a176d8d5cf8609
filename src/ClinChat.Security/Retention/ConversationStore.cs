using System.Data.Common;
using System.Security.Cryptography;
using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Storage.Database;

namespace ClinChat.Security.Retention;

/// <summary>
/// Conversation history (tables <c>conversations</c> and <c>conversation_turns</c>) in the shared store database, SQLite
/// or PostgreSQL. Question and answer columns hold <see cref="FieldProtector"/> ciphertext bound to their conversation,
/// turn and column.
/// </summary>
public sealed class ConversationStore : IConversationStore
{
    public const string QuestionField = "conversation_turns.question";
    public const string AnswerField = "conversation_turns.answer";

    public static readonly SchemaMigration Schema = new("conversations", 1,
        Sqlite: """
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
            """,
        PostgreSql: """
            CREATE TABLE IF NOT EXISTS conversations (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                created_at TEXT COLLATE "C" NOT NULL,
                last_activity_at TEXT COLLATE "C" NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_conversations_user ON conversations(user_id, last_activity_at);
            CREATE INDEX IF NOT EXISTS ix_conversations_activity ON conversations(last_activity_at);
            CREATE TABLE IF NOT EXISTS conversation_turns (
                conversation_id TEXT NOT NULL,
                turn BIGINT NOT NULL,
                asked_at TEXT COLLATE "C" NOT NULL,
                question BYTEA NOT NULL,
                answer BYTEA NOT NULL,
                PRIMARY KEY (conversation_id, turn)
            );
            """);

    private readonly StoreDatabase _database;
    private readonly FieldProtector _protector;
    private readonly TimeProvider _time;

    public ConversationStore(StoreDatabase database, FieldProtector protector, TimeProvider time)
    {
        _database = database;
        _protector = protector;
        _time = time;
        protector.Keys.RegisterEncryptedField(QuestionField);
        protector.Keys.RegisterEncryptedField(AnswerField);
    }

    public Task MigrateAsync(CancellationToken cancellationToken) => _database.MigrateAsync(Schema, cancellationToken);

    public async Task<string> StartAsync(string userId, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = AuditEvent.FormatTime(_time.GetUtcNow());
        await using var connection = await _database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO conversations (id, user_id, created_at, last_activity_at) VALUES (@id, @user, @now, @now)",
            cancellationToken, null, ("@id", id), ("@user", userId), ("@now", now));
        return id;
    }

    public async Task<int> AppendTurnAsync(string conversationId, string question, string answer, CancellationToken cancellationToken)
    {
        var now = AuditEvent.FormatTime(_time.GetUtcNow());
        await using var connection = await _database.OpenAsync(cancellationToken);
        // Turn numbers are handed out under a per-conversation lock: two answers landing at once get turns n and n+1.
        await using var transaction = await _database.BeginSerializedAsync(connection, "conversation:" + conversationId, cancellationToken);
        int turn;
        await using (var next = connection.Command(
            """
            SELECT (SELECT COUNT(*) FROM conversations WHERE id = @id),
                   COALESCE((SELECT MAX(turn) FROM conversation_turns WHERE conversation_id = @id), 0) + 1
            """, transaction, ("@id", conversationId)))
        {
            await using var reader = await next.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInteger(0) == 0)
            {
                throw new KeyNotFoundException("The conversation does not exist.");
            }

            turn = (int)reader.GetInteger(1);
        }

        await connection.ExecuteAsync(
            "INSERT INTO conversation_turns (conversation_id, turn, asked_at, question, answer) VALUES (@id, @turn, @at, @q, @a)",
            cancellationToken,
            transaction,
            ("@id", conversationId),
            ("@turn", (long)turn),
            ("@at", now),
            ("@q", _protector.Protect(question, Context(QuestionField, conversationId, turn))),
            ("@a", _protector.Protect(answer, Context(AnswerField, conversationId, turn))));
        await connection.ExecuteAsync(
            "UPDATE conversations SET last_activity_at = @now WHERE id = @id", cancellationToken, transaction, ("@id", conversationId), ("@now", now));
        await transaction.CommitAsync(cancellationToken);
        return turn;
    }

    public async Task<Conversation?> GetAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        ConversationSummary? header;
        await using (var command = connection.Command(
            "SELECT id, user_id, created_at, last_activity_at, 0 FROM conversations WHERE id = @id", null, ("@id", conversationId)))
        {
            header = (await ReadSummariesAsync(command, cancellationToken)).FirstOrDefault();
        }

        if (header is null)
        {
            return null;
        }

        var turns = new List<ConversationTurn>();
        await using (var command = connection.Command(
            "SELECT turn, asked_at, question, answer FROM conversation_turns WHERE conversation_id = @id ORDER BY turn", null, ("@id", conversationId)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var turn = (int)reader.GetInteger(0);
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
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT c.id, c.user_id, c.created_at, c.last_activity_at,
                   (SELECT COUNT(*) FROM conversation_turns t WHERE t.conversation_id = c.id)
            FROM conversations c WHERE c.user_id = @user ORDER BY c.last_activity_at DESC LIMIT @limit
            """,
            null,
            ("@user", userId),
            ("@limit", (long)Math.Clamp(limit, 1, 1000)));
        return await ReadSummariesAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string conversationId, CancellationToken cancellationToken) =>
        await DeleteWhereAsync("id = @p", conversationId, cancellationToken) > 0;

    public Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        DeleteWhereAsync("last_activity_at < @p", AuditEvent.FormatTime(cutoff), cancellationToken);

    internal static string Context(string field, string conversationId, int turn) => $"{field}:{conversationId}:{turn}";

    private async Task<int> DeleteWhereAsync(string condition, string parameter, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        if (_database.Provider == DatabaseProvider.Sqlite)
        {
            // Overwrite freed pages: the text is ciphertext anyway, but deleted rows should not linger in the file.
            // (PostgreSQL reclaims dead rows with VACUUM.)
            await connection.ExecuteAsync("PRAGMA secure_delete = ON;", cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            $"DELETE FROM conversation_turns WHERE conversation_id IN (SELECT id FROM conversations WHERE {condition})",
            cancellationToken, transaction, ("@p", parameter));
        var deleted = await connection.ExecuteAsync($"DELETE FROM conversations WHERE {condition}", cancellationToken, transaction, ("@p", parameter));
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private static async Task<IReadOnlyList<ConversationSummary>> ReadSummariesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<ConversationSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ConversationSummary(reader.GetString(0), reader.GetString(1), AuditEvent.ParseTime(reader.GetString(2)),
                AuditEvent.ParseTime(reader.GetString(3)), (int)reader.GetInteger(4)));
        }

        return result;
    }
}
