using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace ClinChat.Backup.Postgres;

/// <summary>
/// Runs the PostgreSQL client programs (<c>pg_dump</c>, <c>pg_restore</c>) for one database. The connection reaches
/// them only through the child's environment (<c>PGHOST</c>, <c>PGUSER</c>, …) and a 0600 <c>PGPASSFILE</c> in the
/// staging directory that is deleted when the program exits: never the command line (visible in <c>ps</c>) or a log.
/// </summary>
internal sealed partial class PgClient(string? binDirectory, NpgsqlConnectionStringBuilder? connection, string scratchDirectory)
{
    private const int MaxErrorCharacters = 64 * 1024;

    /// <summary>
    /// The program's path (from <see cref="PostgresBackupProvider.BinDirectorySetting"/>, else <c>PATH</c>); with a
    /// <paramref name="serverMajor"/>, also checks that the program is at least that major (older ones refuse or
    /// silently miss features of a newer server).
    /// </summary>
    public async Task<string> ResolveAsync(string tool, int? serverMajor, CancellationToken cancellationToken)
    {
        var path = Locate(tool);
        var result = await RunAsync(path, ["--version"], stdout: null, withConnection: false, cancellationToken);
        var match = VersionPattern().Match(result.Output);
        if (result.ExitCode != 0 || !match.Success)
        {
            throw new BackupException($"{path} --version did not report a PostgreSQL version.");
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (serverMajor is { } server && major < server)
        {
            throw new BackupException(
                $"{tool} is PostgreSQL {major} but the server is PostgreSQL {server}; a client older than the server cannot be used. " +
                $"Install postgresql-client-{server} (or newer) and put it on PATH or set {PostgresBackupProvider.BinDirectorySetting}.");
        }

        return path;
    }

    /// <summary>Runs a program to completion; stdout goes to <paramref name="stdout"/> (or is kept for the result), stderr is kept (bounded).</summary>
    public async Task<ToolResult> RunAsync(
        string path, IReadOnlyList<string> arguments, Func<StreamReader, Task>? stdout, bool withConnection, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing inherited decides where the program connects (PGSERVICE, PGOPTIONS, another PGPASSWORD …).
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        string? passFile = null;
        try
        {
            if (withConnection)
            {
                passFile = Configure(start.Environment);
            }

            using var process = StartProcess(start, path);
            process.StandardInput.Close();
            var errors = ReadBoundedAsync(process.StandardError, cancellationToken);
            string output = string.Empty;
            try
            {
                if (stdout is null)
                {
                    output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
                }
                else
                {
                    await stdout(process.StandardOutput);
                    // Whatever the reader left unread must be drained, or the program blocks on a full pipe.
                    await process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
                }

                await process.WaitForExitAsync(cancellationToken);
            }
            catch
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                throw;
            }

            return new ToolResult(process.ExitCode, output, await errors);
        }
        finally
        {
            if (passFile is not null)
            {
                File.Delete(passFile);
            }
        }
    }

    /// <summary>
    /// The first error line of a client program, fit for an operator's terminal: quoted strings (which may be values
    /// from the data, e.g. in a constraint violation) are elided, and detail lines are dropped.
    /// </summary>
    public static string Summarize(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.FirstOrDefault(l => l.Contains("error:", StringComparison.Ordinal)) ?? lines.FirstOrDefault() ?? "no error output";
        line = QuotedPattern().Replace(line, "\"…\"");
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    /// <summary>A <c>--dbname</c> value naming only the database (so no name is ever parsed as a connection string).</summary>
    public static string DatabaseArgument(string database) =>
        "dbname='" + database.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private string Locate(string tool)
    {
        if (!string.IsNullOrWhiteSpace(binDirectory))
        {
            var configured = Path.Combine(binDirectory, tool);
            return File.Exists(configured)
                ? configured
                : throw new BackupException($"{PostgresBackupProvider.BinDirectorySetting}: the directory it names has no {tool}.");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new BackupException(
            $"{tool} was not found on PATH; install the PostgreSQL client (postgresql-client, the server's major or newer) or set {PostgresBackupProvider.BinDirectorySetting}.");
    }

    private string? Configure(IDictionary<string, string?> environment)
    {
        if (connection is null)
        {
            throw new InvalidOperationException("no PostgreSQL connection is configured for this provider");
        }

        environment["PGHOST"] = connection.Host ?? "localhost";
        environment["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture);
        environment["PGDATABASE"] = connection.Database ?? connection.Username ?? string.Empty;
        environment["PGAPPNAME"] = "clinchat-backup";
        environment["PGCONNECT_TIMEOUT"] = Math.Max(2, connection.Timeout).ToString(CultureInfo.InvariantCulture);
        if (connection.Username is { Length: > 0 } user)
        {
            environment["PGUSER"] = user;
        }

        environment["PGSSLMODE"] = connection.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        if (connection.RootCertificate is { Length: > 0 } root)
        {
            environment["PGSSLROOTCERT"] = root;
        }

        if (connection.SslCertificate is { Length: > 0 } certificate)
        {
            environment["PGSSLCERT"] = certificate;
        }

        if (connection.SslKey is { Length: > 0 } sslKey)
        {
            environment["PGSSLKEY"] = sslKey;
        }

        if (connection.Password is not { Length: > 0 } password)
        {
            if (connection.Passfile is { Length: > 0 } configuredPassFile)
            {
                environment["PGPASSFILE"] = configuredPassFile;
            }

            return null;
        }

        // libpq's password file: host:port:database:user:password, ':' and '\' escaped; any host, port, database, user.
        Directory.CreateDirectory(scratchDirectory);
        var passFile = Path.Combine(Path.GetFullPath(scratchDirectory), $".clinchat-pgpass-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(passFile, new UTF8Encoding(false), options))
        {
            writer.Write("*:*:*:*:" + password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal) + "\n");
        }

        environment["PGPASSFILE"] = passFile;
        return passFile;
    }

    private static Process StartProcess(ProcessStartInfo start, string path)
    {
        try
        {
            return Process.Start(start) ?? throw new BackupException($"{path} did not start.");
        }
        catch (Win32Exception)
        {
            throw new BackupException($"{path} cannot be run (not executable, or a missing library).");
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (text.Length < MaxErrorCharacters)
            {
                text.Append(buffer, 0, Math.Min(read, MaxErrorCharacters - text.Length));
            }
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex QuotedPattern();
}

internal sealed record ToolResult(int ExitCode, string Output, string Errors);
