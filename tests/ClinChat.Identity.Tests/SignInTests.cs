using ClinChat.Identity.Login;
using ClinChat.Identity.Sessions;
using ClinChat.Identity.Tokens;
using ClinChat.Testing;

namespace ClinChat.Identity.Tests;

/// <summary>Sign-in, second factors and sessions; runs on every store provider (see Providers.cs).</summary>
public abstract class SignInTests
{
    protected const string Password = "correct horse staple 42";
    protected static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A fresh, empty database of the provider under test.</summary>
    protected abstract Task<TestStoreDatabase> NewDatabaseAsync();

    protected async Task<TestIdentity> CreateIdentityAsync(IdentityOptions? options = null) =>
        await TestIdentity.CreateAsync(await NewDatabaseAsync(), options);

    [Fact]
    public async Task SignIn_RightPassword_IssuesTokensWithRolesAndSession()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);

        var result = await identity.SignIn.SignInAsync("cara", Password, null, None);

        Assert.True(result.Succeeded, result.Failure.ToString());
        Assert.Equal(300, result.Tokens!.ExpiresIn);
        var validated = await identity.Tokens.ValidateAsync(result.Tokens.AccessToken);
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal("cara", validated.Claims[ClinChatClaims.Subject]);
        Assert.Equal("clinician", validated.Claims[ClinChatClaims.Role]);
        Assert.False(string.IsNullOrEmpty((string)validated.Claims[ClinChatClaims.Session]));
        Assert.Contains(identity.Events.Events, e => e is { Action: IdentityActions.Login, Outcome: "success", Username: "cara" });
    }

    [Theory]
    [InlineData("cara", "wrong password 1234")]
    [InlineData("nobody", Password)]
    [InlineData("cara", "")]
    [InlineData("*)(uid=*", Password)]
    public async Task SignIn_WrongNameOrPassword_IsTheSameInvalidCredentials(string name, string password)
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);

        var result = await identity.SignIn.SignInAsync(name, password, null, None);

        Assert.Equal(SignInFailure.InvalidCredentials, result.Failure);
        Assert.Null(result.Tokens);
    }

    [Fact]
    public async Task SignIn_FiveFailures_LocksForFifteenMinutesEvenWithTheRightPassword()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);

        var failures = new List<SignInFailure>();
        for (var i = 0; i < 5; i++)
        {
            failures.Add((await identity.SignIn.SignInAsync("cara", "wrong password 1234", null, None)).Failure);
        }

        Assert.Equal([.. Enumerable.Repeat(SignInFailure.InvalidCredentials, 4), SignInFailure.LockedOut], failures);
        var locked = await identity.SignIn.SignInAsync("cara", Password, null, None);
        Assert.Equal(SignInFailure.LockedOut, locked.Failure);
        Assert.Equal(identity.Time.GetUtcNow().AddMinutes(15), locked.RetryAfter);

        identity.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(SignInFailure.LockedOut, (await identity.SignIn.SignInAsync("cara", Password, null, None)).Failure);
        identity.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await identity.SignIn.SignInAsync("cara", Password, null, None)).Succeeded);
    }

    [Fact]
    public async Task SignIn_SuccessResetsTheFailureCount()
    {
        await using var identity = await CreateIdentityAsync(new IdentityOptions { LockoutThreshold = 3 });
        await identity.AddUserAsync("cara", Roles.Clinician);

        await identity.SignIn.SignInAsync("cara", "wrong password 1234", null, None);
        await identity.SignIn.SignInAsync("cara", "wrong password 1234", null, None);
        Assert.True((await identity.SignIn.SignInAsync("cara", Password, null, None)).Succeeded);
        await identity.SignIn.SignInAsync("cara", "wrong password 1234", null, None);

        Assert.True((await identity.SignIn.SignInAsync("cara", Password, null, None)).Succeeded);
    }

    [Fact]
    public async Task SignIn_Admin_RequiresTheCodeAndRejectsWrongOrReplayedCodes()
    {
        await using var identity = await CreateIdentityAsync();
        var admin = await identity.AddUserAsync("root-admin", Roles.Admin);
        Assert.NotNull(admin.Mfa);

        Assert.Equal(SignInFailure.MfaRequired, (await identity.SignIn.SignInAsync("root-admin", Password, null, None)).Failure);
        Assert.Equal(SignInFailure.InvalidMfaCode, (await identity.SignIn.SignInAsync("root-admin", Password, "000000", None)).Failure);

        var code = identity.Code(admin.Mfa!.Secret);
        var signedIn = await identity.SignIn.SignInAsync("root-admin", Password, code, None);
        Assert.True(signedIn.Succeeded, signedIn.Failure.ToString());
        var amr = (await identity.Tokens.ValidateAsync(signedIn.Tokens!.AccessToken)).Claims[ClinChatClaims.AuthenticationMethods];
        Assert.Contains("mfa", ((IEnumerable<object>)amr).Select(o => o.ToString()));

        // The same code again, inside its 30 s step: a replay.
        Assert.Equal(SignInFailure.InvalidMfaCode, (await identity.SignIn.SignInAsync("root-admin", Password, code, None)).Failure);
    }

    [Fact]
    public async Task SignIn_CodeFromTheNeighbouringStep_IsAcceptedForClockSkew()
    {
        await using var identity = await CreateIdentityAsync();
        var admin = await identity.AddUserAsync("root-admin", Roles.Admin);
        var previous = identity.Code(admin.Mfa!.Secret);
        identity.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.True((await identity.SignIn.SignInAsync("root-admin", Password, previous, None)).Succeeded);

        var old = identity.Code(admin.Mfa!.Secret);
        identity.Time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(SignInFailure.InvalidMfaCode, (await identity.SignIn.SignInAsync("root-admin", Password, old, None)).Failure);
    }

    [Fact]
    public async Task SignIn_RecoveryCode_WorksOnce()
    {
        await using var identity = await CreateIdentityAsync();
        var admin = await identity.AddUserAsync("root-admin", Roles.Admin);
        var recovery = admin.RecoveryCodes![3];

        Assert.True((await identity.SignIn.SignInAsync("root-admin", Password, recovery.ToLowerInvariant(), None)).Succeeded);
        Assert.Equal(SignInFailure.InvalidMfaCode, (await identity.SignIn.SignInAsync("root-admin", Password, recovery, None)).Failure);
        Assert.True((await identity.SignIn.SignInAsync("root-admin", Password, admin.RecoveryCodes[4], None)).Succeeded);
    }

    [Fact]
    public async Task SignIn_WrongCodes_CountTowardsLockout()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("root-admin", Roles.Admin);

        SignInResult last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await identity.SignIn.SignInAsync("root-admin", Password, "123456", None);
        }

        Assert.Equal(SignInFailure.LockedOut, last.Failure);
    }

    [Fact]
    public async Task Enrollment_OptionalForClinician_ThenRequiredAtSignIn()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);

        var enrollment = await identity.SignIn.BeginEnrollmentAsync("cara", None);
        Assert.NotNull(enrollment);
        Assert.StartsWith("otpauth://totp/ClinChat:cara?secret=" + enrollment.Secret, enrollment.OtpAuthUri, StringComparison.Ordinal);

        // Pending: sign-in still needs only the password.
        Assert.True((await identity.SignIn.SignInAsync("cara", Password, null, None)).Succeeded);
        Assert.Null(await identity.SignIn.ConfirmEnrollmentAsync("cara", "000000", None));
        var recovery = await identity.SignIn.ConfirmEnrollmentAsync("cara", identity.Code(enrollment.Secret), None);

        Assert.Equal(10, recovery!.Count);
        Assert.Equal(SignInFailure.MfaRequired, (await identity.SignIn.SignInAsync("cara", Password, null, None)).Failure);
        identity.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await identity.SignIn.SignInAsync("cara", Password, identity.Code(enrollment.Secret), None)).Succeeded);
        Assert.Null(await identity.SignIn.BeginEnrollmentAsync("cara", None));
    }

    [Fact]
    public async Task SignIn_PrivilegedWithoutFactor_GetsOnlyAnEnrollmentToken()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("audra", Roles.Auditor);
        await identity.Users.ResetMfaAsync("audra", None);

        var result = await identity.SignIn.SignInAsync("audra", Password, null, None);

        Assert.Equal(SignInFailure.MfaEnrollmentRequired, result.Failure);
        Assert.Null(result.Tokens);
        var token = await identity.Tokens.ValidateAsync(result.EnrollmentToken!);
        Assert.Equal(ClinChatClaims.EnrollmentPurpose, token.Claims[ClinChatClaims.Purpose]);
        Assert.False(token.Claims.ContainsKey(ClinChatClaims.Role));
        Assert.False(token.Claims.ContainsKey(ClinChatClaims.Session));
    }

    [Fact]
    public async Task Refresh_RotatesAndAReusedTokenRevokesTheWholeSession()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);
        var first = (await identity.SignIn.SignInAsync("cara", Password, null, None)).Tokens!;

        var second = await identity.SignIn.RefreshAsync(first.RefreshToken, None);
        Assert.True(second.Succeeded);
        Assert.NotEqual(first.RefreshToken, second.Tokens!.RefreshToken);

        // The first token again (an attacker's copy): refused, and the legitimate newer token dies with the session.
        Assert.Equal(SignInFailure.RefreshTokenReused, (await identity.SignIn.RefreshAsync(first.RefreshToken, None)).Failure);
        Assert.Equal(SignInFailure.SessionExpired, (await identity.SignIn.RefreshAsync(second.Tokens.RefreshToken, None)).Failure);
        Assert.Equal(SignInFailure.InvalidRefreshToken, (await identity.SignIn.RefreshAsync("not-a-token", None)).Failure);
    }

    [Fact]
    public async Task Session_IdleForFifteenMinutes_IsLoggedOff()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);
        var tokens = (await identity.SignIn.SignInAsync("cara", Password, null, None)).Tokens!;
        var sid = (string)(await identity.Tokens.ValidateAsync(tokens.AccessToken)).Claims[ClinChatClaims.Session];

        identity.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(SessionState.Active, await identity.SignIn.CheckSessionAsync("cara", sid, None));
        identity.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(SessionState.Active, await identity.SignIn.CheckSessionAsync("cara", sid, None));
        identity.Time.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(SessionState.Idle, await identity.SignIn.CheckSessionAsync("cara", sid, None));
        Assert.Equal(SessionState.Revoked, await identity.SignIn.CheckSessionAsync("cara", sid, None));
        Assert.Equal(SignInFailure.SessionExpired, (await identity.SignIn.RefreshAsync(tokens.RefreshToken, None)).Failure);
        Assert.Contains(identity.Events.Events, e => e is { Action: IdentityActions.SessionEnded, Reason: "idle_timeout" });
    }

    [Fact]
    public async Task SignOut_RevokesTheSessionAndItsRefreshToken()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);
        var tokens = (await identity.SignIn.SignInAsync("cara", Password, null, None)).Tokens!;
        var sid = (string)(await identity.Tokens.ValidateAsync(tokens.AccessToken)).Claims[ClinChatClaims.Session];

        Assert.True(await identity.SignIn.SignOutAsync("cara", sid, None));

        Assert.Equal(SessionState.Revoked, await identity.SignIn.CheckSessionAsync("cara", sid, None));
        Assert.Equal(SignInFailure.SessionExpired, (await identity.SignIn.RefreshAsync(tokens.RefreshToken, None)).Failure);
    }

    [Fact]
    public async Task AccessToken_ExpiresAfterItsLifetimeOnTheServiceClock()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);
        var tokens = (await identity.SignIn.SignInAsync("cara", Password, null, None)).Tokens!;

        identity.Time.Advance(TimeSpan.FromMinutes(6));

        Assert.False((await identity.Tokens.ValidateAsync(tokens.AccessToken)).IsValid);
    }

    [Fact]
    public async Task Storage_TablesHoldNoPasswordRefreshTokenOrRecoveryCodeInClear()
    {
        await using var identity = await CreateIdentityAsync();
        var admin = await identity.AddUserAsync("root-admin", Roles.Admin);
        var tokens = (await identity.SignIn.SignInAsync("root-admin", Password, identity.Code(admin.Mfa!.Secret), None)).Tokens!;
        await identity.SignIn.RefreshAsync(tokens.RefreshToken, None);

        var all = string.Concat(await Task.WhenAll(new[] { "users", "auth_sessions", "refresh_tokens" }.Select(identity.Database.DumpTableAsync)));

        Assert.Contains("root-admin", all, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, all, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken, all, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.RecoveryCodes![0], all, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.RecoveryCodes![0].Replace("-", "", StringComparison.Ordinal), all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_ConcurrentExchangesOfOneToken_ExactlyOneRotates()
    {
        await using var identity = await CreateIdentityAsync();
        await identity.AddUserAsync("cara", Roles.Clinician);
        var tokens = (await identity.SignIn.SignInAsync("cara", Password, null, None)).Tokens!;

        var results = await AllAtOnceAsync(16, () => identity.SignIn.RefreshAsync(tokens.RefreshToken, None));

        var winner = Assert.Single(results, r => r.Succeeded);
        // A loser sees the reuse, or (arriving after another loser's reuse revoked the session) the revoked session.
        Assert.Contains(results, r => r.Failure == SignInFailure.RefreshTokenReused);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(r.Failure, new[] { SignInFailure.RefreshTokenReused, SignInFailure.SessionExpired }));
        // The reuse revoked the session: the winner's new token is dead too.
        Assert.Equal(SignInFailure.SessionExpired, (await identity.SignIn.RefreshAsync(winner.Tokens!.RefreshToken, None)).Failure);
    }

    [Fact]
    public async Task SignIn_ConcurrentUsesOfOneTotpCode_ExactlyOneSucceeds()
    {
        await using var identity = await CreateIdentityAsync(new IdentityOptions { LockoutThreshold = 50 });
        var admin = await identity.AddUserAsync("root-admin", Roles.Admin);
        var code = identity.Code(admin.Mfa!.Secret);

        var results = await AllAtOnceAsync(16, () => identity.SignIn.SignInAsync("root-admin", Password, code, None));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(SignInFailure.InvalidMfaCode, r.Failure));
    }

    [Fact]
    public async Task SignIn_ConcurrentUsesOfOneRecoveryCode_ExactlyOneSucceeds()
    {
        await using var identity = await CreateIdentityAsync(new IdentityOptions { LockoutThreshold = 50 });
        var admin = await identity.AddUserAsync("root-admin", Roles.Admin);
        var recovery = admin.RecoveryCodes![2];

        var results = await AllAtOnceAsync(16, () => identity.SignIn.SignInAsync("root-admin", Password, recovery, None));

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(admin.RecoveryCodes.Count - 1, (await identity.Store.FindAsync("root-admin", None))!.RecoveryCodeHashes.Count);
    }

    /// <summary>Starts <paramref name="count"/> calls together (released by one signal), as simultaneous requests would arrive.</summary>
    private static async Task<T[]> AllAtOnceAsync<T>(int count, Func<Task<T>> call)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await call();
        })).ToList();
        await Task.Delay(50);
        go.SetResult();
        return await Task.WhenAll(calls);
    }
}
