using System.Diagnostics;
using System.Net.Sockets;

namespace ClinChat.Testing;

/// <summary>
/// A throwaway redis-server on a free loopback port, with a password and no persistence. <see cref="StopAsync"/> and
/// <see cref="RestartAsync"/> let tests show that losing Redis degrades caching and never correctness.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Password = "redis-test-secret-8841";

    private Process? _server;
    private Func<string> _output = () => string.Empty;

    private RedisServer()
    {
    }

    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false,connectTimeout=2000";

    public static async Task<RedisServer> StartAsync()
    {
        await LocalProcess.EnsureServicesInstalledAsync();
        var server = new RedisServer { Port = LocalProcess.FreePort() };
        await server.RestartAsync();
        return server;
    }

    public bool IsRunning => _server is { HasExited: false };

    /// <summary>Starts the server on its port again (after <see cref="StopAsync"/>), empty.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        (_server, _output) = LocalProcess.StartServer("redis-server", [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--requirepass", Password, "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_server.ExitCode}: {_output()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen within 30 s: {_output()}");
    }

    public async Task StopAsync()
    {
        await LocalProcess.StopAsync(_server);
        _server = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
