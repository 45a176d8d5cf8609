using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;
using ClinChat.Security.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ClinChat.Security;

/// <summary>Settings of the security engine; the host binds them from configuration and validates at start.</summary>
public sealed class SecurityEngineOptions
{
    /// <summary>The SQLite file (the knowledge base file is fine: the engine uses its own tables).</summary>
    public string DatabasePath { get; set; } = string.Empty;

    public AuditOptions Audit { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public ComplianceOptions Compliance { get; set; } = new();

    /// <summary>Where <c>*_FILE</c> and key variables are read; the process environment unless a test supplies one.</summary>
    public Func<string, string?>? Environment { get; set; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new SecurityConfigurationException("Security:DatabasePath", "is required.");
        }

        Audit.Validate();
        Retention.Validate();
    }
}

public static class SecurityEngineServices
{
    /// <summary>
    /// Registers the audit trail, envelope encryption, conversation store, retention purger and compliance engine
    /// (SQLite). Keys are read from the environment when first resolved; call <see cref="InitializeSecurityAsync"/>
    /// at start so a missing or wrong key stops the process before it serves anything.
    /// </summary>
    public static IServiceCollection AddSecurityEngine(this IServiceCollection services, SecurityEngineOptions options)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(options.Audit);
        services.TryAddSingleton(options.Retention);
        services.TryAddSingleton(options.Compliance);

        services.TryAddSingleton<IAuditStore>(_ => new SqliteAuditStore(options.DatabasePath));
        services.TryAddSingleton(_ => AuditSigningKeys.FromEnvironment(options.Environment));
        services.TryAddSingleton(sp => new AuditTrail(
            sp.GetRequiredService<IAuditStore>(), sp.GetRequiredService<AuditSigningKeys>(), sp.GetRequiredService<TimeProvider>(),
            options.Audit, sp.GetService<ILogger<AuditTrail>>()));

        services.TryAddSingleton<IDataKeyStore>(_ => new SqliteDataKeyStore(options.DatabasePath));
        services.TryAddSingleton(_ => MasterKey.FromEnvironment(options.Environment));
        services.TryAddSingleton(sp => new EncryptionKeyRing(
            sp.GetRequiredService<IDataKeyStore>(), sp.GetRequiredService<MasterKey>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<EncryptionKeyRing>>()));
        services.TryAddSingleton(sp => new FieldProtector(sp.GetRequiredService<EncryptionKeyRing>(), sp.GetService<ILogger<FieldProtector>>()));

        services.TryAddSingleton<IConversationStore>(sp => new ConversationStore(
            options.DatabasePath, sp.GetRequiredService<FieldProtector>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RetentionPurger(
            sp.GetRequiredService<IConversationStore>(), sp.GetRequiredService<AuditTrail>(), options.Retention,
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<RetentionPurger>>()));
        services.TryAddSingleton(sp => new ComplianceEngine(sp.GetRequiredService<TimeProvider>(), options.Compliance));
        return services;
    }

    /// <summary>Creates the tables and loads the keys. Fails (naming the setting) when a key is missing or wrong.</summary>
    public static async Task InitializeSecurityAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IAuditStore>().MigrateAsync(cancellationToken);
        _ = services.GetRequiredService<AuditTrail>();
        await services.GetRequiredService<EncryptionKeyRing>().InitializeAsync(cancellationToken);
        await services.GetRequiredService<IConversationStore>().MigrateAsync(cancellationToken);
    }
}
