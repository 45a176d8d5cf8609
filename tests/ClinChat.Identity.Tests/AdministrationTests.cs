using ClinChat.Testing;

namespace ClinChat.Identity.Tests;

/// <summary>Account administration; runs on every store provider (see Providers.cs).</summary>
public abstract class AdministrationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A fresh, empty database of the provider under test.</summary>
    protected abstract Task<TestStoreDatabase> NewDatabaseAsync();

    private async Task<TestIdentity> CreateIdentityAsync() => await TestIdentity.CreateAsync(await NewDatabaseAsync());

    [Fact]
    public async Task Create_WithoutPassword_GeneratesOneThatSignsIn()
    {
        await using var identity = await CreateIdentityAsync();

        var created = await identity.Users.CreateAsync("pat", [Roles.Pharmacist], null, None);

        Assert.True(created.Succeeded);
        Assert.Null(created.Value!.Mfa);
        Assert.True((await identity.SignIn.SignInAsync("pat", created.Value.GeneratedPassword, null, None)).Succeeded);
    }

    [Fact]
    public async Task Create_RefusesDuplicatesUnknownRolesAndBadNames()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("pat", Roles.Pharmacist);

        Assert.Contains("already exists", (await identity.Users.CreateAsync("PAT", [Roles.Clinician], null, None)).Error, StringComparison.Ordinal);
        Assert.Contains("unknown role", (await identity.Users.CreateAsync("x1", ["superuser"], null, None)).Error, StringComparison.Ordinal);
        Assert.Contains("user name", (await identity.Users.CreateAsync("bad name", [Roles.Clinician], null, None)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsRolesAndMfaWithoutSecrets()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("root-admin", Roles.Admin);
        await identity.AddUserAsync("cara", Roles.Clinician);

        var users = await identity.Users.ListAsync(None);

        Assert.Equal(["cara", "root-admin"], users.Select(u => u.Username));
        Assert.True(users[1].MfaEnabled && users[1].MfaRequired);
        Assert.False(users[0].MfaEnabled || users[0].MfaRequired);
    }

    [Fact]
    public async Task Names_CompareWithoutCase_ForLookupsUpdatesAndSignIn()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("Cara.Lee", Roles.Clinician);

        Assert.Equal("Cara.Lee", (await identity.Store.FindAsync("cara.lee", None))!.Username);
        Assert.True((await identity.SignIn.SignInAsync("CARA.LEE", "correct horse staple 42", null, None)).Succeeded);
        Assert.True((await identity.Users.SetDisabledAsync("cara.LEE", true, None)).Succeeded);
        Assert.True((await identity.Store.FindAsync("Cara.Lee", None))!.Disabled);
        Assert.Single(await identity.Users.ListAsync(None));
    }

    [Fact]
    public async Task DirectoryUpsert_UpdatesDirectoryAccountsButNeverALocalOne()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);
        var now = identity.Time.GetUtcNow();

        await identity.Store.UpsertDirectoryUserAsync("dana", [Roles.Clinician], now, None);
        await identity.Store.UpsertDirectoryUserAsync("DANA", [Roles.Pharmacist, Roles.KbCurator], now, None);
        await identity.Store.UpsertDirectoryUserAsync("cara", [Roles.Admin], now, None);

        var dana = await identity.Store.FindAsync("dana", None);
        Assert.Equal((Users.UserSource.Ldap, "dana"), (dana!.Source, dana.Username));
        Assert.Equal([Roles.Pharmacist, Roles.KbCurator], dana.Roles);
        var cara = await identity.Store.FindAsync("cara", None);
        Assert.Equal((Users.UserSource.Local, Roles.Clinician), (cara!.Source, Assert.Single(cara.Roles)));
    }
}
