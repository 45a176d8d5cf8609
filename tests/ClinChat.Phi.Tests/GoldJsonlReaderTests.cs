using ClinChat.Phi.Evaluation;

namespace ClinChat.Phi.Tests;

public sealed class GoldJsonlReaderTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"gold-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task ReadAsync_GoodFile_MapsTagNamesAndIgnoresUnknownTypes()
    {
        await File.WriteAllLinesAsync(_file,
        [
            """{"id": "n1", "text": "Seen by Dr. Quenby on 3/4/2024.", "spans": [{"start": 12, "end": 18, "type": "NAME"}, {"start": 22, "end": 30, "type": "date"}]}""",
            "",
            """{"id": 7, "text": "Plan: recheck in 2024.", "spans": [{"start": 17, "end": 21, "type": "YEAR"}]}""",
            """{"text": "No identifiers here."}""",
        ]);

        var documents = await GoldJsonlReader.ReadAsync(_file, CancellationToken.None);

        Assert.Equal(3, documents.Count);
        Assert.Equal("n1", documents[0].Id);
        Assert.Equal([new GoldSpan(12, 18, "NAME", PhiType.Name), new GoldSpan(22, 30, "DATE", PhiType.Date)], documents[0].Spans);
        Assert.Equal("7", documents[1].Id);
        Assert.Equal(new GoldSpan(17, 21, "YEAR", null), Assert.Single(documents[1].Spans));
        Assert.Equal($"{_file}:4", documents[2].Id);
        Assert.Empty(documents[2].Spans);
    }

    [Fact]
    public async Task ReadAsync_BadJsonLine_NamesFileAndLineButNotContent()
    {
        await File.WriteAllLinesAsync(_file,
        [
            """{"id": "n1", "text": "fine", "spans": []}""",
            """{"id": "n2", "text": "Ottoline Brackwater, MRN 4471""",
        ]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => GoldJsonlReader.ReadAsync(_file, CancellationToken.None));

        Assert.StartsWith($"{_file}:2: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Brackwater", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4471", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 40)]
    [InlineData(-1, 3)]
    [InlineData(5, 5)]
    public async Task ReadAsync_SpanOutsideText_NamesFileLineAndSpan(int start, int end)
    {
        await File.WriteAllLinesAsync(_file,
        [
            $$"""{"id": "n1", "text": "Call Ilse.", "spans": [{"start": 5, "end": 9, "type": "NAME"}, {"start": {{start}}, "end": {{end}}, "type": "NAME"}]}""",
        ]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => GoldJsonlReader.ReadAsync(_file, CancellationToken.None));

        Assert.StartsWith($"{_file}:1: span 2: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Ilse", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["text"]""")]
    [InlineData("""{"id": "n1"}""")]
    [InlineData("""{"text": "x", "spans": [{"start": "0", "end": 1, "type": "NAME"}]}""")]
    [InlineData("""{"text": "x", "spans": {"start": 0}}""")]
    public async Task ReadAsync_WrongShape_NamesFileAndLine(string line)
    {
        await File.WriteAllLinesAsync(_file, ["""{"text": "ok"}""", line]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => GoldJsonlReader.ReadAsync(_file, CancellationToken.None));

        Assert.StartsWith($"{_file}:2: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_GoldFile_IgnoredTypeCountsNeitherWay()
    {
        await File.WriteAllLinesAsync(_file,
        [
            """{"id": "n1", "text": "Dr. Quenby, 2024", "spans": [{"start": 4, "end": 10, "type": "NAME"}, {"start": 12, "end": 16, "type": "YEAR"}]}""",
        ]);
        var documents = await GoldJsonlReader.ReadAsync(_file, CancellationToken.None);
        IReadOnlyList<PhiSpan> predicted = [new PhiSpan(4, 10, PhiType.Name, 1), new PhiSpan(12, 16, PhiType.Date, 1)];

        var report = PhiEvaluator.Score(documents, [predicted], TimeSpan.FromSeconds(1));

        Assert.Equal((1, 1, 1, 1), (report.GoldTokens, report.FoundGoldTokens, report.PredictedTokens, report.CorrectPredictedTokens));
        Assert.Equal(new LabelRecall("NAME", 1, 1), Assert.Single(report.PerLabel));
    }
}
