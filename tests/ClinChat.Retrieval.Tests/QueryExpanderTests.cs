using ClinChat.Retrieval.Search;

namespace ClinChat.Retrieval.Tests;

public sealed class QueryExpanderTests
{
    private static readonly QueryExpander Expander = new(
        [
            ("AF", "atrial fibrillation"),
            ("AFib", "atrial fibrillation"),
            ("PE", "pulmonary embolism"),
            ("ALS", "advanced life support"),
            ("ALS", "amyotrophic lateral sclerosis"),
            ("COVID-19", "coronavirus disease 2019"),
        ],
        [("Eliquis", "apixaban"), ("Coumadin", "warfarin")]);

    [Fact]
    public void Expand_CapitalAbbreviationAsWritten_Expands()
    {
        var expansion = Assert.Single(Expander.Expand("Anticoagulation in AF?"));

        Assert.Equal(new QueryExpansion("AF", "atrial fibrillation", "abbreviation"), expansion);
    }

    [Theory]
    [InlineData("Is pe lesson needed after surgery?")]
    [InlineData("What is af?")]
    [InlineData("Pe and Af")]
    public void Expand_CapitalAbbreviationInOtherCase_DoesNotExpand(string question)
    {
        // All-capital entries collide with ordinary words, so only the capitalised form counts.
        Assert.Empty(Expander.Expand(question));
    }

    [Theory]
    [InlineData("afib")]
    [InlineData("AFIB")]
    [InlineData("AFib")]
    public void Expand_MixedCaseAbbreviation_MatchesAnyCase(string token)
    {
        var expansion = Assert.Single(Expander.Expand($"rate control in {token}"));

        Assert.Equal(("atrial fibrillation", "abbreviation"), (expansion.Expansion, expansion.Kind));
    }

    [Fact]
    public void Expand_AmbiguousAbbreviation_GivesEverySense()
    {
        var expansions = Expander.Expand("ALS outcomes");

        Assert.Equal(["advanced life support", "amyotrophic lateral sclerosis"], expansions.Select(e => e.Expansion));
    }

    [Fact]
    public void Expand_RepeatedTerm_ExpandsOnce()
    {
        Assert.Single(Expander.Expand("AF with AF and more AF"));
    }

    [Fact]
    public void Expand_HyphenatedAbbreviation_MatchesAsOneToken()
    {
        Assert.Equal(["coronavirus disease 2019"], Expander.Expand("COVID-19 admission").Select(e => e.Expansion));
    }

    [Fact]
    public void Expand_AbbreviationInsideLongerWord_DoesNotExpand()
    {
        Assert.Empty(Expander.Expand("AFFECTED PEOPLE"));
    }

    [Theory]
    [InlineData("Eliquis")]
    [InlineData("eliquis")]
    [InlineData("ELIQUIS")]
    public void Expand_BrandName_AnyCase_GivesGeneric(string brand)
    {
        var expansion = Assert.Single(Expander.Expand($"Can {brand} be crushed?"));

        Assert.Equal(new QueryExpansion(brand, "apixaban", "brand"), expansion);
    }

    [Fact]
    public void Expand_AbbreviationAndBrand_BothInQuestionOrder()
    {
        var expansions = Expander.Expand("Switching Coumadin to a DOAC in AF");

        Assert.Equal([("Coumadin", "warfarin", "brand"), ("AF", "atrial fibrillation", "abbreviation")], expansions.Select(e => (e.Term, e.Expansion, e.Kind)));
    }

    [Fact]
    public void Expand_NothingKnown_ReturnsEmpty() => Assert.Empty(Expander.Expand("How is gout treated?"));

    [Fact]
    public void ParseTsv_SkipsHeaderCommentsBlankAndMalformedLines()
    {
        var entries = QueryExpander.ParseTsv("abbreviation\texpansion\r\n# comment\r\n\r\nMI\tmyocardial infarction\r\nbroken line\r\nCKD\t chronic kidney disease \r\n\tno key\r\n");

        Assert.Equal([("MI", "myocardial infarction"), ("CKD", "chronic kidney disease")], entries);
    }

    [Fact]
    public void LoadBuiltInAbbreviations_ShipsTheReviewedDictionary()
    {
        var entries = QueryExpander.LoadBuiltInAbbreviations();
        var expander = new QueryExpander(entries, []);

        Assert.True(entries.Count > 100, $"expected the shipped dictionary, found {entries.Count} entries");
        Assert.Contains(("MI", "myocardial infarction"), entries);
        Assert.Contains(expander.Expand("Is an MI likely?"), e => e.Expansion == "myocardial infarction");
        Assert.DoesNotContain(entries, e => e.Item1.Equals("abbreviation", StringComparison.OrdinalIgnoreCase) || e.Item1.StartsWith('#'));
    }
}
