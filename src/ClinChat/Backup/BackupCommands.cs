using System.CommandLine;
using ClinChat.Backup.Postgres;
using ClinChat.Backup.Sqlite;
using ClinChat.Cli;
using ClinChat.Database;
using ClinChat.Hosting;
using ClinChat.Identity;
using ClinChat.Storage.Database;

namespace ClinChat.Backup;

/// <summary>
/// `clinchat backup --out FILE`, `clinchat backup verify FILE`, `clinchat restore FILE [--force]`: encrypted backups of
/// the configured store (embedded SQLite, or PostgreSQL through pg_dump / pg_restore). stdout: one JSON object (the manifest and the outcome); stderr: notes and the one-line error.
/// Exit 0 on success, 1 when the backup, the file or the key is bad, 2 for bad arguments.
/// </summary>
internal static class BackupCommands
{
    public static void AddTo(RootCommand root, CliContext context)
    {
        root.Subcommands.Add(CreateBackup(context));
        root.Subcommands.Add(CreateRestore(context));
    }

    private static Command CreateBackup(CliContext context)
    {
        var output = new Option<string?>("--out") { Description = "The backup file to write (e.g. /backups/clinchat-20260301T023000Z.ccbk); never overwritten" };
        var command = new Command("backup", "Take a consistent snapshot of the store, encrypted (AES-256-GCM) with the backup key, and log it.") { output };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(output) is not { Length: > 0 } file)
            {
                return CliOutput.Fail("backup needs --out FILE (see clinchat backup --help)");
            }

            return await RunAsync(context, parseResult, createKey: true, verifying: null, async engine =>
            {
                var result = await engine.CreateAsync(file, cancellationToken);
                CliOutput.WriteJson(new { file = result.File, bytes = result.Bytes, seconds = Math.Round(result.Elapsed.TotalSeconds, 3), manifest = result.Manifest.ToJsonElement() });
            });
        });

        var verifyFile = new Argument<string>("FILE") { Description = "The backup file" };
        var verify = new Command("verify", "Decrypt a backup to a private temp file, check its SHA-256, the snapshot (SQLite integrity, or pg_restore reading the whole archive) and record counts, print the manifest; exit 0 if sound, 1 if not.") { verifyFile };
        verify.SetAction(async (parseResult, cancellationToken) =>
            await RunAsync(context, parseResult, createKey: false, verifying: parseResult.GetValue(verifyFile), async engine =>
            {
                var manifest = await engine.VerifyAsync(parseResult.GetValue(verifyFile)!, cancellationToken);
                CliOutput.WriteJson(new { verified = true, manifest = manifest.ToJsonElement() });
            }));
        command.Subcommands.Add(verify);
        return command;
    }

    private static Command CreateRestore(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The backup file" };
        var force = new Option<bool>("--force") { Description = "Replace a store that holds data (SQLite: the old file is kept beside it as clinchat.db.pre-restore-TIME; PostgreSQL: its tables are replaced in the restore's transaction)" };
        var command = new Command("restore", "Restore a backup into an empty store (stop the server first). Checks everything before the store is replaced in one step (SQLite: one rename; PostgreSQL: one transaction).") { file, force };
        command.SetAction(async (parseResult, cancellationToken) =>
            await RunAsync(context, parseResult, createKey: false, verifying: null, async engine =>
            {
                var result = await engine.RestoreAsync(parseResult.GetValue(file)!, parseResult.GetValue(force), cancellationToken);
                CliOutput.WriteJson(new { restored = true, seconds = Math.Round(result.Elapsed.TotalSeconds, 3), previous_store = result.PreviousStoreKeptAs, manifest = result.Manifest.ToJsonElement() });
                if (result.PreviousStoreKeptAs is not null)
                {
                    Console.Error.WriteLine($"clinchat: the replaced store is kept as {result.PreviousStoreKeptAs}; delete it once the restore is confirmed (it holds the old data).");
                }
            }));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, ParseResult parseResult, bool createKey, string? verifying, Func<BackupEngine, Task> action)
    {
        var dataDirectory = context.ResolveDataDir(parseResult);
        StoreDatabase? database = null;
        try
        {
            var configuration = CliServices.Configuration();
            database = DatabaseServices.ResolveConnection(configuration) is { } connection ? new PostgresStoreDatabase(connection) : null;
            var provider = await SelectProviderAsync(configuration, dataDirectory, (PostgresStoreDatabase?)database, verifying);
            using var key = ResolveKey(configuration, dataDirectory, createKey);
            await action(new BackupEngine(provider, key, TimeProvider.System));
            return 0;
        }
        catch (BackupException ex)
        {
            Console.Error.WriteLine($"clinchat: {ex.Message}");
            return 1;
        }
        catch (DatabaseConfigurationException ex)
        {
            Console.Error.WriteLine($"clinchat: {ex.Message}");
            return 1;
        }
        finally
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The configured store's provider: PostgreSQL when a connection is configured (<see cref="DatabaseServices"/>), else
    /// the embedded file. A verify needs no store, only a provider that can read the snapshot, so a PostgreSQL backup can
    /// be verified on a machine without the database (with pg_restore installed).
    /// </summary>
    private static async Task<IBackupProvider> SelectProviderAsync(
        IConfiguration configuration, string dataDirectory, PostgresStoreDatabase? database, string? verifying)
    {
        var binDirectory = configuration[PostgresBackupProvider.BinDirectorySetting];
        if (database is not null)
        {
            // Plaintext dumps are staged beside the local data (an emptyDir in Kubernetes), never in the backup volume.
            return new PostgresBackupProvider(database, dataDirectory, binDirectory);
        }

        if (verifying is not null && (await BackupEngine.ReadManifestAsync(verifying, CancellationToken.None)).Provider == "postgresql")
        {
            return new PostgresBackupProvider(null, Path.GetTempPath(), binDirectory);
        }

        return new SqliteBackupProvider(new KnowledgeOptions { DataDirectory = dataDirectory }.DatabasePath, TimeProvider.System);
    }

    private static BackupKey ResolveKey(IConfiguration configuration, string dataDirectory, bool createKey)
    {
        if (BackupKey.TryResolve(name => configuration[name]) is { } configured)
        {
            return configured;
        }

        if (DeploymentMode.IsProduction(configuration))
        {
            throw new BackupException($"no backup key; set {BackupKey.FileVariable} (a file holding base64 of {BackupKey.KeyBytes} bytes), {BackupKey.Variable} or {BackupKey.FileSetting}.");
        }

        var local = BackupKey.LocalKeyPath(dataDirectory);
        if (!createKey && !File.Exists(local))
        {
            throw new BackupException($"no backup key; set {BackupKey.FileVariable} to the key the backup was made with (or place it at {local}).");
        }

        var key = BackupKey.LoadOrCreateLocal(dataDirectory, out var created);
        if (created)
        {
            Console.Error.WriteLine($"clinchat: no backup key configured; generated {local} (mode 0600). Copy it somewhere safe outside the data directory: without it no backup can be restored. Production needs {BackupKey.FileVariable}.");
        }

        return key;
    }
}
