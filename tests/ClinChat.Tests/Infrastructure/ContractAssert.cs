using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClinChat.Tests.Infrastructure;

/// <summary>Checks of the documented JSON contracts (field names exactly, types, invariants).</summary>
public static partial class ContractAssert
{
    public static void HasExactly(JsonObject node, params string[] fields) =>
        Assert.Equal(fields.Order(StringComparer.Ordinal), node.Select(p => p.Key).Order(StringComparer.Ordinal));

    public static void HasAtLeast(JsonObject node, params string[] fields)
    {
        foreach (var field in fields)
        {
            Assert.True(node.ContainsKey(field), $"missing \"{field}\" in {node.ToJsonString()}");
        }
    }

    /// <summary>`{"results":[{"document_id","title","url","score","chunk"}]}`, best first.</summary>
    public static JsonArray SearchResponse(JsonObject response, int maxResults)
    {
        var results = Assert.IsType<JsonArray>(response["results"]);
        Assert.InRange(results.Count, 1, maxResults);
        double? previous = null;
        foreach (var result in results.Select(r => r!.AsObject()))
        {
            HasExactly(result, "document_id", "title", "url", "score", "chunk");
            Assert.False(string.IsNullOrEmpty((string?)result["document_id"]));
            Assert.False(string.IsNullOrEmpty((string?)result["title"]));
            Assert.False(string.IsNullOrEmpty((string?)result["chunk"]));
            var score = (double)result["score"]!;
            Assert.True(previous is null || score <= previous, "results must be best first");
            previous = score;
        }

        return results;
    }

    /// <summary>`{"answer","abstained","citations":[{"n","document_id","title","url","quote"}],"disclaimer"}` and its invariants.</summary>
    public static void AskResponse(JsonObject response)
    {
        HasAtLeast(response, "answer", "abstained", "citations", "disclaimer");
        Assert.False(string.IsNullOrWhiteSpace((string?)response["answer"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)response["disclaimer"]));
        var abstained = (bool)response["abstained"]!;
        var citations = Assert.IsType<JsonArray>(response["citations"]).Select(c => c!.AsObject()).ToList();
        if (abstained)
        {
            Assert.Empty(citations);
            return;
        }

        Assert.NotEmpty(citations);
        Assert.Equal(Enumerable.Range(1, citations.Count), citations.Select(c => (int)c["n"]!));
        foreach (var citation in citations)
        {
            HasExactly(citation, "n", "document_id", "title", "url", "quote");
        }

        // Every sentence of the answer carries a citation number and is part of that citation's quote.
        var answer = (string)response["answer"]!;
        var sentences = CitedSentence().Matches(answer);
        Assert.Equal(answer, string.Join(' ', sentences.Select(m => $"{m.Groups["text"].Value} [{m.Groups["n"].Value}]")));
        foreach (Match sentence in sentences)
        {
            var n = int.Parse(sentence.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var quote = (string)citations.Single(c => (int)c["n"]! == n)["quote"]!;
            Assert.Contains(sentence.Groups["text"].Value, quote, StringComparison.Ordinal);
        }
    }

    /// <summary>An RFC 7807 body with the status it was sent with.</summary>
    public static void ProblemDetails(ApiResponse response, int status)
    {
        Assert.Equal(status, (int)response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        var body = response.Object;
        HasAtLeast(body, "type", "title", "status");
        Assert.Equal(status, (int)body["status"]!);
        var text = body.ToJsonString();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?:^| )(?<text>.+?) \[(?<n>\d+)\](?= |$)", RegexOptions.Singleline)]
    private static partial Regex CitedSentence();
}
