using ClinChat.Retrieval.Evaluation;

namespace ClinChat.Retrieval.Tests;

public sealed class RetrievalEvaluatorTests
{
    [Fact]
    public void Figures_RecallAndMrr_CountTheFirstGoldHit()
    {
        var evaluator = new RetrievalEvaluator();
        evaluator.Add(["a"], ["a", "b"], 10);
        evaluator.Add(["c", "x"], ["b", "x", "c"], 20);
        evaluator.Add(["z"], ["a", "b", "c", "d", "e", "z"], 30);
        evaluator.Add(["q"], ["a"], 40);

        var figures = evaluator.Figures("hybrid");

        Assert.Equal(("hybrid", 4), (figures.Name, figures.Queries));
        Assert.Equal(0.25, figures.RecallAt1, 6);
        Assert.Equal(0.5, figures.RecallAt5, 6);
        Assert.Equal(0.75, figures.RecallAt10, 6);
        Assert.Equal((1 + 0.5 + (1 / 6.0)) / 4, figures.MrrAt10, 6);
        Assert.Equal(20, figures.P50Milliseconds);
        Assert.Equal(40, figures.P95Milliseconds);
    }

    [Fact]
    public void Figures_NoQueries_AreZero()
    {
        var figures = new RetrievalEvaluator().Figures("dense");

        Assert.Equal((0, 0.0, 0.0), (figures.Queries, figures.RecallAt1, figures.MrrAt10));
    }

    [Fact]
    public void Load_QueryLines_ReadsQidQuestionGoldAndSkipsBlankLines()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["{\"qid\":\"q1\",\"question\":\"How is gout treated?\",\"gold_ids\":[\"gout/treatment.md\"]}", "", "{\"qid\":7,\"question\":\"Out of scope?\"}"]);

            var queries = RetrievalEvaluator_Load(path);

            Assert.Equal(2, queries.Count);
            Assert.Equal(("q1", "How is gout treated?"), (queries[0].Qid, queries[0].Question));
            Assert.Equal(["gout/treatment.md"], queries[0].GoldIds);
            Assert.Equal(("7", 0), (queries[1].Qid, queries[1].GoldIds.Count));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MalformedLine_NamesFileAndLine()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["{\"qid\":\"q1\",\"question\":\"ok\"}", "{not json"]);

            var error = Assert.Throws<FormatException>(() => RetrievalEvaluator_Load(path));

            Assert.StartsWith($"{Path.GetFileName(path)}:2:", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<EvalQuery> RetrievalEvaluator_Load(string path) => EvalQuery.Load(path, limit: 0);
}
