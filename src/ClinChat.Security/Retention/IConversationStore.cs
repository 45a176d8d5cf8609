namespace ClinChat.Security.Retention;

/// <summary>One question and its answer, decrypted.</summary>
public sealed record ConversationTurn(int Turn, DateTimeOffset AskedAt, string Question, string Answer);

/// <summary>A conversation with its decrypted turns.</summary>
public sealed record Conversation(string Id, string UserId, DateTimeOffset CreatedAt, DateTimeOffset LastActivityAt, IReadOnlyList<ConversationTurn> Turns);

/// <summary>A conversation without its text (for listings).</summary>
public sealed record ConversationSummary(string Id, string UserId, DateTimeOffset CreatedAt, DateTimeOffset LastActivityAt, int Turns);

/// <summary>
/// Conversation history (<see cref="ConversationStore"/>: SQLite or PostgreSQL). Questions and answers are encrypted at rest by the
/// implementation; callers pass and receive plain text.
/// </summary>
public interface IConversationStore
{
    Task MigrateAsync(CancellationToken cancellationToken);

    Task<string> StartAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Appends a turn and returns its number (1-based).</summary>
    Task<int> AppendTurnAsync(string conversationId, string question, string answer, CancellationToken cancellationToken);

    Task<Conversation?> GetAsync(string conversationId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ConversationSummary>> ListAsync(string userId, int limit, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Deletes conversations whose last activity is before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
