using ClinChat.Interactions.Import;

namespace ClinChat.Interactions.Tests;

public sealed class ImporterTests
{
    [Fact]
    public void ImportCsv_WithHeaderAndQuotedFields_ImportsRowsAndReportsMalformedWithLineNumbers()
    {
        const string csv = "drug_a,drug_b,severity,mechanism,management,source\n"
            + "metformin,cimetidine,moderate,\"OCT2 inhibition, reduced clearance\",Monitor,Hospital P&T 2026\n"
            + "\n"
            + "amoxicillin,,major\n"
            + "foo,bar,catastrophic\n"
            + "lisinopril,amlodipine\n"
            + "zolpidem,fluvoxamine,major\n";
        var result = InteractionImporter.Import(new StringReader(csv), "hospital", "local.csv");
        Assert.Equal(2, result.Pairs.Count);
        Assert.Equal("OCT2 inhibition, reduced clearance", result.Pairs[0].Mechanism);
        Assert.Equal("Hospital P&T 2026", result.Pairs[0].Source);
        Assert.Equal("hospital", result.Pairs[1].Source);
        Assert.Equal([4, 5, 6], result.Errors.Select(e => e.Line));
        Assert.All(result.Errors, e => Assert.Equal("local.csv", e.File));
    }

    [Fact]
    public void ImportCsv_WithoutHeader_ImportsFirstRow()
    {
        var result = InteractionImporter.Import(new StringReader("metformin,cimetidine,minor\n"), "h", "h.csv");
        Assert.Single(result.Pairs);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void ImportDdinter_Format_ImportsRatedRowsAndSkipsUnknownLevel()
    {
        const string csv = "DDInterID_A,Drug_A,DDInterID_B,Drug_B,Level\n"
            + "DDInter1,Abacavir,DDInter2,Orlistat,Moderate\n"
            + "DDInter3,\"Insulin (human, rapid acting)\",DDInter4,Zolpidem,Major\n"
            + "DDInter5,Foo,DDInter6,Bar,Unknown\n"
            + "DDInter7,Foo,DDInter8\n"
            + "DDInter9,Foo,DDInter10,Bar,Severe-ish\n";
        var result = InteractionImporter.Import(new StringReader(csv), "ddinter", "ddinter_A.csv");
        Assert.Equal(2, result.Pairs.Count);
        Assert.Equal("Insulin (human, rapid acting)", result.Pairs[1].DrugA);
        Assert.Equal(InteractionSeverity.Major, result.Pairs[1].Severity);
        Assert.Equal(1, result.SkippedUnrated);
        Assert.Equal([5, 6], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void ImportCsv_LineNumbers_CountLinesInsideQuotedFields()
    {
        const string csv = "a,b,major,\"line one\nline two\"\nc,d,bogus\n";
        var result = InteractionImporter.Import(new StringReader(csv), "h", "h.csv");
        Assert.Equal(3, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Engine_WithImport_CarriesSourceAndLearnsNewDrugs()
    {
        var import = InteractionImporter.Import(new StringReader("zolpidem,loratadine,major,,,Hospital list\nfoozumab,warfarin,moderate\n"), "hospital", "h.csv");
        var engine = InteractionEngine.Create(imports: [import]);
        var report = engine.Checker.Check(["zolpidem", "loratadine", "foozumab", "warfarin"]);
        Assert.Empty(report.Unknown);
        Assert.Contains(report.Interactions, i => i.Source == "Hospital list" && i.Ingredients.Contains("foozumab") == false);
        Assert.Contains(report.Interactions, i => i.Ingredients.Contains("foozumab") && i.Severity == InteractionSeverity.Moderate);
    }

    [Fact]
    public void Engine_Precedence_DecidesBetweenSources()
    {
        var import = InteractionImporter.Import(new StringReader("metformin,cimetidine,minor,,,Local\n"), "local", "l.csv");
        var curatedFirst = InteractionEngine.Create(imports: [import]);
        Assert.Equal(InteractionSeverity.Moderate, curatedFirst.FindRule("metformin", "cimetidine")?.Severity);

        var localFirst = InteractionEngine.Create(new InteractionOptions { SourcePrecedence = ["local", "curated"] }, [import]);
        Assert.Equal(InteractionSeverity.Minor, localFirst.FindRule("metformin", "cimetidine")?.Severity);

        var mostSevere = InteractionEngine.Create(new InteractionOptions { SourcePrecedence = ["local"], MostSevereAcrossSources = true }, [import]);
        Assert.Equal(InteractionSeverity.Moderate, mostSevere.FindRule("metformin", "cimetidine")?.Severity);
    }
}
