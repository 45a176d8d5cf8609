using System.Diagnostics;
using Npgsql;

namespace ClinChat.Testing;

/// <summary>
/// A throwaway PostgreSQL server (the newest installed major, 15 on Debian 12) on a free loopback port, in a temporary
/// folder, with password authentication. Each test class takes its own database from <see cref="CreateDatabaseAsync"/>.
/// A server that cannot start fails the tests; it never skips them. Run as root, the server runs as the <c>postgres</c>
/// user (initdb refuses root).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "clinchat_test";
    public const string Password = "pg-test-secret-5127";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clinchat-pg-" + Guid.NewGuid().ToString("n"));
    private Process? _server;
    private Func<string> _output = () => string.Empty;

    private PostgresServer()
    {
    }

    public int Port { get; private set; }

    /// <summary>The server's bin folder (initdb, pg_ctl, pg_dump, pg_restore of the same major).</summary>
    public string BinDirectory { get; private set; } = string.Empty;

    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer();
        try
        {
            await server.StartCoreAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The connection string of the maintenance database <c>postgres</c>.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Password = Password,
        Database = database,
        Pooling = true,
    }.ToString();

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "clinchat")
    {
        var name = $"{prefix}_{Guid.NewGuid():n}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await LocalProcess.StopAsync(_server);
        LocalProcess.DeleteQuietly(_folder);
    }

    private async Task StartCoreAsync()
    {
        await LocalProcess.EnsureServicesInstalledAsync();
        BinDirectory = Directory.GetDirectories("/usr/lib/postgresql")
            .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
            .Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault() ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)");

        var data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(_folder);
        var passwordFile = Path.Combine(_folder, "pw");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (LocalProcess.IsRoot)
        {
            await LocalProcess.RunAsync("chown", ["-R", "postgres:postgres", _folder]);
        }

        await LocalProcess.RunAsync(AsServerUser("initdb"), ServerUserArguments("initdb",
            "-D", data, "-U", User, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync"));

        Port = LocalProcess.FreePort();
        await RunServerAsync();
    }

    private string DataDirectory => Path.Combine(_folder, "data");

    /// <summary>Stops the server (fast shutdown: connections are cut, data stays); <see cref="RestartAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (_server is { HasExited: false })
        {
            await LocalProcess.RunAsync(AsServerUser("pg_ctl"), ServerUserArguments("pg_ctl", "stop", "-D", DataDirectory, "-m", "fast", "-w"));
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        _server = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await RunServerAsync();
    }

    private async Task RunServerAsync()
    {
        (_server, _output) = LocalProcess.StartServer(AsServerUser("postgres"), ServerUserArguments("postgres",
            "-D", DataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _folder,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=300", "-c", "shared_buffers=64MB"));
        await WaitUntilAcceptingAsync();
    }

    private string AsServerUser(string tool) => LocalProcess.IsRoot ? "runuser" : Path.Combine(BinDirectory, tool);

    private string[] ServerUserArguments(string tool, params string[] arguments) => LocalProcess.IsRoot
        ? ["-u", "postgres", "--", Path.Combine(BinDirectory, tool), .. arguments]
        : arguments;

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_server!.HasExited)
            {
                throw new InvalidOperationException($"postgres exited with {_server.ExitCode}: {_output()}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                last = e;
                await Task.Delay(200);
            }
        }

        throw new InvalidOperationException($"postgres did not accept connections within 60 s: {last?.Message} {_output()}");
    }
}

/// <summary>
/// One PostgreSQL server for a whole test assembly (an xunit collection fixture); each test class takes its own database
/// from it. xunit finds collection definitions only in the test assembly, so each declares
/// <c>[CollectionDefinition(PostgresFixture.Collection)] class PostgresCollection : ICollectionFixture&lt;PostgresFixture&gt;</c>.
/// </summary>
public sealed class PostgresFixture : Xunit.IAsyncLifetime
{
    public const string Collection = "postgres";

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
