namespace ClinChat.Ingestion.Tests;

public sealed class TextChunkerTests
{
    [Fact]
    public void Split_ShortDocument_OneChunkWithWholeText()
    {
        var document = Document("Aspirin thins the blood. Take it with food.");

        var chunk = Assert.Single(new TextChunker().Split(document));

        Assert.Equal((0, 0, document.Text.Length, document.Text, (string?)null), (chunk.Ordinal, chunk.Start, chunk.Length, chunk.Text, chunk.Section));
    }

    [Fact]
    public void Split_EmptyText_NoChunks()
    {
        Assert.Empty(new TextChunker().Split(Document("  \n\n ")));
    }

    [Fact]
    public void Split_Headings_ChunksFollowSectionsAndNameTheNearestHeading()
    {
        var document = Document(
            "Diabetes care\n\nOverview\n\nDiabetes affects blood sugar. It is common.\n\n" +
            "Treatment\nMetformin is first line. Insulin is added later.\n\nMonitoring\n\nCheck HbA1c every 3 months.");

        var chunks = new TextChunker().Split(document);

        Assert.Equal(
            [
                ("Diabetes care\n\nOverview\n\nDiabetes affects blood sugar. It is common.", "Overview"),
                ("Treatment\nMetformin is first line. Insulin is added later.", "Treatment"),
                ("Monitoring\n\nCheck HbA1c every 3 months.", "Monitoring"),
            ],
            chunks.Select(c => (c.Text, c.Section)));
    }

    [Fact]
    public void Split_TextBeforeFirstHeading_HasNoSection()
    {
        var chunks = new TextChunker().Split(Document("Preamble sentence here.\n\nDosage\n\nOne tablet daily."));

        Assert.Equal([null, "Dosage"], chunks.Select(c => c.Section));
    }

    [Fact]
    public void Split_LongSection_ConsecutiveChunksOverlapByOneSentence()
    {
        var sentences = Enumerable.Range(1, 40).Select(i => $"Sentence number {i} describes a synthetic finding in some detail.");
        var document = Document(string.Join(' ', sentences));
        var options = new ChunkingOptions { TargetWords = 40, MaxWords = 60 };

        var chunks = new TextChunker(options).Split(document);

        Assert.True(chunks.Count > 5);
        for (var i = 1; i < chunks.Count; i++)
        {
            var previousSentences = SentenceTexts(chunks[i - 1].Text);
            var currentSentences = SentenceTexts(chunks[i].Text);
            Assert.Equal(previousSentences[^1], currentSentences[0]);
            Assert.Equal(chunks[i].Start, chunks[i - 1].Start + chunks[i - 1].Length - previousSentences[^1].Length);
        }

        Assert.All(chunks, c => Assert.InRange(WordCount(c.Text), 1, options.MaxWords));
    }

    [Fact]
    public void Split_SingleSentenceLongerThanMax_CutOnWordBoundaries()
    {
        var words = Enumerable.Range(1, 400).Select(i => $"w{i}");
        var document = Document(string.Join(' ', words) + ".");

        var chunks = new TextChunker().Split(document);

        Assert.True(chunks.Count >= 3);
        Assert.All(chunks, c => Assert.InRange(WordCount(c.Text), 1, 180));
        Assert.All(chunks, c => Assert.Matches(@"^w\d+( w\d+)*\.?$", c.Text));
        Assert.Equal(400, chunks.Sum(c => WordCount(c.Text)) - OverlapWords(chunks));
    }

    [Fact]
    public void Split_SmallTrailingPiece_MergedIntoPreviousChunk()
    {
        var longSentences = Enumerable.Range(1, 10).Select(i => $"Long sentence {i} has exactly eight words here.");
        var document = Document(string.Join(' ', longSentences) + " Short end.");
        var options = new ChunkingOptions { TargetWords = 80, MaxWords = 120 };

        var chunks = new TextChunker(options).Split(document);

        var chunk = Assert.Single(chunks);
        Assert.EndsWith("Short end.", chunk.Text);
    }

    [Fact]
    public void Split_InvalidOptions_ThrowsNamingTheSetting()
    {
        var exception = Assert.Throws<ArgumentException>(() => new TextChunker(new ChunkingOptions { TargetWords = 200, MaxWords = 100 }));

        Assert.Contains("ChunkingOptions.MaxWords", exception.Message);
    }

    [Theory]
    [InlineData(120, 180, 1)]
    [InlineData(30, 45, 1)]
    [InlineData(10, 10, 0)]
    [InlineData(50, 90, 2)]
    public void Split_GeneratedTexts_ChunksAreVerbatimCoverAllTextAndRespectMaxSize(int target, int max, int overlap)
    {
        var options = new ChunkingOptions { TargetWords = target, MaxWords = max, OverlapSentences = overlap };
        var chunker = new TextChunker(options);
        var random = new Random(target * 31 + max);

        for (var round = 0; round < 150; round++)
        {
            var document = Document(GeneratedText.Create(random, random.Next(1, 10)));

            var chunks = chunker.Split(document);

            var covered = new bool[document.Text.Length];
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                Assert.Equal(i, chunk.Ordinal);
                Assert.Equal(document.Text.Substring(chunk.Start, chunk.Length), chunk.Text);
                Assert.Equal(chunk.Text.Trim(), chunk.Text);
                Assert.InRange(WordCount(chunk.Text), 1, max);
                if (i > 0)
                {
                    Assert.True(chunk.Start > chunks[i - 1].Start, "chunks must advance");
                }

                for (var k = chunk.Start; k < chunk.Start + chunk.Length; k++)
                {
                    covered[k] = true;
                }
            }

            for (var k = 0; k < covered.Length; k++)
            {
                if (!covered[k] && !char.IsWhiteSpace(document.Text[k]))
                {
                    Assert.Fail($"character {k} not covered in: {document.Text}");
                }
            }
        }
    }

    private static SourceDocument Document(string text) =>
        new("doc", "Synthetic", text, null, new Dictionary<string, string>(), "text");

    private static List<string> SentenceTexts(string text) =>
        SentenceSplitter.Split(text).Select(s => text.Substring(s.Start, s.Length)).ToList();

    private static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static int OverlapWords(IReadOnlyList<TextChunk> chunks)
    {
        var overlap = 0;
        for (var i = 1; i < chunks.Count; i++)
        {
            var previousEnd = chunks[i - 1].Start + chunks[i - 1].Length;
            if (chunks[i].Start < previousEnd)
            {
                overlap += WordCount(chunks[i].Text[..(previousEnd - chunks[i].Start)]);
            }
        }

        return overlap;
    }
}
