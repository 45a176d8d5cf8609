namespace ClinChat.Identity;

/// <summary>
/// Production or development. Production is what a deployment says explicitly: <c>CLINCHAT_ENVIRONMENT=production</c>
/// (or <c>ClinChat:Environment</c>), or ASPNETCORE_ENVIRONMENT / DOTNET_ENVIRONMENT set to Production (the
/// Kubernetes ConfigMap does). A bare <c>clinchat serve</c> on a developer machine sets none of them, so it starts with
/// zero configuration (generated signing key); production refuses to start without its secrets.
/// </summary>
internal static class DeploymentMode
{
    public static bool IsProduction(IConfiguration configuration)
    {
        var explicitMode = configuration["CLINCHAT_ENVIRONMENT"] ?? configuration["ClinChat:Environment"];
        if (!string.IsNullOrWhiteSpace(explicitMode))
        {
            return string.Equals(explicitMode.Trim(), "production", StringComparison.OrdinalIgnoreCase);
        }

        var aspnet = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        return string.Equals(aspnet, "Production", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The JWT key file: <c>CLINCHAT_JWT_KEY_FILE</c>, else <c>ClinChat:Identity:JwtKeyFile</c>.</summary>
    public static string? JwtKeyFile(IConfiguration configuration) =>
        configuration[Tokens.JwtSigningKey.FileVariable] is { Length: > 0 } file ? file : configuration[Tokens.JwtSigningKey.FileSetting];
}
