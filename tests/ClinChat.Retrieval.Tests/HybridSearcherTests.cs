using ClinChat.Retrieval.Search;
using static ClinChat.Retrieval.Tests.SyntheticCorpus;

namespace ClinChat.Retrieval.Tests;

[Collection(nameof(ModelCollection))]
public sealed class HybridSearcherTests(KnowledgeBaseFixture fixture)
{
    private TestKnowledgeBase Kb => fixture.Shared;

    [Fact]
    public async Task Search_DocumentFirstInBothLists_RanksFirst()
    {
        const string question = "reversing warfarin with vitamin K and prothrombin complex concentrate";
        var lexical = await Kb.SearchAsync(question, mode: RetrievalMode.Lexical);
        var dense = await Kb.SearchAsync(question, mode: RetrievalMode.Dense);
        Assert.Equal(WarfarinReversal, lexical.Hits[0].DocumentId);
        Assert.Equal(WarfarinReversal, dense.Hits[0].DocumentId);

        var hybrid = await Kb.SearchAsync(question);

        Assert.Equal(WarfarinReversal, hybrid.Hits[0].DocumentId);
    }

    [Fact]
    public async Task Search_TreatmentQuestion_RanksTreatmentPassageFirstAmongSameTitleDocuments()
    {
        var outcome = await Kb.SearchAsync("How is gout treated?");

        Assert.Contains(AnswerType.Treatment, outcome.AnswerTypes);
        Assert.Equal(GoutTreatment, outcome.Hits[0].DocumentId);
        Assert.Equal("Gout", outcome.Hits[0].Title);
    }

    [Fact]
    public async Task Search_SymptomQuestion_RanksSymptomPassageFirstAmongSameTitleDocuments()
    {
        var outcome = await Kb.SearchAsync("What are the symptoms of gout?");

        Assert.Equal(GoutSymptoms, outcome.Hits[0].DocumentId);
    }

    [Fact]
    public async Task Search_AnswerTypeWeight_WidensTheLeadOfThePassageOfTheAskedKind()
    {
        const string question = "How is gout treated?";
        var withoutTypes = await Kb.SearcherWith(new RankingOptions { AnswerTypeWeight = 0 }).SearchAsync(question, 10, RetrievalMode.Hybrid, CancellationToken.None);
        var withTypes = await Kb.SearcherWith(new RankingOptions { AnswerTypeWeight = 0.3f }).SearchAsync(question, 10, RetrievalMode.Hybrid, CancellationToken.None);

        static float Lead(SearchOutcome outcome) =>
            outcome.Hits.Single(h => h.DocumentId == GoutTreatment).Score - outcome.Hits.Single(h => h.DocumentId == GoutSymptoms).Score;

        Assert.True(Lead(withTypes) > Lead(withoutTypes), $"lead with answer types {Lead(withTypes)}, without {Lead(withoutTypes)}");
    }

    [Fact]
    public async Task Search_Hybrid_ReturnsEachDocumentOnceBestFirstWithinTop()
    {
        var outcome = await Kb.SearchAsync("potassium electrocardiogram insulin treatment", top: 4);

        Assert.Equal(4, outcome.Hits.Count);
        Assert.Equal(outcome.Hits.Count, outcome.Hits.Select(h => h.DocumentId).Distinct().Count());
        Assert.Equal(outcome.Hits.OrderByDescending(h => h.Score).Select(h => h.DocumentId), outcome.Hits.Select(h => h.DocumentId));
        Assert.Equal(Hyperkalaemia, outcome.Hits[0].DocumentId);
    }

    [Fact]
    public async Task Search_HitChunk_IsAVerbatimSpanOfItsStoredDocument()
    {
        var outcome = await Kb.SearchAsync("calcium gluconate when the ECG shows changes");

        foreach (var hit in outcome.Hits)
        {
            var document = await Kb.Store.GetDocumentAsync(hit.DocumentId, CancellationToken.None);
            Assert.NotNull(document);
            Assert.Equal(hit.Chunk.Text, document.Text.Substring(hit.Chunk.Start, hit.Chunk.Text.Length));
            Assert.Equal(document.Title, hit.Title);
        }
    }

    [Fact]
    public async Task Search_LexicalOnly_FindsOnlyDocumentsSharingATerm()
    {
        var outcome = await Kb.SearchAsync("colchicine", mode: RetrievalMode.Lexical);

        Assert.Equal([GoutTreatment], outcome.Hits.Select(h => h.DocumentId));
    }

    [Fact]
    public async Task Search_ClinicalToken_MatchesLexicallyAsOneTerm()
    {
        var outcome = await Kb.SearchAsync("HbA1c", mode: RetrievalMode.Lexical);

        Assert.Equal([DiabetesMonitoring], outcome.Hits.Select(h => h.DocumentId));
    }

    [Fact]
    public async Task Search_Abbreviation_FindsDocumentThatOnlySpellsItOut()
    {
        var plain = Kb.SearcherWith(new RankingOptions(), new QueryExpander([], []));
        var expanding = Kb.SearcherWith(new RankingOptions(), new QueryExpander([("AF", "atrial fibrillation")], []));

        var without = await plain.SearchAsync("AF", 10, RetrievalMode.Lexical, CancellationToken.None);
        var with = await expanding.SearchAsync("AF", 10, RetrievalMode.Lexical, CancellationToken.None);

        Assert.Empty(without.Hits);
        Assert.Equal(AtrialFibrillation, with.Hits[0].DocumentId);
        Assert.Equal("atrial fibrillation", Assert.Single(with.Expansions).Expansion);
    }

    [Fact]
    public async Task Search_BrandName_FindsDocumentAboutTheGeneric()
    {
        var searcher = Kb.SearcherWith(new RankingOptions(), new QueryExpander([], [("Eliquis", "apixaban")]));

        var outcome = await searcher.SearchAsync("eliquis", 10, RetrievalMode.Lexical, CancellationToken.None);

        Assert.Equal(Apixaban, outcome.Hits[0].DocumentId);
    }
}
