using Microsoft.Extensions.Logging;

namespace ClinChat.Security;

/// <summary>Every log event of the security engine, with stable ids. Identifiers and counts only: no PHI, no key material.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Audit checkpoint {CheckpointId} signed at sequence {Sequence} with key {KeyId}")]
    public static partial void CheckpointWritten(ILogger logger, long checkpointId, long sequence, string keyId);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Audit checkpoint {CheckpointId} was taken by another writer; retrying")]
    public static partial void CheckpointRace(ILogger logger, long checkpointId);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Audit chain verified: {Events} events, {Checkpoints} checkpoints")]
    public static partial void ChainIntact(ILogger logger, long events, int checkpoints);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Critical, Message = "Audit chain verification failed: {Kind} at sequence {Sequence}, checkpoint {CheckpointId}")]
    public static partial void ChainBroken(ILogger logger, Audit.AuditProblemKind kind, long? sequence, long? checkpointId);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Error, Message = "Automatic audit checkpoint after sequence {Sequence} failed ({ErrorType}); the next append retries")]
    public static partial void AutoCheckpointFailed(ILogger logger, long sequence, string errorType);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Encryption keys loaded: master key {MasterKeyId}, {DataKeys} data keys, active {ActiveKeyId}")]
    public static partial void KeysLoaded(ILogger logger, string masterKeyId, int dataKeys, string activeKeyId);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Information, Message = "Data key {KeyId} created")]
    public static partial void DataKeyCreated(ILogger logger, string keyId);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Warning, Message = "Master key rotated from {OldMasterKeyId} to {NewMasterKeyId}: {DataKeys} data keys re-wrapped")]
    public static partial void MasterKeyRotated(ILogger logger, string oldMasterKeyId, string newMasterKeyId, int dataKeys);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Error, Message = "Field decryption failed ({Reason}) under data key {KeyId}")]
    public static partial void DecryptionFailed(ILogger logger, string reason, string keyId);

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Retention purge removed {Conversations} conversations last active before {Cutoff}")]
    public static partial void RetentionPurged(ILogger logger, int conversations, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "Retention purge skipped: Retention:Conversations is not configured")]
    public static partial void RetentionNotConfigured(ILogger logger);
}
