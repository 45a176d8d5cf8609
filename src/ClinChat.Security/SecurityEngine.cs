using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;
using ClinChat.Security.Secrets;
using ClinChat.Storage.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ClinChat.Security;

/// <summary>Settings of the security engine; the host binds them from configuration and validates at start.</summary>
public sealed class SecurityEngineOptions
{
    /// <summary>
    /// The store database (SQLite or PostgreSQL; the knowledge base's is fine: the engine uses its own tables). Null: the
    /// <see cref="StoreDatabase"/> registered in the container.
    /// </summary>
    public StoreDatabase? Database { get; set; }

    public AuditOptions Audit { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public ComplianceOptions Compliance { get; set; } = new();

    /// <summary>Where <c>*_FILE</c> and key variables are read; the process environment unless a test supplies one.</summary>
    public Func<string, string?>? Environment { get; set; }

    public void Validate()
    {
        Audit.Validate();
        Retention.Validate();
    }
}

public static class SecurityEngineServices
{
    /// <summary>The engine's tables: apply them with <see cref="StoreDatabase.MigrateAsync"/> (or <c>clinchat db migrate</c>).</summary>
    public static IReadOnlyList<SchemaMigration> Schemas { get; } = [AuditStore.Schema, DataKeyStore.Schema, ConversationStore.Schema];

    /// <summary>
    /// Registers the audit trail, envelope encryption, conversation store, retention purger and compliance engine over
    /// <see cref="SecurityEngineOptions.Database"/> (or the container's <see cref="StoreDatabase"/>). Keys are read from
    /// the environment when first resolved; call <see cref="InitializeSecurityAsync"/> (or, over a migrated database,
    /// <see cref="LoadSecurityKeysAsync"/>) at start so a missing or wrong key stops the process before it serves anything.
    /// </summary>
    public static IServiceCollection AddSecurityEngine(this IServiceCollection services, SecurityEngineOptions options)
    {
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(options.Audit);
        services.TryAddSingleton(options.Retention);
        services.TryAddSingleton(options.Compliance);
        if (options.Database is { } database)
        {
            services.TryAddSingleton(database);
        }

        services.TryAddSingleton<IAuditStore>(sp => new AuditStore(sp.GetRequiredService<StoreDatabase>()));
        services.TryAddSingleton(_ => AuditSigningKeys.FromEnvironment(options.Environment));
        services.TryAddSingleton(sp => new AuditTrail(
            sp.GetRequiredService<IAuditStore>(), sp.GetRequiredService<AuditSigningKeys>(), sp.GetRequiredService<TimeProvider>(),
            options.Audit, sp.GetService<ILogger<AuditTrail>>()));

        services.TryAddSingleton<IDataKeyStore>(sp => new DataKeyStore(sp.GetRequiredService<StoreDatabase>()));
        services.TryAddSingleton(_ => MasterKey.FromEnvironment(options.Environment));
        services.TryAddSingleton(sp => new EncryptionKeyRing(
            sp.GetRequiredService<IDataKeyStore>(), sp.GetRequiredService<MasterKey>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<EncryptionKeyRing>>()));
        services.TryAddSingleton(sp => new FieldProtector(sp.GetRequiredService<EncryptionKeyRing>(), sp.GetService<ILogger<FieldProtector>>()));

        services.TryAddSingleton<IConversationStore>(sp => new ConversationStore(
            sp.GetRequiredService<StoreDatabase>(), sp.GetRequiredService<FieldProtector>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RetentionPurger(
            sp.GetRequiredService<IConversationStore>(), sp.GetRequiredService<AuditTrail>(), options.Retention,
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<RetentionPurger>>()));
        services.TryAddSingleton(sp => new ComplianceEngine(sp.GetRequiredService<TimeProvider>(), options.Compliance));
        return services;
    }

    /// <summary>
    /// Creates the tables and loads the keys (embedded use and tests). Fails (naming the setting) when a key is missing or
    /// wrong. A host whose schema is owned by <c>clinchat db migrate</c> calls <see cref="LoadSecurityKeysAsync"/> instead.
    /// </summary>
    public static async Task InitializeSecurityAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<StoreDatabase>();
        foreach (var schema in Schemas)
        {
            await database.MigrateAsync(schema, cancellationToken);
        }

        await services.LoadSecurityKeysAsync(cancellationToken);
    }

    /// <summary>Loads the keys over existing tables (creating the first data key of an empty store).</summary>
    public static async Task LoadSecurityKeysAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<AuditTrail>();
        await services.GetRequiredService<EncryptionKeyRing>().InitializeAsync(cancellationToken);
        _ = services.GetRequiredService<IConversationStore>();
    }
}
