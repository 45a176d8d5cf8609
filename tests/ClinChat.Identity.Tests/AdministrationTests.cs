using ClinChat.Identity.Passwords;
using ClinChat.Identity.Tokens;

namespace ClinChat.Identity.Tests;

public sealed class AdministrationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData("cara", "short pass", "at least 12")]
    [InlineData("cara", "my name is cara ok", "user name")]
    [InlineData("cara", "Password1234", "common")]
    [InlineData("cara", "aaaaaaaaaaaaaaaa", "too few")]
    public void PasswordPolicy_RefusesWeakPasswords(string user, string password, string reason)
    {
        var error = new PasswordPolicy(new IdentityOptions()).Check(user, password);

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordPolicy_GeneratedPasswordsPass()
    {
        var policy = new PasswordPolicy(new IdentityOptions());

        Assert.All(Enumerable.Range(0, 50).Select(_ => PasswordPolicy.Generate()), p => Assert.Null(policy.Check("someone", p)));
    }

    [Fact]
    public async Task Create_WithoutPassword_GeneratesOneThatSignsIn()
    {
        await using var identity = await TestIdentity.CreateAsync();

        var created = await identity.Users.CreateAsync("pat", [Roles.Pharmacist], null, None);

        Assert.True(created.Succeeded);
        Assert.Null(created.Value!.Mfa);
        Assert.True((await identity.SignIn.SignInAsync("pat", created.Value.GeneratedPassword, null, None)).Succeeded);
    }

    [Fact]
    public async Task Create_RefusesDuplicatesUnknownRolesAndBadNames()
    {
        await using var identity = await TestIdentity.CreateAsync();
        await identity.AddUserAsync("pat", Roles.Pharmacist);

        Assert.Contains("already exists", (await identity.Users.CreateAsync("PAT", [Roles.Clinician], null, None)).Error, StringComparison.Ordinal);
        Assert.Contains("unknown role", (await identity.Users.CreateAsync("x1", ["superuser"], null, None)).Error, StringComparison.Ordinal);
        Assert.Contains("user name", (await identity.Users.CreateAsync("bad name", [Roles.Clinician], null, None)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsRolesAndMfaWithoutSecrets()
    {
        await using var identity = await TestIdentity.CreateAsync();
        await identity.AddUserAsync("root-admin", Roles.Admin);
        await identity.AddUserAsync("cara", Roles.Clinician);

        var users = await identity.Users.ListAsync(None);

        Assert.Equal(["cara", "root-admin"], users.Select(u => u.Username));
        Assert.True(users[1].MfaEnabled && users[1].MfaRequired);
        Assert.False(users[0].MfaEnabled || users[0].MfaRequired);
    }

    [Fact]
    public void SigningKey_Production_RefusesMissingAndWeakKeys()
    {
        var folder = Directory.CreateTempSubdirectory("clinchat-key");
        try
        {
            var weak = Path.Combine(folder.FullName, "weak");
            File.WriteAllText(weak, Convert.ToBase64String("changeme-changeme-changeme-12345"u8.ToArray()));
            var shortKey = Path.Combine(folder.FullName, "short");
            File.WriteAllText(shortKey, Convert.ToBase64String(new byte[16]));
            var good = Path.Combine(folder.FullName, "good");
            File.WriteAllText(good, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)));

            Assert.Contains(JwtSigningKey.FileVariable, Assert.Throws<IdentityConfigurationException>(() => JwtSigningKey.Load(null, production: true)).Message, StringComparison.Ordinal);
            Assert.Contains("weak", Assert.Throws<IdentityConfigurationException>(() => JwtSigningKey.Load(weak, production: true)).Message, StringComparison.Ordinal);
            Assert.Contains("fewer than 32", Assert.Throws<IdentityConfigurationException>(() => JwtSigningKey.Load(shortKey, production: false)).Message, StringComparison.Ordinal);
            Assert.False(JwtSigningKey.Load(good, production: true).IsEphemeral);
            Assert.True(JwtSigningKey.Load(null, production: false).IsEphemeral);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
