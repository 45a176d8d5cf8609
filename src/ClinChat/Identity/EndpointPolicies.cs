using System.Collections.Concurrent;
using ClinChat.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ClinChat.Identity;

/// <summary>Who may call an endpoint: nobody in particular (probes), any signed-in user, or holders of given roles.</summary>
internal sealed record EndpointPolicy(string Name, bool Anonymous, IReadOnlyList<string> Roles)
{
    public bool SignedInOnly => !Anonymous && Roles.Count == 0;

    public bool Allows(System.Security.Claims.ClaimsPrincipal user) =>
        Anonymous || (user.Identity?.IsAuthenticated == true && (SignedInOnly || Roles.Any(user.IsInRole)));
}

/// <summary>
/// The policy table: every endpoint's (method, route pattern) and the policy that guards it. Default deny: an endpoint
/// that is not listed here refuses everyone (403 signed in, 401 otherwise), and
/// <c>EndpointPolicyTableTests</c> fails for it, so a new endpoint must be added here to work at all.
/// </summary>
internal static class EndpointPolicies
{
    public static readonly EndpointPolicy Anonymous = new("anonymous", true, []);
    public static readonly EndpointPolicy SignedIn = new("signed_in", false, []);
    public static readonly EndpointPolicy Ask = new("ask", false, [Roles.Clinician, Roles.Pharmacist, Roles.KbCurator, Roles.Admin]);
    public static readonly EndpointPolicy ReadKnowledge = new("read_knowledge", false, [Roles.Clinician, Roles.Pharmacist, Roles.KbCurator, Roles.Admin]);
    public static readonly EndpointPolicy CurateKnowledge = new("curate_knowledge", false, [Roles.KbCurator, Roles.Admin]);
    public static readonly EndpointPolicy Drugs = new("drugs", false, [Roles.Clinician, Roles.Pharmacist, Roles.Admin]);
    public static readonly EndpointPolicy Phi = new("phi", false, [Roles.Admin, Roles.KbCurator]);
    public static readonly EndpointPolicy Admin = new("admin", false, [Roles.Admin]);
    public static readonly EndpointPolicy Audit = new("audit", false, [Roles.Auditor, Roles.Admin]);

    /// <summary>Method "*" matches any method (endpoints mapped without one, such as /metrics).</summary>
    public static IReadOnlyDictionary<(string Method, string Route), EndpointPolicy> Table { get; } = new Dictionary<(string, string), EndpointPolicy>
    {
        // Probes, discovery and metrics: what load balancers, Prometheus and API clients need before signing in.
        [("GET", "/api/health")] = Anonymous,
        [("GET", "/api/ready")] = Anonymous,
        [("GET", "/openapi/{documentName}.json")] = Anonymous,
        [("*", "/metrics")] = Anonymous,
        [("GET", "/metrics")] = Anonymous,

        // Sign-in.
        [("POST", "/api/auth/login")] = Anonymous,
        [("POST", "/api/auth/refresh")] = Anonymous,
        [("POST", "/api/auth/logout")] = SignedIn,
        [("GET", "/api/auth/me")] = SignedIn,
        [("POST", "/api/auth/mfa/enroll")] = SignedIn,
        [("POST", "/api/auth/mfa/confirm")] = SignedIn,

        // Questions and the knowledge base.
        [("POST", "/api/chat")] = Ask,
        [("POST", "/api/chat/{id}/feedback")] = Ask,
        [("POST", "/api/search")] = Ask,
        [("GET", "/api/documents")] = ReadKnowledge,
        [("GET", "/api/documents/{*id}")] = ReadKnowledge,
        [("GET", "/api/documents/jobs/{jobId}")] = CurateKnowledge,
        [("POST", "/api/documents")] = CurateKnowledge,
        [("DELETE", "/api/documents/{*id}")] = CurateKnowledge,

        [("POST", "/api/drugs/interactions")] = Drugs,
        [("POST", "/api/phi/detect")] = Phi,
        [("POST", "/api/phi/redact")] = Phi,

        // Administration.
        [("GET", "/api/admin/knowledge-base/status")] = Admin,
        [("GET", "/api/admin/drug-db/health")] = Admin,
        [("GET", "/api/admin/phi-detection/status")] = Admin,
        [("GET", "/api/admin/encryption/status")] = Admin,
        [("GET", "/api/admin/compliance")] = Audit,
        [("GET", "/api/admin/accuracy")] = Audit,

        // Audit trail (issue 5, item 3): auditors read it, admins too.
        [("GET", "/api/audit")] = Audit,
        [("GET", "/api/audit/verify")] = Audit,
        [("GET", "/api/audit/export")] = Audit,
    };

    private static readonly ConcurrentDictionary<Endpoint, EndpointPolicy?> Cache = new();

    /// <summary>The policy of a routed endpoint for a request method, or null when the table has none (deny).</summary>
    public static EndpointPolicy? Find(RouteEndpoint endpoint, string method)
    {
        var route = Normalise(endpoint.RoutePattern);
        return Table.TryGetValue((method.ToUpperInvariant(), route), out var policy) || Table.TryGetValue(("*", route), out policy) ? policy : null;
    }

    /// <summary>The methods an endpoint answers ("*" when it was mapped without any).</summary>
    public static IReadOnlyList<string> Methods(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? [.. methods] : ["*"];

    public static string Normalise(RoutePattern pattern) => "/" + (pattern.RawText ?? string.Empty).Trim('/');

    internal static EndpointPolicy? FindCached(RouteEndpoint endpoint, string method) =>
        Methods(endpoint).Count == 1 ? Cache.GetOrAdd(endpoint, e => Find((RouteEndpoint)e, method)) : Find(endpoint, method);
}

/// <summary>The fallback authorisation requirement: "what the policy table says for this endpoint".</summary>
internal sealed class EndpointPolicyRequirement : IAuthorizationRequirement;

internal sealed class EndpointPolicyHandler(ILogger<EndpointPolicyHandler> logger) : AuthorizationHandler<EndpointPolicyRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, EndpointPolicyRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var endpoint = http?.GetEndpoint();
        if (endpoint is RouteEndpoint route)
        {
            var policy = EndpointPolicies.FindCached(route, http!.Request.Method);
            if (policy is null)
            {
                IdentityHostLog.EndpointWithoutPolicy(logger, http.Request.Method, EndpointPolicies.Normalise(route.RoutePattern));
            }
            else if (policy.Allows(context.User))
            {
                context.Succeed(requirement);
            }
        }
        else if (context.User.Identity?.IsAuthenticated == true)
        {
            // No route (404) or a wrong method (405): signed-in users learn that; anonymous callers learn nothing.
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
