using ClinChat.Identity.Ldap;
using ClinChat.Identity.Login;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClinChat.Identity.Tests;

/// <summary>The identity engine over a fresh SQLite file in a temporary folder, on a fake clock.</summary>
public sealed class TestIdentity : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clinchat-identity-" + Guid.NewGuid().ToString("n"));
    private readonly ServiceProvider _services;

    private TestIdentity(IdentityOptions? options, LdapOptions? ldap)
    {
        Directory.CreateDirectory(_folder);
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IIdentityEventSink>(Events);
        services.AddIdentityEngine(Path.Combine(_folder, "clinchat.db"), options ?? new IdentityOptions(), ldap ?? new LdapOptions(), JwtSigningKey.Ephemeral());
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public RecordingEventSink Events { get; } = new();

    public string DatabasePath => Path.Combine(_folder, "clinchat.db");

    internal SignInService SignIn => _services.GetRequiredService<SignInService>();

    internal UserAdministration Users => _services.GetRequiredService<UserAdministration>();

    internal UserStore Store => _services.GetRequiredService<UserStore>();

    internal AccessTokens Tokens => _services.GetRequiredService<AccessTokens>();

    public static async Task<TestIdentity> CreateAsync(IdentityOptions? options = null, LdapOptions? ldap = null)
    {
        var identity = new TestIdentity(options, ldap);
        await identity._services.GetRequiredService<IdentityDatabase>().MigrateAsync(CancellationToken.None);
        return identity;
    }

    internal async Task<CreatedUser> AddUserAsync(string name, string role, string? password = "correct horse staple 42")
    {
        var created = await Users.CreateAsync(name, [role], password, CancellationToken.None);
        Assert.True(created.Succeeded, created.Error);
        return created.Value!;
    }

    /// <summary>The current TOTP code for a base32 secret, on the fake clock.</summary>
    public string Code(string base32Secret) => Mfa.TotpCodes.Compute(OtpNet.Base32Encoding.ToBytes(base32Secret), Time.GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle on Windows; the temp folder is cleaned by the OS.
        }
    }
}

public sealed class RecordingEventSink : IIdentityEventSink
{
    private readonly List<IdentityEvent> _events = [];

    public IReadOnlyList<IdentityEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public Task RecordAsync(IdentityEvent identityEvent, CancellationToken cancellationToken)
    {
        lock (_events)
        {
            _events.Add(identityEvent);
        }

        return Task.CompletedTask;
    }
}
