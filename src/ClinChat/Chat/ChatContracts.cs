using System.Text.Json.Serialization;
using ClinChat.Retrieval.Answering;
using ClinChat.Retrieval.Search;

namespace ClinChat.Chat;

/// <summary>One search result as the CLI and HTTP contracts show it.</summary>
internal sealed record SearchResultDto(
    [property: JsonPropertyName("document_id")] string DocumentId,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("chunk")] string Chunk)
{
    public static SearchResultDto From(SearchHit hit) =>
        new(hit.DocumentId, hit.Title, hit.Url, Math.Round(hit.Score, 6), hit.Chunk.Text);
}

internal sealed record SearchResponse([property: JsonPropertyName("results")] IReadOnlyList<SearchResultDto> Results)
{
    public static SearchResponse From(SearchOutcome outcome) => new(outcome.Hits.Select(SearchResultDto.From).ToList());
}

internal sealed record CitationDto(
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("document_id")] string DocumentId,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("quote")] string Quote);

/// <summary>The `ask` contract: answer, abstained, citations, disclaimer (other fields may follow).</summary>
internal sealed record AnswerDto(
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("abstained")] bool Abstained,
    [property: JsonPropertyName("citations")] IReadOnlyList<CitationDto> Citations,
    [property: JsonPropertyName("disclaimer")] string Disclaimer)
{
    public static AnswerDto From(GroundedAnswer answer) => new(
        answer.Answer,
        answer.Abstained,
        answer.Citations.Select(c => new CitationDto(c.N, c.DocumentId, c.Title, c.Url, c.Quote)).ToList(),
        answer.Disclaimer);
}
