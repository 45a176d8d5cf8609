namespace ClinChat.Security;

/// <summary>Log events of the host's security wiring (event ids 4200-4299). Identifiers only: never text, keys or secrets.</summary>
internal static partial class SecurityHostLog
{
    [LoggerMessage(4200, LogLevel.Warning, "Development keys on disk: the master key and the audit signing key were generated under {KeyDirectory}. Production refuses to start without CLINCHAT_MASTER_KEY_FILE and CLINCHAT_AUDIT_SIGNING_KEY_FILE.")]
    public static partial void DevelopmentKeys(ILogger logger, string keyDirectory);

    [LoggerMessage(4201, LogLevel.Information, "Security engine ready: master key {MasterKeyId}, active data key {DataKeyId}, audit head {AuditHead}")]
    public static partial void Ready(ILogger logger, string masterKeyId, string dataKeyId, long auditHead);

    [LoggerMessage(4202, LogLevel.Error, "Audit event {Action} could not be written (request {RequestId})")]
    public static partial void AuditWriteFailed(ILogger logger, string action, string requestId, Exception exception);

    [LoggerMessage(4203, LogLevel.Error, "Security maintenance iteration failed ({Task})")]
    public static partial void MaintenanceFailed(ILogger logger, string task, Exception exception);

    [LoggerMessage(4205, LogLevel.Warning, "The database is locked by another process: security tables will be created when it is released; requests wait until then")]
    public static partial void WaitingForDatabase(ILogger logger);

    [LoggerMessage(4206, LogLevel.Critical, "Security engine could not start ({ErrorType}): {Message}")]
    public static partial void InitializationFailed(ILogger logger, string errorType, string message);

    [LoggerMessage(4204, LogLevel.Information, "Compliance self-check: {Passing} of {Total} controls pass")]
    public static partial void ComplianceEvaluated(ILogger logger, int passing, int total);
}
