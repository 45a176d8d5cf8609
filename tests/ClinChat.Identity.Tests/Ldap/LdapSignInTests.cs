using ClinChat.Identity.Ldap;
using ClinChat.Identity.Login;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinChat.Identity.Tests.Ldap;

[Collection(nameof(SlapdCollection))]
public sealed class LdapSignInTests(SlapdFixture slapd)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bind_RightPassword_MapsGroupsToRoles(bool serviceAccount)
    {
        var ldap = new LdapAuthenticator(slapd.SearchOptions(serviceAccount), NullLogger<LdapAuthenticator>.Instance);

        var kim = await ldap.AuthenticateAsync("kim", SlapdFixture.UserPassword, None);

        Assert.NotNull(kim);
        Assert.Equal("uid=kim,ou=people," + SlapdFixture.Suffix, kim.UserDn);
        Assert.Equal([Roles.Clinician, Roles.KbCurator], kim.Roles);
        var pat = await ldap.AuthenticateAsync("pat", SlapdFixture.UserPassword, None);
        Assert.Equal([Roles.Pharmacist], pat!.Roles);
    }

    [Theory]
    [InlineData("alice", "wrong password!!")]
    [InlineData("alice", "")]
    [InlineData("nobody", SlapdFixture.UserPassword)]
    [InlineData("*", SlapdFixture.UserPassword)]
    [InlineData("alice)(uid=*", SlapdFixture.UserPassword)]
    public async Task Bind_WrongPasswordUnknownUserOrInjection_IsRefused(string user, string password)
    {
        var ldap = new LdapAuthenticator(slapd.SearchOptions(), NullLogger<LdapAuthenticator>.Instance);

        Assert.Null(await ldap.AuthenticateAsync(user, password, None));
    }

    [Fact]
    public async Task SignIn_DirectoryUser_GetsTokensWithMappedRoleAndAShadowAccount()
    {
        await using var identity = await TestIdentity.CreateAsync(ldap: slapd.SearchOptions());

        var result = await identity.SignIn.SignInAsync("alice", SlapdFixture.UserPassword, null, None);

        Assert.True(result.Succeeded, result.Failure.ToString());
        var claims = (await identity.Tokens.ValidateAsync(result.Tokens!.AccessToken)).Claims;
        Assert.Equal(Roles.Clinician, claims[ClinChatClaims.Role]);
        var shadow = await identity.Store.FindAsync("alice", None);
        Assert.Equal((UserSource.Ldap, null), (shadow!.Source, shadow.PasswordHash));
    }

    [Fact]
    public async Task SignIn_DirectoryUserInNoMappedGroup_IsRefused()
    {
        await using var identity = await TestIdentity.CreateAsync(ldap: slapd.SearchOptions());

        var result = await identity.SignIn.SignInAsync("dave", SlapdFixture.UserPassword, null, None);

        Assert.Equal(SignInFailure.InvalidCredentials, result.Failure);
        Assert.Contains(identity.Events.Events, e => e.Reason == "no_mapped_group");
    }

    [Fact]
    public async Task SignIn_DirectoryAuditor_MustEnrolASecondFactor()
    {
        await using var identity = await TestIdentity.CreateAsync(ldap: slapd.SearchOptions());

        var result = await identity.SignIn.SignInAsync("audrey", SlapdFixture.UserPassword, null, None);

        Assert.Equal(SignInFailure.MfaEnrollmentRequired, result.Failure);
        var enrollment = await identity.SignIn.BeginEnrollmentAsync("audrey", None);
        Assert.NotNull(await identity.SignIn.ConfirmEnrollmentAsync("audrey", identity.Code(enrollment!.Secret), None));
        identity.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await identity.SignIn.SignInAsync("audrey", SlapdFixture.UserPassword, identity.Code(enrollment.Secret), None)).Succeeded);
    }

    [Fact]
    public async Task SignIn_DirectoryWrongPasswords_LockTheShadowAccount()
    {
        await using var identity = await TestIdentity.CreateAsync(new IdentityOptions { LockoutThreshold = 2 }, slapd.SearchOptions());
        Assert.True((await identity.SignIn.SignInAsync("pat", SlapdFixture.UserPassword, null, None)).Succeeded);

        await identity.SignIn.SignInAsync("pat", "wrong password!!", null, None);
        var second = await identity.SignIn.SignInAsync("pat", "wrong password!!", null, None);

        Assert.Equal(SignInFailure.LockedOut, second.Failure);
        Assert.Equal(SignInFailure.LockedOut, (await identity.SignIn.SignInAsync("pat", SlapdFixture.UserPassword, null, None)).Failure);
    }

    [Fact]
    public async Task SignIn_DirectoryUnreachable_FailsClosed()
    {
        var options = slapd.SearchOptions();
        options.Port = 1;
        options.Timeout = TimeSpan.FromSeconds(3);
        await using var identity = await TestIdentity.CreateAsync(ldap: options);

        var result = await identity.SignIn.SignInAsync("alice", SlapdFixture.UserPassword, null, None);

        Assert.Equal(SignInFailure.InvalidCredentials, result.Failure);
    }

    [Fact]
    public async Task SignIn_LocalAccountWithTheSameName_IsNotTakenOverByTheDirectory()
    {
        await using var identity = await TestIdentity.CreateAsync(ldap: slapd.SearchOptions());
        await identity.AddUserAsync("alice", Roles.Pharmacist);

        var result = await identity.SignIn.SignInAsync("alice", SlapdFixture.UserPassword, null, None);

        Assert.Equal(SignInFailure.InvalidCredentials, result.Failure);
    }
}
