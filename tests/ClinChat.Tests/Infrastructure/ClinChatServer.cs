using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
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
    private readonly IReadOnlyDictionary<string, string?>? _environment;

    private ClinChatServer(string dataDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        DataDirectory = dataDirectory;
        _environment = environment;
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

    /// <summary>
    /// Creates a user with <paramref name="role"/> through the CLI (`clinchat users add` on this server's data directory
    /// and environment, so on its database),
    /// signs in (with a TOTP code for roles that require MFA) and sends the access token with every request of
    /// <see cref="Client"/> from now on. Returns the access token.
    /// </summary>
    public async Task<string> SignInAsync(string role = "admin", string? username = null)
    {
        username ??= $"test-{role.Replace('_', '-')}-{Guid.NewGuid():n}"[..24];
        var created = await ClinChatExecutable.RunAsync(["--data-dir", DataDirectory, "users", "add", username, "--role", role], _environment);
        if (created.ExitCode != 0)
        {
            throw new InvalidOperationException("clinchat users add failed: " + created);
        }

        var user = System.Text.Json.Nodes.JsonNode.Parse(created.StdoutLines[0])!;
        var secret = (string?)user["mfa"]?["secret"];
        var totp = secret is null ? null : new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret)).ComputeTotp();
        using var response = await Client.PostAsJsonAsync("/api/auth/login", new { username, password = (string)user["password"]!, totp });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"sign-in as {username} failed: {(int)response.StatusCode} {body}");
        }

        var token = (string)System.Text.Json.Nodes.JsonNode.Parse(body)!["access_token"]!;
        Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return token;
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
