using ClinChat.Phi.Diagnostics;
using ClinChat.Phi.Redaction;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinChat.Phi;

internal sealed record PhiDetectRequest(string? Text);

internal sealed record PhiSpanResponse(int Start, int End, string Type, double Confidence);

internal sealed record PhiDetectResponse(IReadOnlyList<PhiSpanResponse> Spans);

internal sealed record PhiRedactRequest(string? Text, string? Mode);

internal sealed record PhiRedactResponse(string Redacted, IReadOnlyList<string> Types);

internal sealed record PhiStatusResponse(
    string EngineVersion,
    IReadOnlyDictionary<string, int> Dictionaries,
    bool SelfTestPassed,
    IReadOnlyList<PhiProbeResult> SelfTest,
    long FailuresSinceStart);

internal static class PhiEndpoints
{
    // Large enough for a discharge summary; larger bodies belong to document ingestion.
    private const int MaxTextLength = 1_000_000;

    public static IServiceCollection AddPhi(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => CreateDetector(sp.GetRequiredService<PhiScreeningOptions>().SitePlacesFile));
        services.TryAddSingleton<PhiRedactor>();
        services.TryAddSingleton<PhiDetectionMonitor>();
        services.AddOptions<PhiScreeningOptions>().BindConfiguration(PhiScreeningOptions.Section);
        services.TryAddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PhiScreeningOptions>>().Value);
        services.TryAddSingleton<PhiScreen>();
        return services;
    }

    /// <summary>The default detector, plus the site's place list when one is configured (the server and the CLI read it alike).</summary>
    public static PhiDetector CreateDetector(string? sitePlacesFile)
    {
        if (string.IsNullOrWhiteSpace(sitePlacesFile))
        {
            return PhiDetector.CreateDefault();
        }

        // A configured list that cannot be read must not quietly weaken redaction: the exception stops start-up with the path.
        return PhiDetector.Create(File.ReadAllLines(sitePlacesFile));
    }

    public static IEndpointRouteBuilder MapPhiEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/phi").WithTags("PHI");
        group.MapPost("/detect", Detect);
        group.MapPost("/redact", Redact);
        app.MapGet("/api/admin/phi-detection/status", Status).WithTags("PHI");
        return app;
    }

    private static Results<Ok<PhiDetectResponse>, ValidationProblem> Detect(PhiDetectRequest request, PhiDetector detector, PhiDetectionMonitor monitor)
    {
        if (Validate(request.Text) is { } problem)
        {
            return problem;
        }

        var spans = Scan(() => detector.Detect(request.Text!), monitor);
        return TypedResults.Ok(new PhiDetectResponse(
            spans.Select(s => new PhiSpanResponse(s.Start, s.End, s.Type.ToWireName(), Math.Round(s.Confidence, 2))).ToList()));
    }

    private static Results<Ok<PhiRedactResponse>, ValidationProblem> Redact(PhiRedactRequest request, PhiRedactor redactor, PhiDetectionMonitor monitor)
    {
        if (Validate(request.Text) is { } problem)
        {
            return problem;
        }

        if (!TryParseMode(request.Mode, out var mode))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["mode"] = ["Expected one of: tag, mask, surrogate."],
            });
        }

        var result = Scan(() => redactor.Redact(request.Text!, mode), monitor);
        return TypedResults.Ok(new PhiRedactResponse(result.Text, result.Types));
    }

    private static Ok<PhiStatusResponse> Status(PhiDetector detector, PhiDetectionMonitor monitor)
    {
        var selfTest = PhiSelfTest.Run(detector);
        return TypedResults.Ok(new PhiStatusResponse(
            PhiDetector.EngineVersion, detector.DictionaryCounts, selfTest.Passed, selfTest.Probes, monitor.Failures));
    }

    /// <summary>Parses the modes offered outside the process; placeholders are not, their mapping must stay inside.</summary>
    internal static bool TryParseMode(string? value, out RedactionMode mode)
    {
        mode = RedactionMode.Tag;
        switch (value?.ToLowerInvariant())
        {
            case null or "" or "tag":
                return true;
            case "mask":
                mode = RedactionMode.Mask;
                return true;
            case "surrogate":
                mode = RedactionMode.Surrogate;
                return true;
            default:
                return false;
        }
    }

    private static ValidationProblem? Validate(string? text) => text switch
    {
        null => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["Required."] }),
        { Length: > MaxTextLength } => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [$"At most {MaxTextLength} characters."] }),
        _ => null,
    };

    /// <summary>Fails closed: a detector failure is counted and propagates (500 problem details), never returning unscanned text.</summary>
    private static T Scan<T>(Func<T> scan, PhiDetectionMonitor monitor)
    {
        try
        {
            return scan();
        }
        catch
        {
            monitor.RecordFailure();
            throw;
        }
    }
}
