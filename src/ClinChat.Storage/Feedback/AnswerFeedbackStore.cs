using System.Globalization;
using ClinChat.Storage.Database;

namespace ClinChat.Storage.Feedback;

/// <summary>A clinician's judgement of one answer. Fixed vocabularies only: feedback carries no free text.</summary>
public enum FeedbackRating
{
    Correct,
    PartiallyCorrect,
    Incorrect,
}

/// <summary>Why an answer was not (fully) correct.</summary>
public enum FeedbackReason
{
    WrongSource,
    Outdated,
    Unsafe,
    Incomplete,
    Other,
}

/// <summary>One user's feedback on one turn of a conversation (the latest, when given twice).</summary>
public sealed record AnswerFeedback(string ConversationId, int Turn, string UserId, FeedbackRating Rating, FeedbackReason? Reason, DateTimeOffset GivenAt);

/// <summary>Feedback given in a window: counts per rating and their accuracy (correct 1, partially correct 0.5, incorrect 0).</summary>
public sealed record FeedbackSummary(DateTimeOffset Since, int Correct, int PartiallyCorrect, int Incorrect)
{
    public int Items => Correct + PartiallyCorrect + Incorrect;

    /// <summary>Null when there is no feedback in the window.</summary>
    public double? Accuracy => Items == 0 ? null : (Correct + 0.5 * PartiallyCorrect) / Items;
}

/// <summary>The wire and column names of the feedback vocabularies (<c>partially_correct</c>, <c>wrong_source</c>, …).</summary>
public static class FeedbackVocabulary
{
    public static readonly IReadOnlyList<string> Ratings = ["correct", "partially_correct", "incorrect"];

    public static readonly IReadOnlyList<string> Reasons = ["wrong_source", "outdated", "unsafe", "incomplete", "other"];

    public static string Name(FeedbackRating rating) => Ratings[(int)rating];

    public static string Name(FeedbackReason reason) => Reasons[(int)reason];

    public static bool TryParseRating(string? name, out FeedbackRating rating) => TryParse(Ratings, name, out rating);

    public static bool TryParseReason(string? name, out FeedbackReason reason) => TryParse(Reasons, name, out reason);

    private static bool TryParse<T>(IReadOnlyList<string> names, string? name, out T value) where T : struct, Enum
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                value = (T)(object)i;
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>
/// Clinician feedback on answers (table <c>answer_feedback</c>) on either provider: one row per user and turn, a second
/// judgement replaces the first. Rows hold identifiers and fixed vocabularies only, never question or answer text.
/// </summary>
public sealed class AnswerFeedbackStore(StoreDatabase database, TimeProvider time)
{
    public static readonly SchemaMigration Schema = new("feedback", 1,
        Sqlite: """
            CREATE TABLE IF NOT EXISTS answer_feedback (
                conversation_id TEXT NOT NULL, turn INTEGER NOT NULL, user_id TEXT NOT NULL,
                rating TEXT NOT NULL, reason TEXT NULL, given_at TEXT NOT NULL,
                PRIMARY KEY (conversation_id, turn, user_id));
            CREATE INDEX IF NOT EXISTS ix_answer_feedback_given ON answer_feedback(given_at);
            """,
        PostgreSql: """
            CREATE TABLE IF NOT EXISTS answer_feedback (
                conversation_id TEXT NOT NULL, turn BIGINT NOT NULL, user_id TEXT NOT NULL,
                rating TEXT NOT NULL, reason TEXT NULL, given_at TEXT NOT NULL,
                PRIMARY KEY (conversation_id, turn, user_id));
            CREATE INDEX IF NOT EXISTS ix_answer_feedback_given ON answer_feedback(given_at);
            """);

    public StoreDatabase Database => database;

    public Task MigrateAsync(CancellationToken cancellationToken) => database.MigrateAsync(Schema, cancellationToken);

    /// <summary>Saves a user's feedback on a turn; returns the stored row and whether it replaced an earlier one.</summary>
    public async Task<(AnswerFeedback Feedback, bool Replaced)> SaveAsync(
        string conversationId, int turn, string userId, FeedbackRating rating, FeedbackReason? reason, CancellationToken cancellationToken)
    {
        var feedback = new AnswerFeedback(conversationId, turn, userId, rating, reason, time.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginSerializedAsync(connection, "answer_feedback", cancellationToken);
        var replaced = await connection.ScalarAsync(
            "SELECT 1 FROM answer_feedback WHERE conversation_id = @conversation AND turn = @turn AND user_id = @user",
            cancellationToken, transaction, ("@conversation", conversationId), ("@turn", (long)turn), ("@user", userId)) is not null;
        await connection.ExecuteAsync(
            """
            INSERT INTO answer_feedback (conversation_id, turn, user_id, rating, reason, given_at)
            VALUES (@conversation, @turn, @user, @rating, @reason, @given)
            ON CONFLICT (conversation_id, turn, user_id) DO UPDATE SET
                rating = excluded.rating, reason = excluded.reason, given_at = excluded.given_at
            """,
            cancellationToken, transaction,
            ("@conversation", conversationId), ("@turn", (long)turn), ("@user", userId), ("@rating", FeedbackVocabulary.Name(rating)),
            ("@reason", reason is { } r ? FeedbackVocabulary.Name(r) : null), ("@given", FormatTime(feedback.GivenAt)));
        await transaction.CommitAsync(cancellationToken);
        return (feedback, replaced);
    }

    public async Task<AnswerFeedback?> GetAsync(string conversationId, int turn, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT rating, reason, given_at FROM answer_feedback
            WHERE conversation_id = @conversation AND turn = @turn AND user_id = @user
            """,
            null, ("@conversation", conversationId), ("@turn", (long)turn), ("@user", userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new AnswerFeedback(conversationId, turn, userId, ParseRating(reader.GetString(0)),
            reader.GetNullableString(1) is { } reason ? ParseReason(reason) : null, ParseTime(reader.GetString(2)));
    }

    /// <summary>Counts per rating of the feedback given (or last replaced) at or after <paramref name="since"/>.</summary>
    public async Task<FeedbackSummary> SummarizeAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT rating, COUNT(*) FROM answer_feedback WHERE given_at >= @since GROUP BY rating", null, ("@since", FormatTime(since)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new int[FeedbackVocabulary.Ratings.Count];
        while (await reader.ReadAsync(cancellationToken))
        {
            if (FeedbackVocabulary.TryParseRating(reader.GetString(0), out var rating))
            {
                counts[(int)rating] = (int)reader.GetInteger(1);
            }
        }

        return new FeedbackSummary(since, counts[(int)FeedbackRating.Correct], counts[(int)FeedbackRating.PartiallyCorrect], counts[(int)FeedbackRating.Incorrect]);
    }

    // One fixed-width UTC format, so that text comparison in SQL is time order on both providers.
    private static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static FeedbackRating ParseRating(string value) =>
        FeedbackVocabulary.TryParseRating(value, out var rating) ? rating : throw new FormatException("answer_feedback.rating holds an unknown value.");

    private static FeedbackReason ParseReason(string value) =>
        FeedbackVocabulary.TryParseReason(value, out var reason) ? reason : throw new FormatException("answer_feedback.reason holds an unknown value.");
}
