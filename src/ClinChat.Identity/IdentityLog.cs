using Microsoft.Extensions.Logging;

namespace ClinChat.Identity;

/// <summary>Every log event of the identity library (event ids 4000-4099). No passwords, codes, tokens or secrets, ever.</summary>
internal static partial class IdentityLog
{
    [LoggerMessage(4000, LogLevel.Information, "Identity event {Action} for {Username}: {Outcome} ({Reason})")]
    public static partial void Event(ILogger logger, string action, string? username, string outcome, string? reason);

    [LoggerMessage(4001, LogLevel.Warning, "Account {Username} locked until {Until}")]
    public static partial void LockedOut(ILogger logger, string username, DateTimeOffset until);

    [LoggerMessage(4002, LogLevel.Information, "LDAP: no unique directory entry for the user name")]
    public static partial void LdapUserNotFound(ILogger logger);

    [LoggerMessage(4003, LogLevel.Error, "LDAP sign-in failed: directory unavailable or misconfigured ({ErrorType})")]
    public static partial void LdapFailed(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(4004, LogLevel.Warning, "Refresh token reused: session {SessionId} of {Username} revoked")]
    public static partial void RefreshReuse(ILogger logger, string sessionId, string username);
}

/// <summary>The default <see cref="IIdentityEventSink"/>: the event as a log line, until the audit trail takes it.</summary>
internal sealed class LoggingIdentityEventSink(ILogger<LoggingIdentityEventSink> logger) : IIdentityEventSink
{
    public Task RecordAsync(IdentityEvent identityEvent, CancellationToken cancellationToken)
    {
        IdentityLog.Event(logger, identityEvent.Action, identityEvent.Username, identityEvent.Outcome, identityEvent.Reason);
        return Task.CompletedTask;
    }
}
