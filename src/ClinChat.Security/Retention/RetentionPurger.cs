using ClinChat.Security.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinChat.Security.Retention;

public sealed record RetentionRun(bool Configured, DateTimeOffset? Cutoff, int ConversationsPurged);

/// <summary>
/// Purges conversations past <see cref="RetentionOptions.Conversations"/>. It has no access to audit deletion by
/// construction: it only holds the conversation store, and it records each purge as an audit event.
/// The host runs <see cref="PurgeAsync"/> from a <c>BackgroundService</c> every <see cref="RetentionOptions.Interval"/>.
/// </summary>
public sealed class RetentionPurger
{
    public const string PurgeAction = "retention.purge";

    private readonly IConversationStore _conversations;
    private readonly AuditTrail _audit;
    private readonly RetentionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RetentionPurger(IConversationStore conversations, AuditTrail audit, RetentionOptions options, TimeProvider time, ILogger<RetentionPurger>? logger = null)
    {
        options.Validate();
        _conversations = conversations;
        _audit = audit;
        _options = options;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task<RetentionRun> PurgeAsync(CancellationToken cancellationToken)
    {
        if (_options.Conversations is not { } maxAge)
        {
            SecurityLog.RetentionNotConfigured(_logger);
            return new RetentionRun(false, null, 0);
        }

        var cutoff = _time.GetUtcNow() - maxAge;
        var purged = await _conversations.PurgeOlderThanAsync(cutoff, cancellationToken);
        // The purge has happened; its audit record must not be lost to a late cancellation.
        await _audit.RecordAsync("system", "system", PurgeAction, AuditOperation.Delete, "conversations", AuditOutcome.Success,
            string.Empty, string.Empty, CancellationToken.None);
        SecurityLog.RetentionPurged(_logger, purged, cutoff);
        return new RetentionRun(true, cutoff, purged);
    }
}
