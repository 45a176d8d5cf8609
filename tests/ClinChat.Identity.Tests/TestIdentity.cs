using ClinChat.Identity.Ldap;
using ClinChat.Identity.Login;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using ClinChat.Storage.Database;
using ClinChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClinChat.Identity.Tests;

/// <summary>The identity engine over a fresh store database (a SQLite file or a PostgreSQL database), on a fake clock.</summary>
public sealed class TestIdentity : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestIdentity(TestStoreDatabase database, IdentityOptions? options, LdapOptions? ldap)
    {
        Database = database;
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IIdentityEventSink>(Events);
        services.AddSingleton(database.Database);
        services.AddIdentityEngine(options ?? new IdentityOptions(), ldap ?? new LdapOptions(), JwtSigningKey.Ephemeral());
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public RecordingEventSink Events { get; } = new();

    public TestStoreDatabase Database { get; }

    internal SignInService SignIn => _services.GetRequiredService<SignInService>();

    internal UserAdministration Users => _services.GetRequiredService<UserAdministration>();

    internal UserStore Store => _services.GetRequiredService<UserStore>();

    internal AccessTokens Tokens => _services.GetRequiredService<AccessTokens>();

    /// <summary>Over a fresh SQLite file (the LDAP tests, which are about the directory, not the store).</summary>
    public static Task<TestIdentity> CreateAsync(IdentityOptions? options = null, LdapOptions? ldap = null) =>
        CreateAsync(TestStoreDatabase.Sqlite("clinchat-identity"), options, ldap);

    /// <summary>Over <paramref name="database"/>, which the identity then owns (and drops when disposed).</summary>
    public static async Task<TestIdentity> CreateAsync(TestStoreDatabase database, IdentityOptions? options = null, LdapOptions? ldap = null)
    {
        await database.Database.MigrateAsync(IdentitySchema.Schema, CancellationToken.None);
        return new TestIdentity(database, options, ldap);
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
        await Database.DisposeAsync();
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
