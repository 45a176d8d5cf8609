using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClinChat.Testing;

/// <summary>Process plumbing the server fixtures share: free ports, one-shot commands, installation of missing servers.</summary>
public static class LocalProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a command to completion; throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = Describe(file, arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }

    /// <summary>Starts a long-running server; its output is drained (and kept for error messages).</summary>
    public static (Process Process, Func<string> Output) StartServer(string file, IEnumerable<string> arguments)
    {
        var process = Process.Start(Describe(file, arguments)) ?? throw new InvalidOperationException($"{file} did not start");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, () => { lock (output) { return output.ToString(); } });
    }

    public static async Task StopAsync(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    /// <summary>Installs PostgreSQL and redis-server through install-services.sh when either is missing.</summary>
    public static async Task EnsureServicesInstalledAsync()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "install-services.sh");
        await RunAsync("/bin/sh", [script]);
    }

    public static bool IsRoot => Environment.UserName == "root";

    public static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the tests that used it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static ProcessStartInfo Describe(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
