namespace ClinChat.Interactions.Tests;

public sealed class FinderTests
{
    [Fact]
    public void Find_BrandAndGenericInQuestion_ReturnsBothWithPositions()
    {
        const string q = "Can my patient on Coumadin take ibuprofen for back pain?";
        var found = Engine.Default.Finder.Find(q);
        Assert.Equal(["Coumadin", "ibuprofen"], found.Select(m => m.Text));
        Assert.Equal(["warfarin"], found[0].Ingredients);
        Assert.Equal("Coumadin", q.Substring(found[0].Start, found[0].Length));
    }

    [Fact]
    public void Find_MultiWordSaltAndCombination_AreOneMention()
    {
        var found = Engine.Default.Finder.Find("Is metoprolol succinate safe with sulfamethoxazole-trimethoprim?");
        Assert.Equal(2, found.Count);
        Assert.Equal(["metoprolol"], found[0].Ingredients);
        Assert.Equal(["sulfamethoxazole", "trimethoprim"], found[1].Ingredients);
    }

    [Fact]
    public void Find_MisspelledLongName_IsFound()
    {
        var found = Engine.Default.Finder.FindIngredients("patient takes simvastatine and clarithromicin");
        Assert.Equal(["simvastatin", "clarithromycin"], found);
    }

    [Fact]
    public void Find_OrdinaryProse_FindsNothing()
    {
        Assert.Empty(Engine.Default.Finder.Find("What is the recommended dose adjustment in patients with severe renal impairment between sessions?"));
    }
}
