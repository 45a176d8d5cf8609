using System.Text.Json;
using ClinChat.Chat;

namespace ClinChat.Accuracy;

/// <summary>
/// One golden question: what to ask and the documents a correct answer cites (at least one of them). An empty
/// <see cref="Expected"/> marks a question the knowledge base does not cover: abstaining is the correct answer.
/// </summary>
internal sealed record GoldenQuestion(string Id, string Question, IReadOnlyList<string> Expected)
{
    public bool ExpectsAbstention => Expected.Count == 0;
}

/// <summary>The golden set file is unreadable or malformed. The message names the line, never the question text.</summary>
internal sealed class GoldenSetFormatException(string message) : Exception(message);

/// <summary>
/// The golden question set: JSON lines <c>{"id"?, "question", "expected": ["document-id", …]}</c>, blank lines and
/// lines starting with <c>#</c> ignored. Ids default to <c>line-N</c> and must be unique.
/// </summary>
internal static class GoldenSet
{
    /// <summary>The set shipped for the starter knowledge base (<c>knowledge/golden/starter.jsonl</c> beside the executable).</summary>
    public static string BuiltInFile => Path.Combine(AppContext.BaseDirectory, "knowledge", "golden", "starter.jsonl");

    public static async Task<IReadOnlyList<GoldenQuestion>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GoldenSetFormatException($"the golden set file cannot be read ({e.GetType().Name})");
        }

        return Parse(lines);
    }

    public static IReadOnlyList<GoldenQuestion> Parse(IReadOnlyList<string> lines)
    {
        var questions = new List<GoldenQuestion>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var question = ParseLine(line, i + 1);
            if (!ids.Add(question.Id))
            {
                throw new GoldenSetFormatException($"line {i + 1}: the id is used by an earlier line");
            }

            questions.Add(question);
        }

        return questions;
    }

    private static GoldenQuestion ParseLine(string line, int number)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            throw new GoldenSetFormatException($"line {number}: not a JSON object");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new GoldenSetFormatException($"line {number}: not a JSON object");
            }

            var question = root.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()!.Trim() : string.Empty;
            if (question.Length == 0 || question.Length > ChatEndpoints.MaxQuestionLength)
            {
                throw new GoldenSetFormatException($"line {number}: \"question\" must be a non-empty string of at most {ChatEndpoints.MaxQuestionLength} characters");
            }

            if (!root.TryGetProperty("expected", out var expected) || expected.ValueKind != JsonValueKind.Array
                || expected.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString())))
            {
                throw new GoldenSetFormatException($"line {number}: \"expected\" must be an array of document ids (empty when the answer should abstain)");
            }

            var id = $"line-{number}";
            if (root.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind == JsonValueKind.String && idElement.GetString() is { Length: > 0 and <= 200 } value
                    ? value
                    : throw new GoldenSetFormatException($"line {number}: \"id\" must be a non-empty string of at most 200 characters");
            }

            return new GoldenQuestion(id, question, expected.EnumerateArray().Select(e => e.GetString()!.Trim()).Distinct(StringComparer.Ordinal).ToList());
        }
    }
}
