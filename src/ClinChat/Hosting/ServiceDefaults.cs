using System.Text.Encodings.Web;
using ClinChat.Redis;
using ClinChat.Storage.Database;

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
        probes.MapGet("/ready", ReadyAsync);
        return app;
    }

    /// <summary>
    /// Ready when the indexes are loaded and the database answers, and Redis too when one is configured (unless
    /// <c>ClinChat:Redis:RequiredForReadiness</c> is false). Otherwise 503 with a problem naming what is missing.
    /// </summary>
    private static async Task<Results<Ok<ReadyResponse>, ProblemHttpResult>> ReadyAsync(
        StoreDatabase database, RedisConnection redis, RedisOptions redisOptions, KnowledgeReadiness readiness, CancellationToken cancellationToken)
    {
        var storage = database.PingAsync(cancellationToken);
        var cache = redis.PingAsync(cancellationToken);
        var response = new ReadyResponse("ready", await storage, readiness.IsReady, await cache);
        var missing = new List<string>();
        if (!response.Indexes)
        {
            missing.Add("search indexes are loading");
        }

        if (!response.Storage)
        {
            missing.Add((database.Provider == DatabaseProvider.PostgreSql ? "PostgreSQL" : "the SQLite store") + " is unreachable");
        }

        if (response.Redis == false && redisOptions.RequiredForReadiness)
        {
            missing.Add("Redis is unreachable");
        }

        if (missing.Count == 0)
        {
            return TypedResults.Ok(response);
        }

        return TypedResults.Problem(
            detail: "Not ready: " + string.Join("; ", missing) + ".",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Not ready",
            type: "urn:clinchat:problem:not-ready",
            extensions: new Dictionary<string, object?>
            {
                ["readiness"] = "not_ready",
                ["storage"] = response.Storage,
                ["indexes"] = response.Indexes,
                ["redis"] = response.Redis,
            });
    }

    internal sealed record HealthResponse(string Status);

    /// <param name="Redis">Null when no Redis is configured (embedded mode).</param>
    internal sealed record ReadyResponse(string Status, bool Storage, bool Indexes, bool? Redis);
}
