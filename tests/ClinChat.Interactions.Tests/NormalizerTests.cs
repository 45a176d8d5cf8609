using ClinChat.Interactions.Normalization;

namespace ClinChat.Interactions.Tests;

public sealed class NormalizerTests
{
    private static DrugNormalization N(string input) => Engine.Default.Normalizer.Normalize(input);

    [Theory]
    [InlineData("warfarin", "warfarin", MatchedBy.Generic)]
    [InlineData("  WARFARIN ", "warfarin", MatchedBy.Generic)]
    [InlineData("Coumadin", "warfarin", MatchedBy.Brand)]
    [InlineData("Zocor", "simvastatin", MatchedBy.Brand)]
    [InlineData("Toprol XL", "metoprolol", MatchedBy.Brand)]
    [InlineData("metoprolol succinate", "metoprolol", MatchedBy.Salt)]
    [InlineData("metoprolol tartrate", "metoprolol", MatchedBy.Salt)]
    [InlineData("sertraline hydrochloride", "sertraline", MatchedBy.Salt)]
    [InlineData("ciprofloxacin HCl", "ciprofloxacin", MatchedBy.Salt)]
    [InlineData("losartan potassium", "losartan", MatchedBy.Salt)]
    [InlineData("naproxen sodium", "naproxen", MatchedBy.Salt)]
    [InlineData("atorvastatin calcium", "atorvastatin", MatchedBy.Salt)]
    [InlineData("amlodipine besylate", "amlodipine", MatchedBy.Salt)]
    [InlineData("doxycycline hyclate", "doxycycline", MatchedBy.Salt)]
    [InlineData("paracetamol", "acetaminophen", MatchedBy.Synonym)]
    [InlineData("simvastatin 40 mg tablet", "simvastatin", MatchedBy.Generic)]
    [InlineData("warfrin", "warfarin", MatchedBy.Spelling)]
    [InlineData("simvastatine", "simvastatin", MatchedBy.Spelling)]
    [InlineData("clarithromicin", "clarithromycin", MatchedBy.Spelling)]
    [InlineData("ciprofloxacine", "ciprofloxacin", MatchedBy.Spelling)]
    [InlineData("metoprolol sucinate", "metoprolol", MatchedBy.Spelling)]
    [InlineData("potassium chloride", "potassium chloride", MatchedBy.Generic)]
    public void Normalize_SingleIngredient(string input, string ingredient, string matchedBy)
    {
        var r = N(input);
        Assert.Equal([ingredient], r.Ingredients);
        Assert.Equal(matchedBy, r.MatchedBy);
        Assert.Equal(input, r.Input);
    }

    [Theory]
    [InlineData("Bactrim", MatchedBy.Brand, "sulfamethoxazole", "trimethoprim")]
    [InlineData("Bactrim DS", MatchedBy.Brand, "sulfamethoxazole", "trimethoprim")]
    [InlineData("Entresto", MatchedBy.Brand, "sacubitril", "valsartan")]
    [InlineData("sulfamethoxazole/trimethoprim", MatchedBy.Combination, "sulfamethoxazole", "trimethoprim")]
    [InlineData("sulfamethoxazole-trimethoprim", MatchedBy.Combination, "sulfamethoxazole", "trimethoprim")]
    [InlineData("SMX-TMP", MatchedBy.Synonym, "sulfamethoxazole", "trimethoprim")]
    [InlineData("amlodipine besylate/benazepril HCl", MatchedBy.Combination, "amlodipine", "benazepril")]
    [InlineData("oxycodone and acetaminophen", MatchedBy.Combination, "oxycodone", "acetaminophen")]
    [InlineData("Paxlovid", MatchedBy.Brand, "nirmatrelvir", "ritonavir")]
    public void Normalize_Combination_ListsEveryIngredient(string input, string matchedBy, string first, string second)
    {
        var r = N(input);
        Assert.Equal(matchedBy, r.MatchedBy);
        Assert.Contains(first, r.Ingredients);
        Assert.Contains(second, r.Ingredients);
    }

    [Theory]
    [InlineData("xyzzyquil")]
    [InlineData("notadrug")]
    [InlineData("")]
    [InlineData("abc")]
    public void Normalize_Unknown_ReportsUnknownWithNoIngredients(string input)
    {
        var r = N(input);
        Assert.Empty(r.Ingredients);
        Assert.Equal(MatchedBy.Unknown, r.MatchedBy);
    }

    [Fact]
    public void Normalize_ExactRealDrug_IsNeverRespelledToANeighbour()
    {
        // hydroxyzine and hydralazine, cefuroxime and cefotaxime are one or two edits from each other: each stays itself.
        Assert.Equal(["hydroxyzine"], N("hydroxyzine").Ingredients);
        Assert.Equal(["hydralazine"], N("hydralazine").Ingredients);
        Assert.Equal(["cefuroxime"], N("cefuroxime").Ingredients);
        Assert.Equal(["cefotaxime"], N("cefotaxime").Ingredients);
    }

    [Fact]
    public void Normalize_ShortNames_AreNotSpellCorrected()
    {
        Assert.Equal(MatchedBy.Unknown, N("asx").MatchedBy);
    }

    [Fact]
    public void Normalize_TwoEditsOnLongName_IsBounded()
    {
        Assert.Equal(["hydrochlorothiazide"], N("hydrochlorthiazid").Ingredients);
        Assert.Equal(MatchedBy.Unknown, N("hydrxchlrthiazid").MatchedBy);
    }

    [Fact]
    public void Brands_ArePublicForQueryExpansion()
    {
        Assert.Equal(["sulfamethoxazole", "trimethoprim"], Engine.Default.Brands["bactrim"]);
    }
}
