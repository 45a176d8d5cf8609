using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace ClinChat.Tests.Infrastructure;

/// <summary>The outcome of one `clinchat` invocation.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// The built `clinchat` executable, run as a real process: the CLI contract and the web host are tested as they ship.
/// </summary>
public static class ClinChatExecutable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<string> JwtKeyFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"clinchat-tests-jwt-{Environment.ProcessId}.key");
        File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)));
        return path;
    });

    private static readonly Lazy<string> MasterKeyFile = new(() => KeyFile("master", 32));

    private static readonly Lazy<string> AuditSigningKeyFile = new(() => KeyFile("audit-signing", 32));

    /// <summary>The host's own build output (its deps.json and runtimeconfig.json sit beside it).</summary>
    public static string DllPath { get; } = FindDll();

    public static string OutputFolder => Path.GetDirectoryName(DllPath)!;

    public static string StarterFolder => Path.Combine(OutputFolder, "knowledge", "starter");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Production behaviour (no developer exception pages), and nothing inherited that could point at real data.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment.Remove("CLINCHAT_DATA_DIR");
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        // Production refuses to start without a JWT signing key: one random key for the whole test run. The suites send
        // far more than a person's 100 requests a minute and outlive a 5-minute token; the identity tests cover those limits.
        info.Environment["CLINCHAT_JWT_KEY_FILE"] = JwtKeyFile.Value;
        info.Environment["CLINCHAT_MASTER_KEY_FILE"] = MasterKeyFile.Value;
        info.Environment["CLINCHAT_AUDIT_SIGNING_KEY_FILE"] = AuditSigningKeyFile.Value;
        info.Environment.Remove("CLINCHAT_MASTER_KEY");
        info.Environment.Remove("CLINCHAT_AUDIT_SIGNING_KEY");
        info.Environment["ClinChat__Security__RateLimitPerMinute"] = "100000";
        info.Environment["ClinChat__Identity__AccessTokenLifetime"] = "01:00:00";
        info.Environment["ClinChat__Identity__IdleTimeout"] = "02:00:00";
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Process.Start(StartInfo(args, environment)) ?? throw new InvalidOperationException("could not start clinchat");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"clinchat {string.Join(' ', args)} did not finish within {CommandTimeout}");
        }

        return new CliResult(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
    }

    /// <summary>One random key per test run, as a Kubernetes secret would deliver it (production requires them).</summary>
    private static string KeyFile(string name, int bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"clinchat-tests-{name}-{Environment.ProcessId}.key");
        File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes)));
        return path;
    }

    private static string FindDll()
    {
        var configuration = typeof(ClinChatExecutable).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ClinChat.sln")))
        {
            folder = folder.Parent;
        }

        if (folder is null)
        {
            throw new InvalidOperationException($"ClinChat.sln not found above {AppContext.BaseDirectory}");
        }

        var dll = Path.Combine(folder.FullName, "src", "ClinChat", "bin", configuration, "net10.0", "clinchat.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} not found: build src/ClinChat first");
    }
}
