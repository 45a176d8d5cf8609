using System.Globalization;
using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;

namespace ClinChat.Security;

internal sealed record AuditEventDto(
    long Sequence, DateTimeOffset OccurredAt, string User, string Role, string Action, string Operation, string Resource,
    string Outcome, string RequestId, string ClientAddress, string PreviousHash, string Hash)
{
    public static AuditEventDto From(AuditRecord r) => new(
        r.Sequence, r.Event.OccurredAt, r.Event.User, r.Event.Role, r.Event.Action, Lower(r.Event.Operation), r.Event.Resource,
        Lower(r.Event.Outcome), r.Event.RequestId, r.Event.ClientAddress, r.PreviousHash, r.Hash);

    internal static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

internal sealed record AuditPageResponse(IReadOnlyList<AuditEventDto> Events, long? NextCursor);

internal sealed record AuditProblemDto(string Kind, long? Sequence, long? CheckpointId, string Reason);

internal sealed record AuditCheckpointDto(long Id, long Sequence, DateTimeOffset CreatedAt, string KeyId);

internal sealed record AuditVerifyResponse(
    bool Intact, string Summary, long EventsChecked, int CheckpointsChecked, long HeadSequence, AuditCheckpointDto? LastCheckpoint,
    long UncheckpointedEvents, DateTimeOffset? OldestUncheckpointedEventAt, long? FirstBadSequence, IReadOnlyList<AuditProblemDto> Problems,
    DateTimeOffset VerifiedAt)
{
    public static AuditVerifyResponse From(AuditVerification v) => new(
        v.Intact, v.Summary, v.EventsChecked, v.CheckpointsChecked, v.Head.Sequence,
        v.LastCheckpoint is { } c ? new AuditCheckpointDto(c.Id, c.Sequence, c.CreatedAt, c.KeyId) : null,
        v.UncheckpointedEvents, v.OldestUncheckpointedEventAt, v.FirstBadSequence,
        v.Problems.Select(p => new AuditProblemDto(p.Kind.ToString(), p.Sequence, p.CheckpointId, p.Reason)).ToList(), v.VerifiedAt);
}

internal sealed record DataKeyDto(string KeyId, string MasterKeyId, DateTimeOffset CreatedAt, DateTimeOffset WrappedAt, bool Active);

internal sealed record EncryptionStatusResponse(
    bool Enabled, string Algorithm, string KeyWrapAlgorithm, string MasterKeyId, string MasterKeySource, string ActiveDataKeyId,
    IReadOnlyList<DataKeyDto> DataKeys, DateTimeOffset? LastRotatedAt, double? RotationAgeDays, IReadOnlyList<string> EncryptedFields)
{
    public static EncryptionStatusResponse From(EncryptionStatus s) => new(
        s.Enabled, s.Algorithm, s.KeyWrapAlgorithm, s.MasterKeyId, s.MasterKeySource, s.ActiveDataKeyId,
        s.DataKeys.Select(k => new DataKeyDto(k.KeyId, k.MasterKeyId, k.CreatedAt, k.WrappedAt, k.Active)).ToList(),
        s.LastRotatedAt, s.RotationAge is { } age ? Math.Round(age.TotalDays, 3) : null, s.EncryptedFields);
}

internal sealed record ControlDto(string Id, string Title, string Safeguard, string Status, string Reason);

internal sealed record ComplianceResponse(string Mode, DateTimeOffset EvaluatedAt, double Score, bool Compliant, IReadOnlyList<ControlDto> Controls)
{
    public static ComplianceResponse From(ComplianceReport r) => new(
        AuditEventDto.Lower(r.Mode), r.EvaluatedAt, Math.Round(r.Score, 4), r.Compliant,
        r.Controls.Select(c => new ControlDto(c.Id, c.Title, c.Safeguard, AuditEventDto.Lower(c.Status), c.Reason)).ToList());
}

/// <summary>The audit trail for auditors (<c>/api/audit*</c>) and the encryption and compliance reports (<c>/api/admin/*</c>).</summary>
internal static class SecurityEndpoints
{
    public static IEndpointRouteBuilder MapSecurityEndpoints(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit").WithTags("Audit");
        audit.MapGet("", QueryAsync);
        audit.MapGet("/verify", VerifyAsync);
        audit.MapGet("/export", Export);

        var admin = app.MapGroup("/api/admin").WithTags("Administration");
        admin.MapGet("/encryption/status", EncryptionStatusAsync);
        admin.MapGet("/compliance", ComplianceAsync);
        return app;
    }

    private static async Task<Results<Ok<AuditPageResponse>, ValidationProblem>> QueryAsync(
        HttpRequest request, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (ParseQuery(request, out var errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var page = await audit.QueryAsync(query, cancellationToken);
        return TypedResults.Ok(new AuditPageResponse(page.Events.Select(AuditEventDto.From).ToList(), page.NextCursor));
    }

    private static async Task<Ok<AuditVerifyResponse>> VerifyAsync(AuditTrail audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(AuditVerifyResponse.From(await audit.VerifyAsync(cancellationToken)));

    private static Results<PushStreamHttpResult, ValidationProblem> Export(HttpRequest request, AuditTrail audit, TimeProvider time)
    {
        var format = request.Query["format"].ToString() is { Length: > 0 } f ? f.ToLowerInvariant() : "jsonl";
        if (format is not ("jsonl" or "fhir"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["format must be jsonl or fhir"] });
        }

        if (ParseQuery(request, out var errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var fileName = $"clinchat-audit.{(format == "fhir" ? "fhir.json" : "jsonl")}";
        return TypedResults.Stream(
            async stream =>
            {
                var records = audit.ExportAsync(query, request.HttpContext.RequestAborted);
                if (format == "fhir")
                {
                    await AuditExport.WriteFhirBundleAsync(records, time.GetUtcNow(), stream, request.HttpContext.RequestAborted);
                }
                else
                {
                    await AuditExport.WriteJsonLinesAsync(records, stream, request.HttpContext.RequestAborted);
                }
            },
            format == "fhir" ? "application/fhir+json" : "application/x-ndjson",
            fileName);
    }

    private static async Task<Ok<EncryptionStatusResponse>> EncryptionStatusAsync(EncryptionKeyRing keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(EncryptionStatusResponse.From(await keys.GetStatusAsync(cancellationToken)));

    private static async Task<Ok<ComplianceResponse>> ComplianceAsync(ComplianceSnapshotBuilder compliance, CancellationToken cancellationToken) =>
        TypedResults.Ok(ComplianceResponse.From(await compliance.EvaluateAsync(cancellationToken)));

    /// <summary>The auditor's filter from the query string: user, action, resource, outcome, from, to, cursor, limit.</summary>
    internal static AuditQuery? ParseQuery(HttpRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var q = request.Query;
        string? Text(string name) => q[name].ToString() is { Length: > 0 } value ? value : null;
        DateTimeOffset? Time(string name, Dictionary<string, string[]> problems)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return value;
            }

            problems[name] = [$"{name} must be an ISO 8601 time"];
            return null;
        }

        var from = Time("from", errors);
        var to = Time("to", errors);
        long? cursor = null;
        if (Text("cursor") is { } c)
        {
            if (long.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                cursor = parsed;
            }
            else
            {
                errors["cursor"] = ["cursor must be the next_cursor of a previous page"];
            }
        }

        var limit = 100;
        if (Text("limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AuditQuery.MaxLimit))
        {
            errors["limit"] = [$"limit must be between 1 and {AuditQuery.MaxLimit}"];
        }

        AuditOutcome? outcome = null;
        if (Text("outcome") is { } o)
        {
            if (Enum.TryParse<AuditOutcome>(o, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                outcome = parsed;
            }
            else
            {
                errors["outcome"] = ["outcome must be success, denied or failure"];
            }
        }

        return errors.Count > 0 ? null : new AuditQuery
        {
            User = Text("user"),
            Action = Text("action"),
            Resource = Text("resource"),
            Outcome = outcome,
            From = from,
            To = to,
            Cursor = cursor,
            Limit = limit,
        };
    }
}
