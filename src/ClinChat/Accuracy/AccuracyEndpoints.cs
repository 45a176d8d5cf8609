using System.Text.Json;
using System.Text.Json.Serialization;
using ClinChat.Identity.Tokens;
using ClinChat.Security.Retention;
using ClinChat.Storage.Database;
using ClinChat.Storage.Feedback;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClinChat.Accuracy;

/// <summary>
/// Feedback on one answer: the turn (as the chat response numbers it), a rating and an optional reason, all from fixed
/// vocabularies. There is deliberately no comment field: free text would be a path for patient details into storage,
/// so any other field is refused.
/// </summary>
internal sealed record FeedbackRequest(int? Turn, string? Rating, string? Reason)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? OtherFields { get; init; }
}

internal sealed record FeedbackResponse(
    [property: JsonPropertyName("conversation_id")] string ConversationId,
    [property: JsonPropertyName("turn")] int Turn,
    [property: JsonPropertyName("rating")] string Rating,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("given_at")] DateTimeOffset GivenAt,
    [property: JsonPropertyName("replaced")] bool Replaced);

internal sealed record GoldenOutcomeDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("expected")] IReadOnlyList<string> Expected,
    [property: JsonPropertyName("cited")] IReadOnlyList<string> Cited,
    [property: JsonPropertyName("outcome")] string Outcome);

internal sealed record GoldenRunDto(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset FinishedAt,
    [property: JsonPropertyName("questions")] int Questions,
    [property: JsonPropertyName("scored")] int Scored,
    [property: JsonPropertyName("skipped")] int Skipped,
    [property: JsonPropertyName("correct")] int Correct,
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("outcomes")] IReadOnlyList<GoldenOutcomeDto> Outcomes)
{
    public static GoldenRunDto From(GoldenRun run) => new(
        run.File, run.StartedAt, run.FinishedAt, run.Questions, run.Scored, run.Skipped, run.Correct, Round(run.Score),
        run.Outcomes.Select(o => new GoldenOutcomeDto(o.Question.Id, o.Question.Question, o.Question.Expected, o.Cited, VerdictName(o.Verdict))).ToList());

    public static string VerdictName(GoldenVerdict verdict) => verdict switch
    {
        GoldenVerdict.Correct => "correct",
        GoldenVerdict.WrongSource => "wrong_source",
        GoldenVerdict.Abstained => "abstained",
        GoldenVerdict.Answered => "answered",
        _ => "skipped",
    };

    internal static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;
}

internal sealed record FeedbackSummaryDto(
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("window_days")] double WindowDays,
    [property: JsonPropertyName("items")] int Items,
    [property: JsonPropertyName("correct")] int Correct,
    [property: JsonPropertyName("partially_correct")] int PartiallyCorrect,
    [property: JsonPropertyName("incorrect")] int Incorrect,
    [property: JsonPropertyName("score")] double? Score);

/// <summary>`GET /api/admin/accuracy`: the gauge's value and what it was computed from.</summary>
internal sealed record AccuracyResponse(
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("golden_score")] double? GoldenScore,
    [property: JsonPropertyName("feedback_score")] double? FeedbackScore,
    [property: JsonPropertyName("feedback_weight")] int FeedbackWeight,
    [property: JsonPropertyName("golden")] GoldenRunDto? Golden,
    [property: JsonPropertyName("feedback")] FeedbackSummaryDto? Feedback);

/// <summary>Clinician feedback on answers and the clinical accuracy score (golden set + feedback).</summary>
internal static class AccuracyEndpoints
{
    public static IServiceCollection AddAccuracy(this IServiceCollection services)
    {
        services.AddOptions<AccuracyOptions>()
            .BindConfiguration(AccuracyOptions.Section)
            .Validate(
                o => o.ResolveGoldenSetFile() is not { } file || File.Exists(file),
                $"{AccuracyOptions.Section}:GoldenSetFile names a file that does not exist (leave it empty to switch the golden evaluation off)")
            .Validate(
                o => o.Interval > TimeSpan.Zero && o.FeedbackWindow > TimeSpan.Zero && o.FeedbackRefresh > TimeSpan.Zero,
                $"{AccuracyOptions.Section}:Interval, FeedbackWindow and FeedbackRefresh must be positive durations")
            .ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AccuracyOptions>>().Value);
        services.TryAddSingleton(sp => new AnswerFeedbackStore(sp.GetRequiredService<StoreDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddTransient<GoldenEvaluator>();
        services.TryAddSingleton<AccuracyMonitor>();
        services.AddHostedService<AccuracyEvaluationService>();
        return services;
    }

    public static IEndpointRouteBuilder MapAccuracyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/chat/{id}/feedback", GiveFeedbackAsync).WithTags("Chat");
        app.MapGet("/api/admin/accuracy", Accuracy).WithTags("Administration");
        return app;
    }

    private static async Task<Results<Ok<FeedbackResponse>, ValidationProblem, ProblemHttpResult>> GiveFeedbackAsync(
        string id, FeedbackRequest request, IConversationStore conversations, AnswerFeedbackStore feedback, AccuracyMonitor monitor,
        HttpContext http, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } problem)
        {
            return problem;
        }

        // Conversations are private: someone else's and a missing one look the same.
        var userId = http.User.FindFirst(ClinChatClaims.Subject)?.Value;
        if (userId is null || await conversations.GetAsync(id, cancellationToken) is not { } conversation || conversation.UserId != userId)
        {
            return NotFound("No such conversation.");
        }

        var turn = request.Turn!.Value;
        if (!conversation.Turns.Any(t => t.Turn == turn))
        {
            return NotFound("No such turn in this conversation.");
        }

        FeedbackVocabulary.TryParseRating(request.Rating, out var rating);
        FeedbackReason? reason = FeedbackVocabulary.TryParseReason(request.Reason, out var parsed) ? parsed : null;
        var (saved, replaced) = await feedback.SaveAsync(conversation.Id, turn, userId, rating, reason, cancellationToken);
        AccuracyLog.FeedbackRecorded(loggers.CreateLogger(typeof(AccuracyEndpoints)), FeedbackVocabulary.Name(rating), reason is { } r ? FeedbackVocabulary.Name(r) : "none", replaced);
        await monitor.RefreshFeedbackAsync(cancellationToken);
        return TypedResults.Ok(new FeedbackResponse(
            saved.ConversationId, saved.Turn, FeedbackVocabulary.Name(saved.Rating), saved.Reason is { } sr ? FeedbackVocabulary.Name(sr) : null,
            saved.GivenAt, replaced));
    }

    private static Ok<AccuracyResponse> Accuracy(AccuracyMonitor monitor)
    {
        var score = monitor.Score;
        var feedback = monitor.Feedback;
        return TypedResults.Ok(new AccuracyResponse(
            GoldenRunDto.Round(score.Combined),
            GoldenRunDto.Round(score.Golden),
            GoldenRunDto.Round(score.Feedback),
            score.FeedbackWeight,
            monitor.LastGoldenRun is { } run ? GoldenRunDto.From(run) : null,
            feedback is null ? null : new FeedbackSummaryDto(
                feedback.Since, monitor.Options.FeedbackWindow.TotalDays, feedback.Items, feedback.Correct, feedback.PartiallyCorrect,
                feedback.Incorrect, GoldenRunDto.Round(feedback.Accuracy))));
    }

    private static ValidationProblem? Validate(FeedbackRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.OtherFields is { Count: > 0 })
        {
            // The field names are not echoed: they are the caller's free text too.
            errors["body"] = ["only turn, rating and reason are accepted (feedback takes no free text)"];
        }

        if (request.Turn is not > 0)
        {
            errors["turn"] = ["turn must be the answer's turn number (1 or more)"];
        }

        if (!FeedbackVocabulary.TryParseRating(request.Rating, out _))
        {
            errors["rating"] = [$"rating must be one of {string.Join(", ", FeedbackVocabulary.Ratings)}"];
        }

        if (request.Reason is not null && !FeedbackVocabulary.TryParseReason(request.Reason, out _))
        {
            errors["reason"] = [$"reason must be one of {string.Join(", ", FeedbackVocabulary.Reasons)}, or left out"];
        }

        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }

    // TypedResults.Problem, not NotFound(ProblemDetails): only it sends the application/problem+json media type.
    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found", type: "https://tools.ietf.org/html/rfc9110#section-15.5.5");
}
