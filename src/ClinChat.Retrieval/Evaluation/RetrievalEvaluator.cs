using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinChat.Retrieval.Evaluation;

/// <summary>An evaluation query: the question and every document id that answers it.</summary>
public sealed record EvalQuery(string Qid, string Question, IReadOnlyList<string> GoldIds)
{
    /// <summary>Reads JSON lines <c>{"qid","question","gold_ids":[…]}</c> (gold ids may be absent for out-of-scope sets).</summary>
    public static List<EvalQuery> Load(string path, int limit)
    {
        var queries = new List<EvalQuery>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                var qid = root.TryGetProperty("qid", out var q) ? q.ToString() : lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var question = root.GetProperty("question").GetString() ?? throw new FormatException("question is null");
                var gold = root.TryGetProperty("gold_ids", out var g) ? g.EnumerateArray().Select(e => e.ToString()).ToList() : [];
                queries.Add(new EvalQuery(qid, question, gold));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new FormatException($"{Path.GetFileName(path)}:{lineNumber}: expected {{\"qid\",\"question\",\"gold_ids\"}}");
            }

            if (limit > 0 && queries.Count == limit)
            {
                break;
            }
        }

        return queries;
    }
}

public sealed record RetrievalFigures(
    [property: JsonPropertyName("retriever")] string Name,
    [property: JsonPropertyName("queries")] int Queries,
    [property: JsonPropertyName("recall_at_1")] double RecallAt1,
    [property: JsonPropertyName("recall_at_5")] double RecallAt5,
    [property: JsonPropertyName("recall_at_10")] double RecallAt10,
    [property: JsonPropertyName("mrr_at_10")] double MrrAt10,
    [property: JsonPropertyName("p50_ms")] double P50Milliseconds,
    [property: JsonPropertyName("p95_ms")] double P95Milliseconds);

/// <summary>Accumulates ranked results against gold ids: a query is found at k when any gold id is in its top k.</summary>
public sealed class RetrievalEvaluator
{
    private readonly List<int> _firstGoldRanks = [];
    private readonly List<double> _latencies = [];

    public void Add(IReadOnlyList<string> goldIds, IReadOnlyList<string> rankedIds, double milliseconds)
    {
        var gold = goldIds.ToHashSet(StringComparer.Ordinal);
        var rank = 0;
        for (var i = 0; i < rankedIds.Count; i++)
        {
            if (gold.Contains(rankedIds[i]))
            {
                rank = i + 1;
                break;
            }
        }

        _firstGoldRanks.Add(rank);
        _latencies.Add(milliseconds);
    }

    public RetrievalFigures Figures(string name)
    {
        var n = Math.Max(1, _firstGoldRanks.Count);
        double RecallAt(int k) => _firstGoldRanks.Count(r => r > 0 && r <= k) / (double)n;
        var mrr = _firstGoldRanks.Sum(r => r > 0 && r <= 10 ? 1.0 / r : 0) / n;
        return new RetrievalFigures(name, _firstGoldRanks.Count, RecallAt(1), RecallAt(5), RecallAt(10), mrr, Percentile(_latencies, 0.5), Percentile(_latencies, 0.95));
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
