using ClinChat.Backup;
using ClinChat.Identity;
using ClinChat.Identity.Tokens;
using ClinChat.Phi;
using ClinChat.Phi.Diagnostics;
using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;
using ClinChat.Security.Secrets;
using ClinChat.Storage.Database;
using ClinChat.Telemetry;

namespace ClinChat.Security;

/// <summary>
/// Builds the <see cref="ComplianceSnapshot"/> from the real state of this installation (keys, encryption, audit chain,
/// PHI self-test, transport, backups, retention) and evaluates it. Shared by <c>GET /api/admin/compliance</c>, the
/// hourly gauge update and <c>clinchat compliance check</c>.
/// </summary>
internal sealed class ComplianceSnapshotBuilder(IConfiguration configuration, IServiceProvider services)
{
    public async Task<ComplianceReport> EvaluateAsync(CancellationToken cancellationToken, bool? production = null)
    {
        var mode = production ?? DeploymentMode.IsProduction(configuration) ? ComplianceMode.Production : ComplianceMode.Development;
        var snapshot = new ComplianceSnapshot
        {
            Mode = mode,
            PrivilegedRoles = [Roles.Admin, Roles.Auditor],
            MfaEnforcedRoles = Roles.RequiringMfa,
            Secrets = Secrets(),
            Encryption = await services.GetRequiredService<EncryptionKeyRing>().GetStatusAsync(cancellationToken),
            Audit = await services.GetRequiredService<AuditTrail>().VerifyAsync(cancellationToken),
            PhiSelfTestPassed = services.GetService<PhiDetector>() is { } detector ? PhiSelfTest.Run(detector).Passed : null,
            TlsConfigured = ServesHttps(),
            TrustedProxyConfigured = string.Equals(configuration["ASPNETCORE_FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase)
                || string.Equals(configuration["ClinChat:Security:TrustedProxy"], "true", StringComparison.OrdinalIgnoreCase),
            LastBackupAt = await LastBackupAsync(cancellationToken),
            Retention = services.GetRequiredService<RetentionOptions>(),
        };
        var report = services.GetRequiredService<ComplianceEngine>().Evaluate(snapshot);
        services.GetService<ClinChatMetrics>()?.RecordComplianceScore(report.Score);
        if (services.GetService<ILogger<ComplianceSnapshotBuilder>>() is { } logger)
        {
            SecurityHostLog.ComplianceEvaluated(logger, report.Controls.Count(c => c.Status == ControlStatus.Pass), report.Controls.Count);
        }

        return report;
    }

    private List<SecretCheck> Secrets()
    {
        var keys = services.GetRequiredService<SecurityKeys>();
        var checks = new List<SecretCheck>();
        foreach (var (variable, minimum, exact) in new[] { (MasterKey.Variable, MasterKey.KeyBytes, true), (AuditSigningKeys.Variable, AuditSigningKeys.MinimumKeyBytes, false) })
        {
            var developmentFile = string.IsNullOrWhiteSpace(configuration[variable + "_FILE"]) && string.IsNullOrWhiteSpace(configuration[variable]);
            if (developmentFile)
            {
                checks.Add(new SecretCheck(variable, SecretState.Default, $"{variable} is a development key generated under the data directory; supply {variable}_FILE."));
                continue;
            }

            try
            {
                var loaded = SecretSource.TryLoadKey(variable, minimum, exact, keys.Environment);
                checks.Add(loaded is { } key ? SecretPolicy.AssessKey(variable, key.Key) : new SecretCheck(variable, SecretState.Missing, $"{variable} is not set."));
            }
            catch (SecurityConfigurationException e)
            {
                checks.Add(new SecretCheck(variable, SecretState.Weak, e.Message));
            }
        }

        var jwt = services.GetService<JwtSigningKey>();
        if (jwt is null)
        {
            try
            {
                jwt = JwtSigningKey.Load(DeploymentMode.JwtKeyFile(configuration), production: false);
            }
            catch (IdentityConfigurationException e)
            {
                checks.Add(new SecretCheck(JwtSigningKey.FileVariable, SecretState.Weak, e.Message));
            }
        }

        if (jwt is not null)
        {
            checks.Add(jwt.IsEphemeral
                ? new SecretCheck(JwtSigningKey.FileVariable, SecretState.Default, $"{JwtSigningKey.FileVariable} is not set: the JWT key is generated per process.")
                : SecretPolicy.AssessKey(JwtSigningKey.FileVariable, jwt.Key));
        }

        return checks;
    }

    private bool ServesHttps()
    {
        var urls = (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? string.Empty) + ";" +
            string.Join(';', configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]));
        return urls.Contains("https://", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The backup log (<c>backup_log</c>, written by <c>clinchat backup</c>) in the store database: its last success, or unknown.</summary>
    private async Task<DateTimeOffset?> LastBackupAsync(CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<StoreDatabase>();

        // A compliance check must not create the embedded file it reports on.
        return database is SqliteStoreDatabase { DatabasePath: var path } && !File.Exists(path)
            ? null
            : await new BackupLog(database).GetLastSuccessAsync(cancellationToken);
    }
}
