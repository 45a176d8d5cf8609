using ClinChat.Database;
using ClinChat.Identity;
using ClinChat.Identity.Mfa;
using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;
using ClinChat.Storage.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinChat.Security;

/// <summary>
/// The security engine in the host: audit trail, envelope encryption (conversations, MFA secrets), retention and the
/// compliance self-check. Register before the identity services, so the identity library's seams (MFA secret
/// protection, sign-in events) resolve to the encrypted store and the audit trail.
/// </summary>
internal static class SecurityServices
{
    public const string AuditSection = "ClinChat:Audit";
    public const string RetentionSection = "ClinChat:Retention";
    public const string ComplianceSection = "ClinChat:Compliance";

    /// <summary>The web host's registration: the engine plus the audit middleware's needs and the background loops.</summary>
    public static IServiceCollection AddSecurity(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddSecurityCore(configuration, dataDirectory);
        services.AddHttpContextAccessor();
        services.AddHostedService<SecurityStartup>();
        services.AddHostedService<SecurityMaintenance>();
        return services;
    }

    /// <summary>What the web host and the CLI share: the store database, keys, engine, identity seams, compliance snapshot.</summary>
    public static IServiceCollection AddSecurityCore(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddStoreDatabase(configuration, dataDirectory);
        var keys = SecurityKeys.Resolve(configuration, dataDirectory);
        var options = new SecurityEngineOptions
        {
            Audit = configuration.GetSection(AuditSection).Get<AuditOptions>() ?? new AuditOptions(),
            Retention = configuration.GetSection(RetentionSection).Get<RetentionOptions>() ?? new RetentionOptions(),
            Compliance = configuration.GetSection(ComplianceSection).Get<ComplianceOptions>() ?? new ComplianceOptions(),
            Environment = keys.Environment,
        };
        services.TryAddSingleton(keys);
        services.TryAddSingleton<SecurityReadiness>();
        services.AddSecurityEngine(options);
        services.TryAddSingleton<ISecretProtector, FieldSecretProtector>();
        services.TryAddSingleton<IIdentityEventSink, AuditIdentityEventSink>();
        services.TryAddSingleton(sp => new ComplianceSnapshotBuilder(configuration, sp));
        return services;
    }

    /// <summary>
    /// Prepares every store's schema (embedded: migrates; PostgreSQL: checks that <c>clinchat db migrate</c> ran, and
    /// fails naming it), loads the keys and opens the gate the request path waits on.
    /// </summary>
    public static async Task InitializeHostSecurityAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<StoreDatabase>().PrepareSchemasAsync(cancellationToken);
        await services.LoadSecurityKeysAsync(cancellationToken);
        services.GetRequiredService<FieldProtector>().Keys.RegisterEncryptedField(FieldSecretProtector.Field);
        services.GetRequiredService<SecurityReadiness>().Ready();
    }

    public static WebApplication UseAudit(this WebApplication app)
    {
        app.UseMiddleware<AuditMiddleware>();
        return app;
    }
}

/// <summary>Open once the security tables exist and the keys are loaded; requests beyond the probes wait for it.</summary>
internal sealed class SecurityReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void Ready() => _ready.TrySetResult();

    internal void Failed(Exception exception) => _ready.TrySetException(exception);
}

/// <summary>
/// Loads the keys before the server listens (a missing or malformed key stops the start) and prepares the tables
/// (embedded: creates them; PostgreSQL: checks that <c>clinchat db migrate</c> ran, else the start fails naming it).
/// When another process holds the embedded file's write lock (a migration, a restore), the server still starts and
/// answers its probes; the tables are created as soon as the lock is released and requests wait for that. A key that
/// does not open the key store stops the process.
/// </summary>
internal sealed class SecurityStartup(
    IServiceProvider services, SecurityKeys keys, StoreDatabase database, SecurityReadiness readiness, IHostApplicationLifetime lifetime,
    ILogger<SecurityStartup> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _initialization = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.DevelopmentKeys)
        {
            SecurityHostLog.DevelopmentKeys(logger, keys.KeyDirectory);
        }

        _ = services.GetRequiredService<MasterKey>();
        _ = services.GetRequiredService<AuditSigningKeys>();
        if (!await IsWriteLockedAsync(cancellationToken))
        {
            await InitializeAsync(cancellationToken);
            return;
        }

        SecurityHostLog.WaitingForDatabase(logger);
        _initialization = Task.Run(() => InitializeAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _initialization.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await services.InitializeHostSecurityAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            readiness.Failed(e);
            SecurityHostLog.InitializationFailed(logger, e.GetType().Name, e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            throw;
        }

        var status = await services.GetRequiredService<EncryptionKeyRing>().GetStatusAsync(cancellationToken);
        var head = await services.GetRequiredService<AuditTrail>().Store.GetHeadAsync(cancellationToken);
        SecurityHostLog.Ready(logger, status.MasterKeyId, status.ActiveDataKeyId, head.Sequence);
    }

    /// <summary>
    /// A quick probe (one second) for another writer of the embedded file, so a held lock never delays the probes.
    /// PostgreSQL has no file lock to wait for: its schema is checked, not changed, at start.
    /// </summary>
    private async Task<bool> IsWriteLockedAsync(CancellationToken cancellationToken)
    {
        if (database is not SqliteStoreDatabase sqlite || !File.Exists(sqlite.DatabasePath))
        {
            return false;
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = sqlite.DatabasePath, Pooling = false, DefaultTimeout = 1 }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            return true;
        }
    }
}

/// <summary>
/// The background loops: conversation retention every <c>ClinChat:Retention:Interval</c> (audit events are never
/// touched by it), an hourly signed audit checkpoint, and the compliance score for the gauge. A failing iteration is
/// logged and the loop goes on.
/// </summary>
internal sealed class SecurityMaintenance(
    RetentionPurger purger, RetentionOptions retention, AuditTrail audit, ComplianceSnapshotBuilder compliance, TimeProvider time,
    ILogger<SecurityMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurge = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (time.GetUtcNow() >= nextPurge)
            {
                await RunAsync("retention", () => purger.PurgeAsync(stoppingToken));
                nextPurge = time.GetUtcNow() + retention.Interval;
            }

            await RunAsync("checkpoint", async () =>
            {
                var head = await audit.Store.GetHeadAsync(stoppingToken);
                var checkpoints = await audit.Store.ListCheckpointsAsync(stoppingToken);
                if (head.Sequence > 0 && (checkpoints.Count == 0 || checkpoints[^1].Sequence < head.Sequence))
                {
                    await audit.CheckpointAsync(stoppingToken);
                }
            });
            await RunAsync("compliance", () => compliance.EvaluateAsync(stoppingToken));

            var wait = nextPurge - time.GetUtcNow();
            try
            {
                await Task.Delay(wait < CheckpointInterval && wait > TimeSpan.Zero ? wait : CheckpointInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunAsync(string task, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SecurityHostLog.MaintenanceFailed(logger, task, e);
        }
    }
}
