using System.Text.Encodings.Web;
using ClinChat.Storage;

namespace ClinChat.Hosting;

/// <summary>What every ClinChat host has: problem details, OpenAPI, request limits, probes.</summary>
internal static class ServiceDefaults
{
    public const long MaxRequestBytes = 50L * 1024 * 1024;

    public static IServiceCollection AddServiceDefaults(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        });
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBytes);
        return services;
    }

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        // Unexpected failures become a generic RFC 7807 body: no exception text, stack trace or request content.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        return app;
    }

    public static IEndpointRouteBuilder MapProbes(this IEndpointRouteBuilder app)
    {
        var probes = app.MapGroup("/api").WithTags("Probes");

        // Liveness stays cheap: it says the process serves requests, nothing about its dependencies.
        probes.MapGet("/health", () => TypedResults.Ok(new HealthResponse("healthy")));
        probes.MapGet("/ready", async Task<Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>>> (
            IKnowledgeStore store, KnowledgeReadiness readiness, CancellationToken cancellationToken) =>
        {
            var storage = await store.PingAsync(cancellationToken);
            var ready = storage && readiness.IsReady;
            var response = new ReadyResponse(ready ? "ready" : "not_ready", storage, readiness.IsReady);
            return ready
                ? TypedResults.Ok(response)
                : TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    internal sealed record HealthResponse(string Status);

    internal sealed record ReadyResponse(string Status, bool Storage, bool Indexes);
}
