using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClinChat.Identity;
using ClinChat.Security.Audit;
using ClinChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Tests.Accuracy;

/// <summary>
/// The real web host in process on an empty knowledge base, with a golden set none of whose documents it holds: the
/// golden run scores nothing, so the accuracy gauge is exactly the feedback's accuracy.
/// </summary>
public sealed class FeedbackHostFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("feedback-data");

    public WebApplication App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Dictionary<string, string> Tokens { get; private set; } = [];

    internal AuditTrail Audit => App.Services.GetRequiredService<AuditTrail>();

    public static string UserOf(string role) => "fb-" + role.Replace('_', '-');

    public async Task InitializeAsync()
    {
        var golden = _data.Write("golden/other.jsonl", """
            {"id":"other-1","question":"How is gout treated?","expected":["other-hospital/gout.md"]}
            {"id":"other-2","question":"What is the capital of France?","expected":[]}
            """);
        (App, Client, Tokens) = await InProcessHost.StartAsync(
            Path.Combine(_data.Root, "data"), [Roles.Clinician, Roles.Pharmacist, Roles.Auditor], UserOf, $"--ClinChat:Accuracy:GoldenSetFile={golden}");
    }

    public async Task<(HttpStatusCode Status, string? MediaType, JsonNode? Body)> SendAsync(string method, string path, string? json, string? role)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[role]);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Asks a question as the clinician; returns the conversation id and the turn.</summary>
    public async Task<(string Conversation, int Turn)> AskAsync(string question, string? conversation = null)
    {
        var body = new JsonObject { ["question"] = question };
        if (conversation is not null)
        {
            body["conversation_id"] = conversation;
        }

        var (status, _, json) = await SendAsync("POST", "/api/chat", body.ToJsonString(), Roles.Clinician);
        Assert.Equal(HttpStatusCode.OK, status);
        return ((string)json!["conversation_id"]!, (int)json["turn"]!);
    }

    public Task<(HttpStatusCode Status, string? MediaType, JsonNode? Body)> FeedbackAsync(string conversation, string json, string role = Roles.Clinician) =>
        SendAsync("POST", $"/api/chat/{conversation}/feedback", json, role);

    public async Task<string> MetricsAsync()
    {
        using var response = await Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}

/// <summary>
/// `POST /api/chat/{id}/feedback`, the accuracy gauge it moves and `GET /api/admin/accuracy`. The tests share one host
/// and therefore its feedback; each test uses its own conversations, and the one test that reads the gauge's exact
/// value runs alone in its class.
/// </summary>
public sealed class FeedbackHttpTests(FeedbackHostFixture host) : IClassFixture<FeedbackHostFixture>
{
    private const string Marker = "quorvintal";

    [Fact]
    public async Task Feedback_OwnAnswer_IsStoredAndASecondOneReplacesIt()
    {
        var (conversation, turn) = await host.AskAsync("How is gout treated?");

        var first = await host.FeedbackAsync(conversation, $$"""{"turn":{{turn}},"rating":"incorrect","reason":"wrong_source"}""");
        var second = await host.FeedbackAsync(conversation, $$"""{"turn":{{turn}},"rating":"partially_correct"}""");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(conversation, (string?)first.Body!["conversation_id"]);
        Assert.Equal(turn, (int)first.Body["turn"]!);
        Assert.Equal("incorrect", (string?)first.Body["rating"]);
        Assert.Equal("wrong_source", (string?)first.Body["reason"]);
        Assert.False((bool)first.Body["replaced"]!);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.True((bool)second.Body!["replaced"]!);
        Assert.Null(second.Body["reason"]);
        var stored = await host.App.Services.GetRequiredService<Storage.Feedback.AnswerFeedbackStore>()
            .GetAsync(conversation, turn, FeedbackHostFixture.UserOf(Roles.Clinician), CancellationToken.None);
        Assert.Equal(Storage.Feedback.FeedbackRating.PartiallyCorrect, stored!.Rating);
    }

    [Theory]
    [InlineData("""{"rating":"correct"}""", "turn")]
    [InlineData("""{"turn":0,"rating":"correct"}""", "turn")]
    [InlineData("""{"turn":1}""", "rating")]
    [InlineData("""{"turn":1,"rating":"great"}""", "rating")]
    [InlineData("""{"turn":1,"rating":"Correct"}""", "rating")]
    [InlineData("""{"turn":1,"rating":"incorrect","reason":"it was rubbish"}""", "reason")]
    [InlineData("""{"turn":1,"rating":"incorrect","comment":"quorvintal for John Smith"}""", "body")]
    public async Task Feedback_BadBody_IsAValidationProblemNamingTheField(string json, string field)
    {
        var (conversation, _) = await host.AskAsync("How is warfarin reversed?");

        var (status, mediaType, body) = await host.FeedbackAsync(conversation, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.NotNull(body!["errors"]![field]);
        Assert.DoesNotContain(Marker, body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Smith", body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("rubbish", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"turn":"one","rating":"correct"}""")]
    [InlineData("""{"turn":1,"rating":""")]
    public async Task Feedback_MalformedJson_IsABadRequestProblem(string json)
    {
        var (conversation, _) = await host.AskAsync("How is hyperkalaemia treated?");

        var (status, mediaType, _) = await host.FeedbackAsync(conversation, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
    }

    [Fact]
    public async Task Feedback_UnknownConversationOrTurn_IsNotFound()
    {
        var (conversation, turn) = await host.AskAsync("How is asthma treated?");

        var unknownConversation = await host.FeedbackAsync("0123456789abcdef0123456789abcdef", """{"turn":1,"rating":"correct"}""");
        var unknownTurn = await host.FeedbackAsync(conversation, $$"""{"turn":{{turn + 1}},"rating":"correct"}""");

        Assert.Equal(HttpStatusCode.NotFound, unknownConversation.Status);
        Assert.Equal("application/problem+json", unknownConversation.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownTurn.Status);
        Assert.Equal("application/problem+json", unknownTurn.MediaType);
    }

    [Fact]
    public async Task Feedback_SomeoneElsesConversation_LooksLikeAMissingOne()
    {
        var (conversation, turn) = await host.AskAsync("How is sepsis treated?");

        var other = await host.FeedbackAsync(conversation, $$"""{"turn":{{turn}},"rating":"incorrect"}""", Roles.Pharmacist);
        var missing = await host.FeedbackAsync("fedcba9876543210fedcba9876543210", $$"""{"turn":{{turn}},"rating":"incorrect"}""", Roles.Pharmacist);

        Assert.Equal(HttpStatusCode.NotFound, other.Status);
        Assert.Equal(missing.Body!["detail"]!.ToJsonString(), other.Body!["detail"]!.ToJsonString());
        Assert.Null(await host.App.Services.GetRequiredService<Storage.Feedback.AnswerFeedbackStore>()
            .GetAsync(conversation, turn, FeedbackHostFixture.UserOf(Roles.Pharmacist), CancellationToken.None));
    }

    [Fact]
    public async Task Feedback_RoleThatCannotAsk_IsForbidden()
    {
        var (conversation, turn) = await host.AskAsync("How is delirium treated?");

        var (status, _, _) = await host.FeedbackAsync(conversation, $$"""{"turn":{{turn}},"rating":"correct"}""", Roles.Auditor);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Feedback_LeavesOneAuditEventNamingTheConversationOnly()
    {
        var (conversation, turn) = await host.AskAsync("How is cellulitis treated?");
        var before = (await host.Audit.Store.GetHeadAsync(CancellationToken.None)).Sequence;

        await host.FeedbackAsync(conversation, $$"""{"turn":{{turn}},"rating":"incorrect","reason":"unsafe"}""");

        var recorded = Assert.Single(await host.Audit.Store.ReadAsync(before, 100, CancellationToken.None)).Event;
        Assert.Equal("chat.feedback", recorded.Action);
        Assert.Equal(AuditOperation.Create, recorded.Operation);
        Assert.Equal(AuditOutcome.Success, recorded.Outcome);
        Assert.Equal($"conversation:{conversation}", recorded.Resource);
        Assert.Equal(FeedbackHostFixture.UserOf(Roles.Clinician), recorded.User);
    }

    [Fact]
    public async Task AdminAccuracy_ShowsTheGoldenRunAndTheFeedback_ToAuditorsOnly()
    {
        var (status, _, body) = await host.SendAsync("GET", "/api/admin/accuracy", null, Roles.Auditor);
        var clinician = await host.SendAsync("GET", "/api/admin/accuracy", null, Roles.Clinician);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Forbidden, clinician.Status);
        var golden = body!["golden"]!;
        Assert.Equal("other.jsonl", (string?)golden["file"]);
        Assert.Equal(2, (int)golden["questions"]!);
        Assert.Equal(0, (int)golden["scored"]!);
        Assert.Null(golden["score"]);
        Assert.All(golden["outcomes"]!.AsArray(), o => Assert.Equal("skipped", (string?)o!["outcome"]));
        Assert.Equal(7, (double)body["feedback"]!["window_days"]!);
    }
}

/// <summary>
/// Hosts in one process share meters by name (OpenTelemetry listens by name, not by the host's meter factory), so another
/// test host's golden run or feedback would show in this host's scrape: this collection runs alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AccuracyMetricCollection
{
    public const string Name = "accuracy-metric";
}

/// <summary>The gauge after feedback, on a host of its own so that no other test's feedback is counted.</summary>
[Collection(AccuracyMetricCollection.Name)]
public sealed class AccuracyMetricTests(FeedbackHostFixture host) : IClassFixture<FeedbackHostFixture>
{
    private const string Gauge = "clinchat_clinical_accuracy_score";

    [Fact]
    public async Task Gauge_FollowsFeedback_WithFixedLabelsOnly()
    {
        Assert.Null(GaugeValue(await host.MetricsAsync()));

        var (conversation, first) = await host.AskAsync("Patient John Smith, MRN 48213377: how is zorblaxitol dosed?");
        var (_, second) = await host.AskAsync("And in kidney failure?", conversation);
        Assert.Equal(HttpStatusCode.OK, (await host.FeedbackAsync(conversation, $$"""{"turn":{{first}},"rating":"correct"}""")).Status);
        await WaitForGaugeAsync(1.0);

        await host.FeedbackAsync(conversation, $$"""{"turn":{{first}},"rating":"incorrect","reason":"outdated"}""");
        await WaitForGaugeAsync(0.0);

        await host.FeedbackAsync(conversation, $$"""{"turn":{{second}},"rating":"partially_correct","reason":"incomplete"}""");
        var metrics = await WaitForGaugeAsync(0.25);

        var (_, _, accuracy) = await host.SendAsync("GET", "/api/admin/accuracy", null, Roles.Auditor);
        Assert.Equal(0.25, (double)accuracy!["score"]!);
        Assert.Equal(2, (int)accuracy["feedback"]!["items"]!);

        // The gauge carries no label of its own (the exporter adds only its scope), and nothing of the questions
        // or the conversation reaches any series.
        foreach (var line in metrics.Split('\n').Where(l => l.StartsWith(Gauge, StringComparison.Ordinal)))
        {
            var labels = Regex.Match(line, @"\{(?<labels>[^}]*)\}").Groups["labels"].Value;
            Assert.All(labels.Split(',', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("otel_scope_", l, StringComparison.Ordinal));
        }

        foreach (var text in new[] { "zorblaxitol", "Smith", "48213377", "kidney failure", conversation, "outdated", "incomplete" })
        {
            Assert.DoesNotContain(text, metrics, StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<string> WaitForGaugeAsync(double expected)
    {
        // The exporter caches a scrape briefly; the value is set before the feedback response returns.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var metrics = await host.MetricsAsync();
            var value = GaugeValue(metrics);
            if (value is { } v && Math.Abs(v - expected) < 1e-9)
            {
                return metrics;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Gauge} is {value?.ToString(CultureInfo.InvariantCulture) ?? "absent"}, expected {expected}");
            await Task.Delay(100);
        }
    }

    private static double? GaugeValue(string metrics)
    {
        var match = Regex.Match(metrics, $@"^{Gauge}(\{{[^}}]*\}})? (?<value>\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) : null;
    }
}
