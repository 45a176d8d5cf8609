using ClinChat.Interactions.Checking;

namespace ClinChat.Interactions.Tests;

public sealed class CheckerTests
{
    [Theory]
    // Warfarin with NSAIDs, azoles, amiodarone, SMX-TMP, whatever the naming.
    [InlineData("warfarin", "ibuprofen")]
    [InlineData("Coumadin", "Advil")]
    [InlineData("Jantoven", "naproxen sodium")]
    [InlineData("warfarin sodium", "Celebrex")]
    [InlineData("warfarin", "fluconazole")]
    [InlineData("Coumadin", "Diflucan")]
    [InlineData("warfarin", "voriconazole")]
    [InlineData("warfarin", "miconazole")]
    [InlineData("warfarin", "amiodarone HCl")]
    [InlineData("Coumadin", "Pacerone")]
    [InlineData("warfarin", "Bactrim DS")]
    [InlineData("warfarin", "sulfamethoxazole/trimethoprim")]
    [InlineData("warfarin", "co-trimoxazole")]
    [InlineData("warfarin", "metronidazole")]
    [InlineData("warfarin", "aspirin")]
    [InlineData("warfarin", "clopidogrel")]
    [InlineData("warfarin", "capecitabine")]
    [InlineData("warfarin", "rifampin")]
    // Statins with strong CYP3A4 inhibitors.
    [InlineData("simvastatin", "clarithromycin")]
    [InlineData("Zocor", "Biaxin")]
    [InlineData("lovastatin", "itraconazole")]
    [InlineData("simvastatin", "Paxlovid")]
    [InlineData("simvastatin", "gemfibrozil")]
    [InlineData("Vytorin", "ketoconazole")]
    // Nitrates and PDE5 inhibitors.
    [InlineData("sildenafil", "nitroglycerin")]
    [InlineData("Viagra", "Imdur")]
    [InlineData("Cialis", "isosorbide mononitrate")]
    [InlineData("vardenafil", "isosorbide dinitrate")]
    [InlineData("riociguat", "sildenafil")]
    // MAO inhibitors and serotonergic or sympathomimetic drugs.
    [InlineData("phenelzine", "sertraline")]
    [InlineData("Nardil", "Prozac")]
    [InlineData("tranylcypromine", "venlafaxine")]
    [InlineData("linezolid", "citalopram")]
    [InlineData("selegiline", "meperidine")]
    [InlineData("phenelzine", "pseudoephedrine")]
    [InlineData("rasagiline", "tramadol")]
    [InlineData("isocarboxazid", "dextromethorphan")]
    // Methotrexate with trimethoprim.
    [InlineData("methotrexate", "trimethoprim")]
    [InlineData("methotrexate sodium", "Bactrim")]
    [InlineData("methotrexate", "ibuprofen")]
    // Tizanidine and CYP1A2 inhibitors.
    [InlineData("tizanidine", "ciprofloxacin")]
    [InlineData("Zanaflex", "Cipro")]
    [InlineData("tizanidine hydrochloride", "fluvoxamine maleate")]
    // Remaining ONC high-priority list.
    [InlineData("atazanavir", "omeprazole")]
    [InlineData("Reyataz", "Nexium")]
    [InlineData("bosentan", "glyburide")]
    [InlineData("ceftriaxone", "calcium gluconate")]
    [InlineData("cisapride", "erythromycin")]
    [InlineData("ergotamine", "clarithromycin")]
    [InlineData("dihydroergotamine", "ritonavir")]
    [InlineData("irinotecan", "rifampin")]
    [InlineData("irinotecan", "phenytoin")]
    [InlineData("pimozide", "clarithromycin")]
    [InlineData("pimozide", "sertraline")]
    [InlineData("ramelteon", "fluvoxamine")]
    [InlineData("thioridazine", "haloperidol")]
    [InlineData("thioridazine", "fluoxetine")]
    [InlineData("dofetilide", "verapamil")]
    [InlineData("dofetilide", "trimethoprim")]
    [InlineData("lopinavir/ritonavir", "simvastatin")]
    [InlineData("theophylline", "ciprofloxacin")]
    // Other essentials.
    [InlineData("lithium", "ibuprofen")]
    [InlineData("lithium carbonate", "lisinopril")]
    [InlineData("lithium", "hydrochlorothiazide")]
    [InlineData("spironolactone", "potassium chloride")]
    [InlineData("Aldactone", "Klor-Con")]
    [InlineData("lisinopril", "Entresto")]
    [InlineData("digoxin", "amiodarone")]
    [InlineData("colchicine", "clarithromycin")]
    [InlineData("oxycodone", "alprazolam")]
    [InlineData("Percocet", "Xanax")]
    [InlineData("fentanyl", "ritonavir")]
    [InlineData("allopurinol", "azathioprine")]
    [InlineData("valproate", "meropenem")]
    [InlineData("clopidogrel", "omeprazole")]
    [InlineData("clozapine", "fluvoxamine")]
    [InlineData("citalopram", "ondansetron")]
    [InlineData("metoprolol", "verapamil")]
    [InlineData("tamoxifen", "paroxetine")]
    [InlineData("sotalol", "azithromycin")]
    [InlineData("apixaban", "rifampin")]
    [InlineData("amiodarone", "sofosbuvir")]
    [InlineData("disulfiram", "alcohol")]
    [InlineData("ethinyl estradiol", "rifampin")]
    // Added with the 2026.11.2 rules: boosters, inducers, oncology, immunomodulators, nephrotoxicity.
    [InlineData("Tybost", "amiodarone")]
    [InlineData("rifampin", "Descovy")]
    [InlineData("Tivicay", "carbamazepine")]
    [InlineData("gentamicin", "vancomycin")]
    [InlineData("tobramycin", "Lasix")]
    [InlineData("methotrexate sodium", "amoxicillin")]
    [InlineData("Xeljanz", "Humira")]
    [InlineData("tofacitinib", "tacrolimus")]
    [InlineData("Imbruvica", "Eliquis")]
    [InlineData("Prograf", "Diflucan")]
    [InlineData("Xeloda", "Dilantin")]
    [InlineData("oxycodone", "Nardil")]
    [InlineData("Jevtana", "ketoconazole")]
    [InlineData("deferiprone", "clozapine")]
    [InlineData("Retrovir", "ganciclovir")]
    [InlineData("Urocit-K", "Ditropan")]
    public void Check_ClassicMajorInteraction_IsMajorOrContraindicated(string a, string b)
    {
        var worst = Engine.Worst(a, b);
        Assert.True(worst >= InteractionSeverity.Major, $"{a} + {b}: {worst?.ToString() ?? "none"}");
        var reversed = Engine.Worst(b, a);
        Assert.Equal(worst, reversed);
    }

    [Theory]
    [InlineData("simvastatin", "clarithromycin")]
    [InlineData("sildenafil", "nitroglycerin")]
    [InlineData("phenelzine", "sertraline")]
    [InlineData("tizanidine", "ciprofloxacin")]
    [InlineData("Nuedexta", "phenelzine")]
    [InlineData("Norvir", "amiodarone")]
    [InlineData("ritonavir", "flecainide acetate")]
    [InlineData("Coartem", "rifampin")]
    [InlineData("Gilenya", "sotalol")]
    [InlineData("Apokyn", "Zofran")]
    [InlineData("Ubrelvy", "clarithromycin")]
    [InlineData("Orilissa", "cyclosporine")]
    public void Check_LabelContraindication_IsContraindicated(string a, string b)
    {
        Assert.Equal(InteractionSeverity.Contraindicated, Engine.Worst(a, b));
    }

    [Theory]
    [InlineData("amoxicillin", "acetaminophen")]
    [InlineData("metformin", "atorvastatin")]
    [InlineData("lisinopril", "amlodipine")]
    [InlineData("levothyroxine", "metoprolol")]
    [InlineData("omeprazole", "amlodipine")]
    [InlineData("sertraline", "acetaminophen")]
    [InlineData("cephalexin", "ibuprofen")]
    [InlineData("montelukast", "cetirizine")]
    [InlineData("metformin", "lisinopril")]
    [InlineData("albuterol", "fluticasone")]
    [InlineData("furosemide", "atorvastatin")]
    [InlineData("gabapentin", "acetaminophen")]
    [InlineData("pantoprazole", "ondansetron")]
    [InlineData("Tylenol", "Zithromax")]
    [InlineData("vitamin D", "levothyroxine")]
    [InlineData("lisinopril", "atorvastatin")]
    [InlineData("losartan", "amlodipine")]
    [InlineData("rosuvastatin", "ezetimibe")]
    [InlineData("apixaban", "metoprolol")]
    [InlineData("amoxicillin", "ibuprofen")]
    [InlineData("enoxaparin", "pantoprazole")]
    [InlineData("Humira", "methotrexate")]
    [InlineData("Prograf", "mycophenolate mofetil")]
    public void Check_CommonNonInteractingPair_IsNotFlaggedAboveMinor(string a, string b)
    {
        var worst = Engine.Worst(a, b);
        Assert.True(worst is null or InteractionSeverity.Minor, $"{a} + {b}: {worst}");
    }

    [Fact]
    public void Check_Regimen_OrdersMostSevereFirstAndKeepsInputsAsTyped()
    {
        var report = Engine.Default.Checker.Check(["Zocor", "lisinopril", "Biaxin", "Advil", "Coumadin", "xyzzyquil"]);
        Assert.Equal(["xyzzyquil"], report.Unknown);
        Assert.Equal(6, report.Medications.Count);
        var severities = report.Interactions.Select(i => (int)i.Severity).ToArray();
        Assert.Equal(severities.OrderByDescending(s => s), severities);
        var first = report.Interactions[0];
        Assert.Equal(InteractionSeverity.Contraindicated, first.Severity);
        Assert.Equal(["Zocor", "Biaxin"], first.Inputs);
        Assert.Equal(["simvastatin", "clarithromycin"], first.Ingredients);
        Assert.Contains(report.Interactions, i => i.Inputs.SequenceEqual(["Advil", "Coumadin"]) && i.Severity == InteractionSeverity.Major);
    }

    [Fact]
    public void Check_CombinationProduct_ReportsEachInteractingIngredient()
    {
        var report = Engine.Default.Checker.Check(["Bactrim", "methotrexate", "warfarin"]);
        Assert.Contains(report.Interactions, i => i.Ingredients.SequenceEqual(["trimethoprim", "methotrexate"]));
        Assert.Contains(report.Interactions, i => i.Ingredients.SequenceEqual(["sulfamethoxazole", "warfarin"]));
    }

    [Fact]
    public void Check_SameIngredientInTwoProducts_ReportsDuplication()
    {
        var report = Engine.Default.Checker.Check(["Percocet", "Tylenol"]);
        var dup = Assert.Single(report.Interactions);
        Assert.Equal(["acetaminophen", "acetaminophen"], dup.Ingredients);
    }

    [Fact]
    public void Check_ClassRule_ExpandsToEveryMember()
    {
        var nsaids = Engine.Default.KnowledgeBase.MembersOf("nsaids");
        Assert.True(nsaids.Count > 10);
        foreach (var nsaid in nsaids)
        {
            Assert.True(Engine.Worst("warfarin", nsaid) >= InteractionSeverity.Major, nsaid);
        }
    }

    [Fact]
    public void Check_SpecificRule_WinsOverClassRule()
    {
        // clarithromycin is a strong CYP3A4 inhibitor (class rule: major for atorvastatin) and the atorvastatin pair rule says major with a dose cap.
        var rule = Engine.Default.FindRule("atorvastatin", "clarithromycin");
        Assert.Equal("atorvastatin-strong-inhibitors", rule?.Id);
        Assert.Equal("methotrexate-trimethoprim", Engine.Default.FindRule("methotrexate", "trimethoprim")?.Id);
    }

    [Fact]
    public void Check_TwentyDrugRegimen_ReturnsAllPairsOnce()
    {
        string[] regimen =
        [
            "warfarin", "amiodarone", "simvastatin", "metoprolol succinate", "lisinopril", "spironolactone", "furosemide",
            "digoxin", "metformin", "insulin glargine", "omeprazole", "sertraline", "tramadol", "gabapentin",
            "oxycodone", "alprazolam", "levothyroxine", "allopurinol", "ciprofloxacin", "potassium chloride",
        ];
        var report = Engine.Default.Checker.Check(regimen);
        Assert.Empty(report.Unknown);
        Assert.True(report.Interactions.Count > 20);
        Assert.Equal(report.Interactions.Count, report.Interactions.Select(i => string.Join("|", i.Ingredients)).Distinct().Count());
    }

    [Fact]
    public void SelfTest_BuiltInProbes_AllPass()
    {
        var health = DrugDbSelfTest.Run(Engine.Default);
        Assert.All(health.SelfTest, p => Assert.True(p.Passed, string.Join("+", p.Drugs) + " " + p.Actual));
        Assert.Equal("healthy", health.Status);
    }
}
