using System.Net;
using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Http;

/// <summary>What the chat answer adds around the knowledge-base answer: interaction findings and the PHI report.</summary>
[Collection(nameof(ApiCollection))]
public sealed class ChatIntegrationTests(ClinChatApiFixture api)
{
    [Fact]
    public async Task Chat_QuestionNamingTwoDrugs_AddsInteractionSectionWithItsSource()
    {
        var response = await api.AskAsync("Can a patient on Coumadin take ibuprofen for back pain?");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var section = response.Object["drug_interactions"]!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace((string?)section["source"]));
        var findings = section["report"]!["interactions"]!.AsArray();
        var finding = Assert.Single(findings, f => f!["ingredients"]!.AsArray().Select(i => (string?)i).Order().SequenceEqual(["ibuprofen", "warfarin"]))!;
        Assert.Contains((string?)finding["severity"], new[] { "major", "contraindicated" });
        Assert.Contains(finding["inputs"]!.AsArray(), i => (string?)i == "Coumadin");
        Assert.Contains(section["report"]!["medications"]!.AsArray(), m => (string?)m!["input"] == "Coumadin" && (string?)m["matched_by"] == "brand");
    }

    [Fact]
    public async Task Chat_QuestionNamingOneDrug_HasNoInteractionSection()
    {
        var response = await api.AskAsync("How is warfarin reversed in major bleeding?");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.Object["drug_interactions"]);
    }

    [Fact]
    public async Task Chat_QuestionWithIdentifiers_ReportsRemovedKindsNotValues()
    {
        var response = await api.AskAsync("Patient SSN 078-05-1120, seen 03/14/2024: how soon should antimicrobials be given in septic shock?");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var removed = response.Object["phi_removed"]!.AsArray().Select(t => (string?)t).ToList();
        Assert.Contains("SSN", removed);
        Assert.Contains("DATE", removed);
        Assert.DoesNotContain("078-05-1120", response.Body!.ToJsonString(), StringComparison.Ordinal);
    }
}
