using System.Text.Json.Serialization;
using ClinChat.Hosting;
using ClinChat.Identity.Tokens;
using ClinChat.Security;
using ClinChat.Security.Retention;
using ClinChat.Logging;
using ClinChat.Interactions.Checking;
using ClinChat.Telemetry;
using ClinChat.Retrieval.Search;

namespace ClinChat.Chat;

/// <summary>A question; <c>conversation_id</c> continues one of the caller's own conversations (a new one starts otherwise).</summary>
internal sealed record ChatRequest(string? Question, [property: JsonPropertyName("conversation_id")] string? ConversationId = null);

internal sealed record SearchRequest(string? Query, string? Question, int? Top)
{
    [JsonIgnore]
    public string? Text => Query ?? Question;
}

internal sealed record ChatResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("abstained")] bool Abstained,
    [property: JsonPropertyName("abstention_reason")] string? AbstentionReason,
    [property: JsonPropertyName("citations")] IReadOnlyList<CitationDto> Citations,
    [property: JsonPropertyName("expansions")] IReadOnlyList<QueryExpansion> Expansions,
    [property: JsonPropertyName("phi_removed")] IReadOnlyList<string> PhiRemoved,
    [property: JsonPropertyName("drug_interactions")] DrugInteractionSection? DrugInteractions,
    [property: JsonPropertyName("disclaimer")] string Disclaimer,
    [property: JsonPropertyName("conversation_id")] string ConversationId,
    [property: JsonPropertyName("turn")] int Turn);

/// <summary>The separate, clearly marked interaction section of an answer whose question names two or more drugs.</summary>
internal sealed record DrugInteractionSection(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("report")] InteractionReport Report);

/// <summary>`POST /api/chat` and `POST /api/search`.</summary>
internal static class ChatEndpoints
{
    public const int MaxQuestionLength = 4000;

    private const string InteractionSource = "ClinChat curated drug interaction knowledge base (see GET /api/admin/drug-db/health)";

    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Chat");
        group.MapPost("/chat", AskAsync);
        group.MapPost("/search", SearchAsync);
        return app;
    }

    private static async Task<Results<Ok<ChatResponse>, ValidationProblem>> AskAsync(
        ChatRequest request, AskService ask, IConversationStore conversations, HttpContext http, ClinChatMetrics metrics, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (Validate(request.Question) is { } problem)
        {
            return problem;
        }

        var userId = http.User.FindFirst(ClinChatClaims.Subject)?.Value ?? "anonymous";
        if (request.ConversationId is { } continued
            && (await conversations.GetAsync(continued, cancellationToken) is not { } existing || existing.UserId != userId))
        {
            // Someone else's conversation and a missing one look the same.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["conversation_id"] = ["no such conversation"] });
        }

        var started = time.GetTimestamp();
        var result = await ask.AskAsync(request.Question!, cancellationToken);
        var elapsed = time.GetElapsedTime(started);
        metrics.RecordQuery(result.Answer.Abstained, elapsed);
        var logger = loggers.CreateLogger(typeof(ChatEndpoints));
        ChatLog.QuestionScreened(logger, request.Question!.Length, string.Join(",", result.PhiRemoved), result.ScreenedQuestion);
        ChatLog.Answered(logger, (long)elapsed.TotalMilliseconds, result.Answer.Abstained, result.Answer.Citations.Count);
        var dto = AnswerDto.From(result.Answer);

        // The turn is stored encrypted (question as screened, never the raw text); the audit event names only its id.
        var conversationId = request.ConversationId ?? await conversations.StartAsync(userId, cancellationToken);
        var turn = await conversations.AppendTurnAsync(conversationId, result.ScreenedQuestion, dto.Answer, cancellationToken);
        http.Items[AuditMiddleware.ResourceItem] = $"conversation:{conversationId}";
        var interactions = result.Interactions is { } report
            ? new DrugInteractionSection("Drug interaction check", InteractionSource, report)
            : null;
        return TypedResults.Ok(new ChatResponse(
            $"{conversationId}-{turn}",
            dto.Answer,
            dto.Abstained,
            result.Answer.AbstentionReason,
            dto.Citations,
            result.Outcome.Expansions,
            result.PhiRemoved,
            interactions,
            dto.Disclaimer,
            conversationId,
            turn));
    }

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(SearchRequest request, AskService ask, CancellationToken cancellationToken)
    {
        if (Validate(request.Text) is { } problem)
        {
            return problem;
        }

        if (request.Top is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["top"] = ["top must be between 1 and 100"] });
        }

        var outcome = await ask.SearchAsync(request.Text!, request.Top ?? 10, RetrievalMode.Hybrid, cancellationToken);
        return TypedResults.Ok(SearchResponse.From(outcome));
    }

    private static ValidationProblem? Validate(string? question) => question switch
    {
        null or "" => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["question"] = ["a question is required"] }),
        { Length: > MaxQuestionLength } => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["question"] = [$"at most {MaxQuestionLength} characters"] }),
        _ when string.IsNullOrWhiteSpace(question) => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["question"] = ["a question is required"] }),
        _ => null,
    };
}
