using System.Text.Json.Serialization;
using ClinChat.Hosting;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Storage;

namespace ClinChat.Documents;

internal sealed record JobAccepted(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_url")] string StatusUrl);

internal sealed record KnowledgeBaseStatus(
    [property: JsonPropertyName("documents")] int Documents,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("embeddings")] int Embeddings,
    [property: JsonPropertyName("last_update")] DateTimeOffset? LastUpdate,
    [property: JsonPropertyName("index")] IndexStatus Index);

internal sealed record IndexStatus(
    [property: JsonPropertyName("loaded")] bool Loaded,
    [property: JsonPropertyName("documents")] int Documents,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("vectors")] int Vectors,
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("store_sequence")] long StoreSequence);

/// <summary>Uploads (as background ingestion jobs), listing, deletion, and the knowledge base status.</summary>
internal static class DocumentEndpoints
{
    public static IServiceCollection AddDocuments(this IServiceCollection services)
    {
        services.AddSingleton<IngestionQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestionQueue>());
        return services;
    }

    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents").WithTags("Documents");
        documents.MapPost("/", UploadAsync).DisableAntiforgery();
        documents.MapGet("/", ListAsync);
        documents.MapGet("/jobs/{jobId}", GetJobAsync);
        documents.MapGet("/{*id}", GetAsync);
        documents.MapDelete("/{*id}", DeleteAsync);
        app.MapGroup("/api/admin").WithTags("Administration").MapGet("/knowledge-base/status", StatusAsync);
        return app;
    }

    private static async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> UploadAsync(
        HttpRequest request, IngestionQueue queue, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem("Upload documents as multipart/form-data with one or more files.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var form = await request.ReadFormAsync(cancellationToken);
        if (form.Files.Count == 0)
        {
            return TypedResults.Problem("The request contains no file.", statusCode: StatusCodes.Status400BadRequest);
        }

        var job = await queue.EnqueueAsync(form.Files, cancellationToken);
        var url = $"/api/documents/jobs/{job.Id}";
        return TypedResults.Accepted(url, new JobAccepted(job.Id, job.Status, url));
    }

    private static async Task<Ok<IReadOnlyList<DocumentSummary>>> ListAsync(IKnowledgeStore store, CancellationToken cancellationToken, int offset = 0, int limit = 100) =>
        TypedResults.Ok(await store.ListDocumentsAsync(Math.Max(0, offset), Math.Clamp(limit, 1, 1000), cancellationToken));

    private static async Task<Results<Ok<IngestionJob>, ProblemHttpResult>> GetJobAsync(string jobId, IKnowledgeStore store, CancellationToken cancellationToken) =>
        await store.GetJobAsync(jobId, cancellationToken) is { } job ? TypedResults.Ok(job) : NotFound($"No ingestion job {jobId}.");

    private static async Task<Results<Ok<StoredDocument>, ProblemHttpResult>> GetAsync(string id, IKnowledgeStore store, CancellationToken cancellationToken) =>
        await store.GetDocumentAsync(id, cancellationToken) is { } document ? TypedResults.Ok(document) : NotFound("No such document.");

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, KnowledgeBase knowledgeBase, CancellationToken cancellationToken) =>
        await knowledgeBase.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound("No such document.");

    private static async Task<Ok<KnowledgeBaseStatus>> StatusAsync(IKnowledgeStore store, KnowledgeIndex index, CancellationToken cancellationToken)
    {
        var stats = await store.GetStatsAsync(cancellationToken);
        return TypedResults.Ok(new KnowledgeBaseStatus(
            stats.Documents,
            stats.Chunks,
            stats.Embeddings,
            stats.LastUpdate,
            new IndexStatus(index.IsLoaded, index.DocumentCount, index.ChunkCount, index.Dense.Count, index.Sequence, stats.ChangeSequence)));
    }

    // TypedResults.Problem, not NotFound(ProblemDetails): only it sends the application/problem+json media type.
    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found", type: "https://tools.ietf.org/html/rfc9110#section-15.5.5");
}
