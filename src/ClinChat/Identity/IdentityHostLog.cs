namespace ClinChat.Identity;

/// <summary>Log events of the host's identity and hardening layer (event ids 4100-4199). No tokens, passwords or codes.</summary>
internal static partial class IdentityHostLog
{
    [LoggerMessage(4100, LogLevel.Error, "Endpoint {Method} {Route} has no entry in the policy table: denied to everyone")]
    public static partial void EndpointWithoutPolicy(ILogger logger, string method, string route);

    [LoggerMessage(4101, LogLevel.Warning, "JWT signing key generated for this process (development mode): tokens end with the process. Set CLINCHAT_JWT_KEY_FILE for anything shared.")]
    public static partial void EphemeralKey(ILogger logger);

    [LoggerMessage(4102, LogLevel.Information, "JWT signing key {KeyId} loaded from {Source}")]
    public static partial void KeyLoaded(ILogger logger, string keyId, string source);

    [LoggerMessage(4103, LogLevel.Information, "Bearer token refused: session {State}")]
    public static partial void SessionRefused(ILogger logger, string state);

    [LoggerMessage(4104, LogLevel.Warning, "Rate limit reached for a {Partition} client on {Path}")]
    public static partial void RateLimited(ILogger logger, string partition, string path);
}
