using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace ClinChat.Tests.Infrastructure;

/// <summary>
/// `clinchat serve` as a real process on a free loopback port (Kestrel picks it: <c>--urls http://127.0.0.1:0</c>),
/// with its own data directory. The process is killed (with its children) on dispose.
/// </summary>
public sealed partial class ClinChatServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClinChatServer(string dataDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        DataDirectory = dataDirectory;
        _process = new Process
        {
            StartInfo = ClinChatExecutable.StartInfo(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory], environment),
            EnableRaisingEvents = true,
        };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("clinchat serve exited before listening:\n" + Log));
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>What the server wrote, for failure messages.</summary>
    public string Log => string.Join('\n', _log);

    public static async Task<ClinChatServer> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var server = new ClinChatServer(dataDirectory, environment);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        server._process.StandardInput.Close();
        try
        {
            server.BaseAddress = await server._listening.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new TimeoutException("clinchat serve did not start listening:\n" + server.Log);
        }

        server.Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        return server;
    }

    /// <summary>Polls until <paramref name="ready"/> holds, failing with the server log after the timeout.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await ready())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}:\n{Log}");
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"clinchat serve exited while waiting for {what}:\n{Log}");
            }

            await Task.Delay(100);
        }
    }

    public async Task<HttpStatusCode> ReadyStatusAsync()
    {
        using var response = await Client.GetAsync("/api/ready");
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        if (ListeningOn().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningOn();
}
