using ClinChat.Identity;
using ClinChat.Security.Audit;

namespace ClinChat.Security;

/// <summary>
/// Sign-in and account events into the audit trail. Written with <see cref="CancellationToken.None"/>: the event has
/// happened (a session exists, an account changed) whether or not the client is still listening.
/// </summary>
internal sealed class AuditIdentityEventSink(AuditTrail audit, SecurityReadiness readiness, IServiceProvider services) : IIdentityEventSink
{
    public async Task RecordAsync(IdentityEvent identityEvent, CancellationToken cancellationToken)
    {
        await readiness.WaitAsync(CancellationToken.None);
        var http = services.GetService<IHttpContextAccessor>()?.HttpContext;
        var subject = AuditFields.Identifier(identityEvent.Username, "anonymous");
        var resource = identityEvent.SessionId is { } session ? "session:" + AuditFields.Identifier(session, "unknown") : "user:" + subject;

        // Account administration runs from the CLI on the server: the actor is the operator there, the account the resource.
        var byOperator = identityEvent.Action is IdentityActions.UserCreate or IdentityActions.UserUpdate && http is null;
        var user = byOperator ? "cli" : subject;
        var operation = identityEvent.Action switch
        {
            IdentityActions.UserCreate => AuditOperation.Create,
            IdentityActions.UserUpdate or IdentityActions.MfaEnroll or IdentityActions.MfaConfirm => AuditOperation.Update,
            _ => AuditOperation.Execute,
        };
        var outcome = identityEvent.Outcome switch
        {
            "success" or "noop" => AuditOutcome.Success,
            "denied" => AuditOutcome.Denied,
            _ => AuditOutcome.Failure,
        };
        await audit.AppendAsync(
            new AuditEvent(
                identityEvent.At,
                user,
                byOperator ? string.Empty : AuditFields.Roles(identityEvent.Roles),
                identityEvent.Action,
                operation,
                resource,
                outcome,
                AuditFields.Identifier(http?.TraceIdentifier, byOperator ? "cli" : string.Empty),
                AuditFields.Identifier(http?.Connection.RemoteIpAddress?.ToString(), string.Empty)),
            CancellationToken.None);
    }
}

/// <summary>Audit fields hold identifiers only: anything with whitespace or of odd length is replaced, never copied.</summary>
internal static class AuditFields
{
    public static string Identifier(string? value, string fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (value.Length > 200 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..16];
        }

        return value;
    }

    public static string Roles(IEnumerable<string> roles) => Identifier(string.Join(',', roles.Order(StringComparer.Ordinal)), string.Empty);
}
