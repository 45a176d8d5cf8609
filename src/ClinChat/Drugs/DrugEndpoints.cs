using System.Diagnostics.Metrics;
using ClinChat.Interactions;
using ClinChat.Interactions.Checking;
using ClinChat.Interactions.Import;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClinChat.Drugs;

internal sealed record DrugInteractionRequest(IReadOnlyList<string?>? Medications);

internal static class DrugEndpoints
{
    // A regimen, not a formulary: bounds the O(n²) pair scan a single request can ask for.
    internal const int MaxMedications = 100;
    private const int MaxNameLength = 200;

    public static IServiceCollection AddDrugs(this IServiceCollection services)
    {
        services.AddOptions<InteractionOptions>()
            .BindConfiguration(InteractionOptions.SectionName)
            .Validate(o => o.ImportFiles.TrueForAll(p => File.Exists(p) || Directory.Exists(p)), $"{InteractionOptions.SectionName}:ImportFiles names a file or directory that does not exist")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new InteractionMetrics(sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(sp => CreateEngine(
            sp.GetRequiredService<IOptions<InteractionOptions>>().Value,
            sp.GetRequiredService<InteractionMetrics>(),
            sp.GetService<TimeProvider>()));
        return services;
    }

    public static IEndpointRouteBuilder MapDrugEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/drugs").WithTags("Drugs");
        group.MapPost("/interactions", Check);
        app.MapGet("/api/admin/drug-db/health", Health).WithTags("Drugs");
        return app;
    }

    internal static Results<Ok<InteractionReport>, ValidationProblem> Check(DrugInteractionRequest request, InteractionEngine engine)
    {
        if (Validate(request.Medications) is { } error)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["medications"] = [error] });
        }

        return TypedResults.Ok(engine.Checker.Check(request.Medications!.Select(m => m!).ToArray()));
    }

    internal static Ok<DrugDbHealth> Health(InteractionEngine engine) => TypedResults.Ok(DrugDbSelfTest.Run(engine));

    /// <summary>The reason a medication list is unusable, or null when it is fine.</summary>
    internal static string? Validate(IReadOnlyList<string?>? medications)
    {
        if (medications is null || medications.Count == 0)
        {
            return "Give at least one medication name.";
        }

        if (medications.Count > MaxMedications)
        {
            return $"At most {MaxMedications} medications per request.";
        }

        if (medications.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > MaxNameLength))
        {
            return $"Every medication must be a non-empty name of at most {MaxNameLength} characters.";
        }

        return null;
    }

    /// <summary>
    /// DI factories are synchronous; the import files are read once here at first resolution (ValidateOnStart has
    /// already checked they exist), so a bad file fails start-up rather than a request.
    /// </summary>
    internal static InteractionEngine CreateEngine(InteractionOptions options, InteractionMetrics? metrics, TimeProvider? timeProvider)
    {
        var imports = options.ImportFiles.Select(ImportSync).ToArray();
        return InteractionEngine.Create(options, imports, null, metrics, timeProvider);
    }

    internal static ImportResult ImportSync(string path)
    {
        if (Directory.Exists(path))
        {
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
            var parts = Directory.EnumerateFiles(path, "*.csv").Order(StringComparer.Ordinal).Select(f =>
            {
                using var reader = File.OpenText(f);
                return InteractionImporter.Import(reader, name, Path.GetFileName(f));
            }).ToArray();
            return new ImportResult(name, [.. parts.SelectMany(p => p.Pairs)], [.. parts.SelectMany(p => p.Errors)], parts.Sum(p => p.SkippedUnrated));
        }

        using var file = File.OpenText(path);
        return InteractionImporter.Import(file, Path.GetFileNameWithoutExtension(path), Path.GetFileName(path));
    }
}
