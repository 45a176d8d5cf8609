using System.Net;
using System.Text;
using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Http;

[Collection(nameof(ApiCollection))]
public sealed class DocumentTests(ClinChatApiFixture api)
{
    private static readonly byte[] SyntheticCard = Encoding.UTF8.GetBytes("""
        ---
        title: Zorvastine toxicity (synthetic test card)
        ---
        Zorvastine toxicity is treated by stopping zorvastine and giving activated charcoal within two hours of the dose.
        Patients with zorvastine toxicity need cardiac monitoring for twelve hours because late arrhythmias occur.
        """);

    [Fact]
    public async Task Upload_Document_IsIngestedSearchableThenDeletable()
    {
        const string id = "zorvastine-toxicity.md";

        var accepted = await api.UploadAsync((id, SyntheticCard));

        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var jobId = (string)accepted.Object["job_id"]!;
        Assert.Equal($"/api/documents/jobs/{jobId}", accepted.Headers.Location?.OriginalString);
        Assert.Equal($"/api/documents/jobs/{jobId}", (string?)accepted.Object["status_url"]);
        var (statuses, job) = await api.WaitForJobAsync(jobId);
        Assert.Equal("completed", statuses[^1]);
        Assert.All(statuses, s => Assert.Contains(s, new[] { "queued", "running", "completed" }));
        Assert.Equal((1, 1, 0, 0), ((int)job["total"]!, (int)job["added"]!, (int)job["failed"]!, job["errors"]!.AsArray().Count));
        Assert.NotNull(job["finished_at"]);

        var search = await api.SearchAsync("treatment of zorvastine toxicity", top: 3);
        Assert.Equal(id, (string?)search.Object["results"]![0]!["document_id"]);
        var document = await api.GetDocumentAsync(id);
        Assert.Equal("Zorvastine toxicity (synthetic test card)", (string?)document.Object["title"]);
        var listed = await api.GetAsync("/api/documents?limit=1000");
        Assert.Contains(listed.Body!.AsArray(), d => (string?)d!["id"] == id);

        var deleted = await api.DeleteDocumentAsync(id);

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        ContractAssert.ProblemDetails(await api.GetDocumentAsync(id), 404);
        ContractAssert.ProblemDetails(await api.DeleteDocumentAsync(id), 404);
        var after = await api.SearchAsync("treatment of zorvastine toxicity", top: 10);
        Assert.DoesNotContain(after.Object["results"]!.AsArray(), r => (string?)r!["document_id"] == id);
        var answer = await api.AskAsync("How is zorvastine toxicity treated?");
        Assert.DoesNotContain(answer.Object["citations"]!.AsArray(), c => (string?)c!["document_id"] == id);
    }

    [Fact]
    public async Task Upload_CorruptFileBesideGoodOne_CompletesAndReportsTheBadFile()
    {
        var accepted = await api.UploadAsync(
            ("broken-protocol.pdf", [0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A, 0xFF, 0x00]),
            ("quintaphage-dosing.txt", Encoding.UTF8.GetBytes("Quintaphage dosing\n\nQuintaphage is given as 3 mg/kg intravenously once daily for seven days.")));

        var (_, job) = await api.WaitForJobAsync((string)accepted.Object["job_id"]!);

        Assert.Equal("completed", (string?)job["status"]);
        Assert.Equal((1, 1), ((int)job["added"]!, (int)job["failed"]!));
        var error = Assert.Single(job["errors"]!.AsArray());
        Assert.StartsWith("broken-protocol.pdf: ", (string?)error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.GetDocumentAsync("quintaphage-dosing.txt")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteDocumentAsync("quintaphage-dosing.txt")).Status);
    }

    [Fact]
    public async Task Upload_OnlyBadFiles_JobFails()
    {
        var accepted = await api.UploadAsync(("notes.exe", [0x4D, 0x5A]));

        var (_, job) = await api.WaitForJobAsync((string)accepted.Object["job_id"]!);

        Assert.Equal("failed", (string?)job["status"]);
        Assert.StartsWith("notes.exe: ", (string?)job["errors"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_NotMultipart_Returns415ProblemDetails()
    {
        ContractAssert.ProblemDetails(await api.PostJsonAsync("/api/documents", new { text = "hello" }), 415);
    }

    [Fact]
    public async Task Upload_MultipartWithoutFiles_Returns400ProblemDetails()
    {
        var form = new MultipartFormDataContent { { new StringContent("value"), "field" } };

        ContractAssert.ProblemDetails(await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = form }), 400);
    }

    [Fact]
    public async Task Job_Unknown_Returns404ProblemDetails()
    {
        ContractAssert.ProblemDetails(await api.GetAsync("/api/documents/jobs/no-such-job"), 404);
    }

    [Fact]
    public async Task Documents_List_PagesInIdOrder()
    {
        var first = await api.GetAsync("/api/documents?offset=0&limit=2");
        var second = await api.GetAsync("/api/documents?offset=1&limit=2");

        var firstIds = first.Body!.AsArray().Select(d => (string)d!["id"]!).ToList();
        var secondIds = second.Body!.AsArray().Select(d => (string)d!["id"]!).ToList();
        Assert.Equal(2, firstIds.Count);
        Assert.Equal(firstIds.Order(StringComparer.Ordinal), firstIds);
        Assert.Equal(firstIds[1], secondIds[0]);
        Assert.All(first.Body!.AsArray(), d => ContractAssert.HasAtLeast(d!.AsObject(), "id", "title", "url", "format", "chunks", "updated_at"));
    }
}
