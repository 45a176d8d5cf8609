using ClinChat.Identity;
using ClinChat.Identity.Tokens;
using ClinChat.Security.Audit;

namespace ClinChat.Security;

/// <summary>What an audited endpoint does: the action name, the operation, and the route value that names its resource.</summary>
internal sealed record AuditedEndpoint(string Action, AuditOperation Operation, string? ResourcePrefix = null, string? RouteValue = null);

/// <summary>
/// Appends one audit event for every request to clinical content (chat, search, documents, PHI, drugs) and every
/// administrative or audit-trail endpoint, after the endpoint ran (so it records what happened, refusals included).
/// Sign-in events come from the identity library through <see cref="AuditIdentityEventSink"/> instead.
/// The event carries user, roles, action, a patient-free resource, outcome, request id and client address; never text.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditTrail audit, SecurityReadiness readiness, ILogger<AuditMiddleware> logger)
{
    /// <summary>An endpoint may name the resource it touched (e.g. <c>conversation:ab12</c>) in this HttpContext item.</summary>
    public const string ResourceItem = "clinchat.audit.resource";

    /// <summary>Keyed like the policy table: (method, route pattern).</summary>
    public static IReadOnlyDictionary<(string Method, string Route), AuditedEndpoint> Table { get; } = new Dictionary<(string, string), AuditedEndpoint>
    {
        [("POST", "/api/chat")] = new("chat.ask", AuditOperation.Execute),
        [("POST", "/api/chat/{id}/feedback")] = new("chat.feedback", AuditOperation.Create, "conversation:", "id"),
        [("POST", "/api/search")] = new("search.query", AuditOperation.Execute),
        [("GET", "/api/documents")] = new("documents.list", AuditOperation.Read),
        [("GET", "/api/documents/{*id}")] = new("documents.read", AuditOperation.Read, "document:", "id"),
        [("GET", "/api/documents/jobs/{jobId}")] = new("documents.job", AuditOperation.Read, "job:", "jobId"),
        [("POST", "/api/documents")] = new("documents.upload", AuditOperation.Create),
        [("DELETE", "/api/documents/{*id}")] = new("documents.delete", AuditOperation.Delete, "document:", "id"),
        [("POST", "/api/drugs/interactions")] = new("drugs.interactions", AuditOperation.Execute),
        [("POST", "/api/phi/detect")] = new("phi.detect", AuditOperation.Execute),
        [("POST", "/api/phi/redact")] = new("phi.redact", AuditOperation.Execute),
        [("GET", "/api/admin/knowledge-base/status")] = new("admin.knowledge_base_status", AuditOperation.Read),
        [("GET", "/api/admin/drug-db/health")] = new("admin.drug_db_health", AuditOperation.Read),
        [("GET", "/api/admin/phi-detection/status")] = new("admin.phi_detection_status", AuditOperation.Read),
        [("GET", "/api/admin/encryption/status")] = new("admin.encryption_status", AuditOperation.Read),
        [("GET", "/api/admin/compliance")] = new("admin.compliance", AuditOperation.Read),
        [("GET", "/api/admin/accuracy")] = new("admin.accuracy", AuditOperation.Read),
        [("GET", "/api/audit")] = new("audit.query", AuditOperation.Read),
        [("GET", "/api/audit/verify")] = new("audit.verify", AuditOperation.Execute),
        [("GET", "/api/audit/export")] = new("audit.export", AuditOperation.Read),
    };

    public async Task InvokeAsync(HttpContext http)
    {
        // Beyond the probes, nothing runs before the keys are loaded and the audit trail can record it.
        if (!readiness.IsReady && http.Request.Path.StartsWithSegments("/api")
            && !http.Request.Path.StartsWithSegments("/api/health") && !http.Request.Path.StartsWithSegments("/api/ready"))
        {
            await readiness.WaitAsync(http.RequestAborted);
        }

        if (http.GetEndpoint() is not RouteEndpoint endpoint
            || !Table.TryGetValue((http.Request.Method.ToUpperInvariant(), EndpointPolicies.Normalise(endpoint.RoutePattern)), out var audited))
        {
            await next(http);
            return;
        }

        var failed = true;
        try
        {
            await next(http);
            failed = false;
        }
        finally
        {
            await RecordAsync(http, endpoint, audited, failed);
        }
    }

    private async Task RecordAsync(HttpContext http, RouteEndpoint endpoint, AuditedEndpoint audited, bool failed)
    {
        var status = http.Response.StatusCode;
        var outcome = failed || status >= 500 ? AuditOutcome.Failure
            : status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests ? AuditOutcome.Denied
            : status >= 400 ? AuditOutcome.Failure
            : AuditOutcome.Success;
        var resource = http.Items[ResourceItem] as string
            ?? (audited.RouteValue is { } key && http.Request.RouteValues[key]?.ToString() is { Length: > 0 } value
                ? audited.ResourcePrefix + AuditFields.Identifier(value, "unknown")
                : EndpointPolicies.Normalise(endpoint.RoutePattern));
        var user = http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(ClinChatClaims.Subject)?.Value : null;
        try
        {
            // The action has taken effect (or was refused): the record must survive the client going away.
            await audit.RecordAsync(
                AuditFields.Identifier(user, "anonymous"),
                AuditFields.Roles(http.User.FindAll(ClinChatClaims.Role).Select(c => c.Value)),
                audited.Action,
                audited.Operation,
                AuditFields.Identifier(resource, "unknown"),
                outcome,
                AuditFields.Identifier(http.TraceIdentifier, string.Empty),
                AuditFields.Identifier(http.Connection.RemoteIpAddress?.ToString(), string.Empty),
                CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SecurityHostLog.AuditWriteFailed(logger, audited.Action, http.TraceIdentifier, e);
            throw;
        }
    }
}
