using ClinChat.Phi;
using ClinChat.Phi.Diagnostics;
using ClinChat.Phi.Redaction;

namespace ClinChat.Tests.Phi;

/// <summary>
/// The starter knowledge cards are clinical reference text with no patient in them: the upload policy (reject documents with
/// patient identifiers) must accept every one of them, so a detector change that reads a dose, a score or a reference as a
/// patient identifier fails here before it rejects a hospital's guideline.
/// </summary>
public sealed class StarterCardsScreeningTests
{
    private static readonly PhiScreen Screen = CreateScreen();

    public static TheoryData<string> Cards()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "knowledge", "starter"), "*.md").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cards))]
    public void PatientIdentifiers_StarterCard_FindsNone(string card)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "knowledge", "starter", card));

        Assert.Empty(Screen.PatientIdentifiers(text));
    }

    [Fact]
    public void PatientIdentifiers_CardWithAPatientsRecordNumber_FindsIt()
    {
        // The same screen does find a record number once one is pasted into a card: the empty results above are not vacuous.
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "knowledge", "starter", "sepsis-initial-management.md"))
            + "\nPatient MRN: 00418822, seen today.";

        Assert.Contains("MRN", Screen.PatientIdentifiers(text));
    }

    private static PhiScreen CreateScreen()
    {
        var detector = PhiDetector.CreateDefault();
        return new PhiScreen(new PhiRedactor(detector), detector, new PhiDetectionMonitor(), new PhiScreeningOptions());
    }
}
