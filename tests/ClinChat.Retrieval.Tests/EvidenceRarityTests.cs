using ClinChat.Retrieval.Answering;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Search;
using ClinChat.Storage;

namespace ClinChat.Retrieval.Tests;

/// <summary>Evidence weighs a question's terms by how specific they are in the knowledge base.</summary>
public sealed class EvidenceRarityTests : IDisposable
{
    private readonly LexicalIndex _index = new();

    public EvidenceRarityTests()
    {
        _index.Add(Chunk(1, "Adrenaline dose for children is 150 micrograms intramuscularly."));
        _index.Add(Chunk(2, "Apixaban dose is reduced by age and body weight."));
        _index.Add(Chunk(3, "Salbutamol dose for children in acute asthma is given by spacer."));
        _index.Refresh();
    }

    public void Dispose() => _index.Dispose();

    [Fact]
    public void Rarity_AbsentTermIsRarestAndCommonTermLeastRare()
    {
        var common = _index.Rarity(Term("dose"));
        var once = _index.Rarity(Term("apixaban"));
        var absent = _index.Rarity(Term("measles"));

        Assert.True(common < once, $"dose {common} vs apixaban {once}");
        Assert.True(once < absent, $"apixaban {once} vs measles {absent}");
    }

    [Fact]
    public void Evidence_SpecificTermMissing_CommonTermsDoNotCarryTheCoverage()
    {
        // "measles" is in no chunk; "dose" and "children" are everywhere: an answer from the adrenaline chunk would be
        // about something else. Unweighted, two of three terms are covered; weighted by rarity, far less.
        var content = new[] { Term("measles"), Term("dose"), Term("children") };
        var hit = new SearchHit("a.md", "Anaphylaxis", null, 1f,
            new ChunkEntry(1, "a.md", "Anaphylaxis", null, 0, 0, "Adrenaline dose for children is 150 micrograms intramuscularly.", null, []), 0.5f, 1f);

        var plain = new AnswerComposer(_index.Analyzer, new AnswerOptions()).Evidence(content, [hit]);
        var weighted = new AnswerComposer(_index.Analyzer, new AnswerOptions(), _index.Rarity).Evidence(content, [hit]);

        Assert.Equal((0.6f * 0.5f) + (0.4f * 2f / 3f), plain, 3);
        Assert.True(weighted < plain - 0.1f, $"weighted {weighted} vs plain {plain}");
        Assert.True(weighted < new AnswerOptions().MinEvidence, $"weighted {weighted}");
    }

    [Fact]
    public void Evidence_EveryTermCovered_IsTheSameWithOrWithoutRarity()
    {
        var content = new[] { Term("apixaban"), Term("dose") };
        var hit = new SearchHit("b.md", "DOACs", null, 1f,
            new ChunkEntry(2, "b.md", "DOACs", null, 0, 0, "Apixaban dose is reduced by age and body weight.", null, []), 0.7f, 1f);

        var plain = new AnswerComposer(_index.Analyzer, new AnswerOptions()).Evidence(content, [hit]);
        var weighted = new AnswerComposer(_index.Analyzer, new AnswerOptions(), _index.Rarity).Evidence(content, [hit]);

        Assert.Equal(plain, weighted, 4);
    }

    private string Term(string word) => Assert.Single(_index.Analyzer.Terms(word));

    private static IndexedChunk Chunk(long key, string text) => new(key, $"doc-{key}.md", $"Card {key}", null, 0, 0, text, null, null);
}
