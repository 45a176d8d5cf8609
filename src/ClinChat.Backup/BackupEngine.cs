using System.Diagnostics;
using System.Security.Cryptography;
using ClinChat.Backup.Format;

namespace ClinChat.Backup;

public sealed record BackupResult(string File, long Bytes, BackupManifest Manifest, TimeSpan Elapsed);

public sealed record RestoreResult(BackupManifest Manifest, string? PreviousStoreKeptAs, TimeSpan Elapsed);

/// <summary>
/// Encrypted backups of the whole store: take (<see cref="CreateAsync"/>), prove (<see cref="VerifyAsync"/>) and
/// restore (<see cref="RestoreAsync"/>). Plaintext only ever exists as a staging file on the store's own volume (or
/// the temp directory for a verify) with mode 0600, and is deleted before returning, success or not.
/// </summary>
public sealed class BackupEngine(IBackupProvider provider, BackupKey key, TimeProvider time)
{
    public IBackupProvider Provider => provider;

    public async Task<BackupResult> CreateAsync(string outputPath, CancellationToken cancellationToken)
    {
        var output = Path.GetFullPath(outputPath);
        var started = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        var staging = StagingPath(provider.StagingDirectory, "snapshot");
        var partial = output + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            if (File.Exists(output))
            {
                throw new BackupException($"{output} already exists; backups are never overwritten.");
            }

            CreatePrivateFile(staging);
            var facts = await provider.SnapshotAsync(staging, cancellationToken);
            string sha;
            long size;
            await using (var snapshot = File.OpenRead(staging))
            {
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(snapshot, cancellationToken));
                size = snapshot.Length;
            }

            var manifest = new BackupManifest(
                BackupManifest.FormatName, BackupFile.CurrentVersion, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                started, provider.Name, key.Id, size, sha, BackupFile.SegmentBytes, facts.SchemaVersion, facts.Tables, facts.AuditHead);
            long written;
            await using (var snapshot = File.OpenRead(staging))
            await using (var file = new FileStream(partial, PrivateFile(FileMode.CreateNew)))
            {
                written = await BackupFile.WriteAsync(snapshot, file, manifest, key, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(partial, output);
            stopwatch.Stop();
            await provider.RecordAsync(new BackupLogEntry(started, time.GetUtcNow(), output, written, sha, manifest.BackupId, BackupLogEntry.Success, null), cancellationToken);
            return new BackupResult(output, written, manifest, stopwatch.Elapsed);
        }
        catch (Exception ex) when (ex is BackupException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            TryDelete(partial);
            await TryRecordFailureAsync(started, output, ex);
            throw ex is BackupException ? ex : new BackupException($"backup failed: {Describe(ex)}");
        }
        finally
        {
            DeleteStaging(staging);
        }
    }

    /// <summary>Decrypts into a private temp file, checks the SHA-256, the integrity and the record counts; writes nothing that stays.</summary>
    public async Task<BackupManifest> VerifyAsync(string file, CancellationToken cancellationToken)
    {
        var staging = StagingPath(Path.GetTempPath(), "verify");
        try
        {
            return await DecryptAndCheckAsync(file, staging, cancellationToken);
        }
        finally
        {
            DeleteStaging(staging);
        }
    }

    /// <summary>
    /// Restores into the store. Refuses a store holding data unless <paramref name="force"/> (then the old file is kept
    /// beside it as <c>*.pre-restore-TIME</c>); decrypts and checks everything before touching the store, then swaps by rename.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(string file, bool force, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var rows = await provider.CountDataRowsAsync(cancellationToken);
        if (rows > 0 && !force)
        {
            throw new BackupException($"the store already holds data ({rows} rows); restore into an empty store (an empty data directory or database), or pass --force to replace it.");
        }

        Directory.CreateDirectory(provider.StagingDirectory);
        var staging = StagingPath(provider.StagingDirectory, "restore");
        try
        {
            var manifest = await DecryptAndCheckAsync(file, staging, cancellationToken);
            var previous = await provider.ReplaceWithAsync(staging, cancellationToken);
            return new RestoreResult(manifest, previous, stopwatch.Elapsed);
        }
        finally
        {
            DeleteStaging(staging);
        }
    }

    /// <summary>The manifest of a backup file (read in clear, without the key; authenticated only by a verify or restore).</summary>
    public static async Task<BackupManifest> ReadManifestAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new BackupException($"{file} does not exist.");
        }

        await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return (await BackupFile.ReadHeaderAsync(input, Path.GetFileName(file), cancellationToken)).Manifest;
    }

    private async Task<BackupManifest> DecryptAndCheckAsync(string file, string staging, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        if (!File.Exists(file))
        {
            throw new BackupException($"{file} does not exist.");
        }

        BackupManifest manifest;
        await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            var header = await BackupFile.ReadHeaderAsync(input, name, cancellationToken);
            manifest = header.Manifest;
            if (manifest.Provider != provider.Name)
            {
                throw new BackupException($"{name} is a {manifest.Provider} backup; this store is {provider.Name}.");
            }

            CreatePrivateFile(staging);
            await using var output = new FileStream(staging, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await BackupFile.DecryptAsync(input, header, key, output, name, cancellationToken);
        }

        SnapshotFacts facts;
        try
        {
            facts = await provider.CheckSnapshotAsync(staging, cancellationToken);
        }
        catch (BackupException ex)
        {
            throw new BackupException($"{name}: {ex.Message}");
        }

        if (!facts.Tables.OrderBy(t => t.Key, StringComparer.Ordinal).SequenceEqual(manifest.Tables.OrderBy(t => t.Key, StringComparer.Ordinal))
            || facts.AuditHead != manifest.AuditHead)
        {
            throw new BackupException($"{name}: the record counts or audit head of the snapshot differ from its manifest.");
        }

        return manifest;
    }

    private async Task TryRecordFailureAsync(DateTimeOffset started, string output, Exception ex)
    {
        try
        {
            await provider.RecordAsync(new BackupLogEntry(started, time.GetUtcNow(), output, null, null, null, BackupLogEntry.Failure, Describe(ex)), CancellationToken.None);
        }
        catch (Exception logEx) when (logEx is BackupException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            // The store itself is what failed; the non-zero exit and the stderr line still report it.
        }
    }

    // Messages of our own exceptions are written for operators; for others, the type only (paths and SQL may be in the text).
    private static string Describe(Exception ex) => ex is BackupException ? ex.Message : ex.GetType().Name;

    private static string StagingPath(string directory, string purpose) =>
        Path.Combine(Path.GetFullPath(directory), $".clinchat-{purpose}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");

    private static void CreatePrivateFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var _ = new FileStream(path, PrivateFile(FileMode.CreateNew));
    }

    // Owner-only (0600): staging files hold plaintext; the backup itself is encrypted but has no reason to be world-readable.
    private static FileStreamOptions PrivateFile(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static void DeleteStaging(string path)
    {
        foreach (var suffix in new[] { "", "-journal", "-wal", "-shm" })
        {
            TryDelete(path + suffix);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort; the name is random and the file is mode 0600.
        }
    }
}
