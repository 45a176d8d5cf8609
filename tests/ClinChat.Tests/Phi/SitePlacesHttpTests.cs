using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClinChat.Identity;
using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Phi;

/// <summary>
/// <c>ClinChat:Phi:SitePlacesFile</c>: the server's detector redacts the site's own ward names, and the status endpoint counts
/// the list. Ward names are invented.
/// </summary>
public sealed class SitePlacesHttpTests : IDisposable
{
    private readonly TempDirectory _data = new("site-places");

    [Fact]
    public async Task Detect_WithSitePlacesFile_FlagsTheSitesWardAndCountsTheList()
    {
        var places = Path.Combine(_data.Root, "places.txt");
        await File.WriteAllLinesAsync(places, ["# our wards", "Brindlecombe", "Quenbury Annex"]);
        var (app, client, tokens) = await InProcessHost.StartAsync(
            Path.Combine(_data.Root, "data"), [Roles.Admin], role => "site-" + role, $"--ClinChat:Phi:SitePlacesFile={places}");
        await using var host = app;
        using var http = client;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[Roles.Admin]);

        const string text = "Moved from brindlecombe to the Quenbury Annex at noon.";
        using var detect = await client.PostAsJsonAsync("/api/phi/detect", new { text });
        var spans = JsonNode.Parse(await detect.Content.ReadAsStringAsync())!["spans"]!.AsArray();
        Assert.Contains(spans, s => (int)s!["start"]! == text.IndexOf("brindlecombe", StringComparison.Ordinal) && (string?)s["type"] == "LOCATION");
        Assert.Contains(spans, s => (int)s!["start"]! == text.IndexOf("Quenbury Annex", StringComparison.Ordinal) && (int)s["end"]! == text.IndexOf(" at", StringComparison.Ordinal));

        var status = JsonNode.Parse(await client.GetStringAsync("/api/admin/phi-detection/status"))!;
        Assert.Equal(2, (int)status["dictionaries"]!["site-places"]!);
    }

    public void Dispose() => _data.Dispose();
}
