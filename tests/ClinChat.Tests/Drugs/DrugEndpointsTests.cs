using System.Net;
using System.Text;
using System.Text.Json;

namespace ClinChat.Tests.Drugs;

public sealed class DrugEndpointsTests(DrugApiFixture api) : IClassFixture<DrugApiFixture>
{
    private static readonly string[] SeverityOrder = ["contraindicated", "major", "moderate", "minor"];

    [Fact]
    public async Task Check_KnownPair_ReturnsContractPayload()
    {
        var (response, body) = await api.CheckAsync("Coumadin", "Bactrim DS");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["medications", "unknown", "interactions"], PropertyNames(body));

        var medications = body.GetProperty("medications").EnumerateArray().ToArray();
        Assert.Equal(2, medications.Length);
        foreach (var medication in medications)
        {
            Assert.Equal(["input", "ingredients", "matched_by"], PropertyNames(medication));
        }

        Assert.Equal("Coumadin", medications[0].GetProperty("input").GetString());
        Assert.Equal(["warfarin"], Strings(medications[0].GetProperty("ingredients")));
        Assert.Equal("Bactrim DS", medications[1].GetProperty("input").GetString());
        Assert.Equal(["sulfamethoxazole", "trimethoprim"], Strings(medications[1].GetProperty("ingredients")).Order(StringComparer.Ordinal));
        Assert.Empty(body.GetProperty("unknown").EnumerateArray());

        var finding = body.GetProperty("interactions").EnumerateArray().First();
        Assert.Equal(["inputs", "ingredients", "severity", "mechanism", "effect", "management", "source"], PropertyNames(finding));
        Assert.Equal(["Coumadin", "Bactrim DS"], Strings(finding.GetProperty("inputs")));
        Assert.Contains("warfarin", Strings(finding.GetProperty("ingredients")));
        Assert.Equal("major", finding.GetProperty("severity").GetString());
        foreach (var field in new[] { "mechanism", "effect", "management", "source" })
        {
            Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty(field).GetString()), field);
        }
    }

    [Fact]
    public async Task Check_Regimen_ListsInteractionsMostSevereFirst()
    {
        // Minor (QT possible × possible), moderate, major and contraindicated pairs, typed in mild-to-severe order.
        var (response, body) = await api.CheckAsync("sertraline", "ibuprofen", "warfarin", "simvastatin", "clarithromycin", "ondansetron");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var severities = body.GetProperty("interactions").EnumerateArray().Select(f => f.GetProperty("severity").GetString()!).ToArray();
        Assert.True(severities.Length >= 4, string.Join(", ", severities));
        Assert.Equal("contraindicated", severities[0]);
        var ranks = severities.Select(s => Array.IndexOf(SeverityOrder, s)).ToArray();
        Assert.DoesNotContain(-1, ranks);
        Assert.Equal(ranks.Order(), ranks);
        Assert.Contains("major", severities);
        Assert.Contains("moderate", severities);
    }

    [Fact]
    public async Task Check_UnknownName_IsReportedNotDropped()
    {
        var (response, body) = await api.CheckAsync("warfarin", "zzqxnotadrug", "ibuprofen");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["zzqxnotadrug"], Strings(body.GetProperty("unknown")));
        var unknown = body.GetProperty("medications").EnumerateArray().Single(m => m.GetProperty("input").GetString() == "zzqxnotadrug");
        Assert.Empty(unknown.GetProperty("ingredients").EnumerateArray());
        // The known pair is still checked.
        Assert.Contains(body.GetProperty("interactions").EnumerateArray(), f => f.GetProperty("severity").GetString() == "major");
    }

    [Fact]
    public async Task Check_MisspelledAndBrandNames_ShowHowEachWasMatched()
    {
        var (_, body) = await api.CheckAsync("clarithromicin", "Zocor");

        var medications = body.GetProperty("medications").EnumerateArray().ToArray();
        Assert.Equal(["clarithromycin"], Strings(medications[0].GetProperty("ingredients")));
        Assert.Equal(["simvastatin"], Strings(medications[1].GetProperty("ingredients")));
        Assert.NotEqual(medications[0].GetProperty("matched_by").GetString(), medications[1].GetProperty("matched_by").GetString());
        Assert.Equal("contraindicated", body.GetProperty("interactions")[0].GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Check_NonInteractingPair_ReturnsNoInteractions()
    {
        var (response, body) = await api.CheckAsync("metformin", "atorvastatin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body.GetProperty("interactions").EnumerateArray());
        Assert.Empty(body.GetProperty("unknown").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"medications":[]}""")]
    [InlineData("""{"medications":null}""")]
    [InlineData("""{}""")]
    [InlineData("""{"medications":["warfarin",""]}""")]
    [InlineData("""{"medications":["warfarin","   "]}""")]
    [InlineData("""{"medications":["warfarin",null]}""")]
    public async Task Check_InvalidMedicationList_ReturnsValidationProblem(string json)
    {
        var (response, body) = await api.PostAsync(new StringContent(json, Encoding.UTF8, "application/json"));

        AssertValidationProblem(response, body);
    }

    [Fact]
    public async Task Check_OverlongName_ReturnsValidationProblem()
    {
        var (response, body) = await api.CheckAsync("warfarin", new string('a', 201));

        AssertValidationProblem(response, body);
    }

    [Fact]
    public async Task Check_TooManyMedications_ReturnsValidationProblem()
    {
        var names = Enumerable.Range(0, 101).Select(i => $"drug{i}").ToArray();

        var (response, body) = await api.CheckAsync(names);

        AssertValidationProblem(response, body);
    }

    [Theory]
    [InlineData("not json", "application/json")]
    [InlineData("""{"medications":"warfarin"}""", "application/json")]
    [InlineData("""{"medications":[1,2]}""", "application/json")]
    public async Task Check_MalformedBody_Returns400ProblemWithoutInternals(string content, string mediaType)
    {
        var (response, body) = await api.PostAsync(new StringContent(content, Encoding.UTF8, mediaType));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = body.ValueKind == JsonValueKind.Undefined ? string.Empty : body.GetRawText();
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_ReportsCountsSourcesAndPassingSelfTest()
    {
        var (response, body) = await api.HealthAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["status", "kb_version", "drugs", "brands", "rules", "expanded_pairs", "sources", "last_update", "self_test"],
            PropertyNames(body));
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Matches(@"^\d{4}\.\d+\.\d+\+[0-9a-f]{12}$", body.GetProperty("kb_version").GetString()!);
        Assert.True(body.GetProperty("drugs").GetInt32() > 1000);
        Assert.True(body.GetProperty("brands").GetInt32() > 800);
        Assert.True(body.GetProperty("rules").GetInt32() > 250);
        Assert.True(body.GetProperty("expanded_pairs").GetInt32() > body.GetProperty("rules").GetInt32());
        Assert.True(body.GetProperty("last_update").TryGetDateTimeOffset(out _));
        Assert.Contains(body.GetProperty("sources").EnumerateArray(), s => s.GetRawText().Contains("curated", StringComparison.Ordinal));

        var probes = body.GetProperty("self_test").EnumerateArray().ToArray();
        Assert.NotEmpty(probes);
        Assert.All(probes, p =>
        {
            Assert.Equal(["drugs", "expected", "actual", "passed"], PropertyNames(p));
            Assert.True(p.GetProperty("passed").GetBoolean(), p.GetRawText());
        });
    }

    private static void AssertValidationProblem(HttpResponseMessage response, JsonElement body)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = body.GetProperty("errors").GetProperty("medications").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Single(errors);
        Assert.False(string.IsNullOrWhiteSpace(errors[0]));
    }

    private static string[] PropertyNames(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
