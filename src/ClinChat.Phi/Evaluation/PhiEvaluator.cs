using System.Diagnostics;

namespace ClinChat.Phi.Evaluation;

public sealed record LabelRecall(string Label, int GoldTokens, int FoundTokens)
{
    public double Recall => GoldTokens == 0 ? 1 : (double)FoundTokens / GoldTokens;
}

public sealed record PhiEvaluationReport(
    int Documents,
    long Characters,
    int GoldTokens,
    int FoundGoldTokens,
    int PredictedTokens,
    int CorrectPredictedTokens,
    TimeSpan DetectionTime,
    IReadOnlyList<LabelRecall> PerLabel,
    IReadOnlyList<KeyValuePair<string, int>> TopMisses,
    IReadOnlyList<KeyValuePair<string, int>> TopFalsePositives)
{
    public double Recall => GoldTokens == 0 ? 1 : (double)FoundGoldTokens / GoldTokens;

    public double Precision => PredictedTokens == 0 ? 1 : (double)CorrectPredictedTokens / PredictedTokens;

    public double F1 => FBeta(1);

    /// <summary>Weighs recall twice as much as precision: a missed identifier costs more than a redacted word.</summary>
    public double F2 => FBeta(2);

    public double KilobytesPerSecond => DetectionTime.TotalSeconds <= 0 ? 0 : Characters / 1024.0 / DetectionTime.TotalSeconds;

    private double FBeta(double beta)
    {
        var b2 = beta * beta;
        var denominator = b2 * Precision + Recall;
        return denominator == 0 ? 0 : (1 + b2) * Precision * Recall / denominator;
    }
}

/// <summary>
/// Token-level scoring: a token is a run of letters or digits; a gold token is found when any predicted span
/// overlaps it; a predicted token is correct when it overlaps a gold span. Tokens inside ignored gold spans
/// (labels that are not Safe Harbor identifiers, such as a bare year) count neither way.
/// </summary>
public static class PhiEvaluator
{
    public static PhiEvaluationReport Evaluate(IReadOnlyList<GoldDocument> documents, PhiDetector detector, int top = 20)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(detector);
        var predictions = new IReadOnlyList<PhiSpan>[documents.Count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < documents.Count; i++)
        {
            predictions[i] = detector.Detect(documents[i].Text);
        }

        clock.Stop();
        return Score(documents, predictions, clock.Elapsed, top);
    }

    public static PhiEvaluationReport Score(IReadOnlyList<GoldDocument> documents, IReadOnlyList<IReadOnlyList<PhiSpan>> predictions, TimeSpan elapsed, int top = 20)
    {
        int gold = 0, found = 0, predicted = 0, correct = 0;
        long characters = 0;
        var perLabel = new Dictionary<string, (int Gold, int Found)>(StringComparer.Ordinal);
        var misses = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var falsePositives = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

        for (var d = 0; d < documents.Count; d++)
        {
            var doc = documents[d];
            var text = doc.Text;
            characters += text.Length;
            var predictedSpans = predictions[d];
            foreach (var word in TextWords.Of(text))
            {
                var (start, end) = (word.Start.Value, word.End.Value);
                var isPredicted = false;
                foreach (var p in predictedSpans)
                {
                    if (p.Overlaps(start, end))
                    {
                        isPredicted = true;
                        break;
                    }
                }

                GoldSpan? goldSpan = null;
                var ignored = false;
                foreach (var g in doc.Spans)
                {
                    if (g.Start < end && start < g.End)
                    {
                        if (g.Type is null)
                        {
                            ignored = true;
                        }
                        else
                        {
                            goldSpan = g;
                            break;
                        }
                    }
                }

                if (goldSpan is { } gs)
                {
                    gold++;
                    var entry = perLabel.GetValueOrDefault(gs.Label);
                    if (isPredicted)
                    {
                        found++;
                        entry.Found++;
                    }
                    else
                    {
                        Count(misses, text.AsSpan(start, end - start));
                    }

                    entry.Gold++;
                    perLabel[gs.Label] = entry;
                }

                if (isPredicted && !ignored)
                {
                    predicted++;
                    if (goldSpan is not null)
                    {
                        correct++;
                    }
                    else
                    {
                        Count(falsePositives, text.AsSpan(start, end - start));
                    }
                }
            }
        }

        return new PhiEvaluationReport(
            documents.Count, characters, gold, found, predicted, correct, elapsed,
            perLabel.Select(p => new LabelRecall(p.Key, p.Value.Gold, p.Value.Found)).OrderByDescending(l => l.GoldTokens).ToList(),
            Top(misses, top), Top(falsePositives, top));
    }

    private static void Count(Dictionary<string, int> counts, ReadOnlySpan<char> token)
    {
        var key = token.ToString();
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    private static List<KeyValuePair<string, int>> Top(Dictionary<string, int> counts, int top) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top).ToList();
}
