using System.Security.Cryptography;
using ClinChat.Identity;
using ClinChat.Identity.Ldap;
using ClinChat.Identity.Login;
using ClinChat.Identity.Mfa;
using ClinChat.Identity.Tokens;
using ClinChat.Identity.Users;
using ClinChat.Security;
using ClinChat.Security.Audit;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;
using ClinChat.Storage.Database;
using ClinChat.Storage.Feedback;
using Microsoft.Extensions.DependencyInjection;

namespace ClinChat.Backup.Tests;

/// <summary>
/// The identity and security engines over one store database, wired as the host wires them (MFA secrets under envelope
/// encryption, sign-in events into the audit chain), with one master key and audit signing key for every store a test
/// opens, so a restored store can be read with the keys of its source.
/// </summary>
internal sealed class ClinicalEngines
{
    public const string MfaSecretField = "users.mfa_secret";

    private readonly string _masterKey = MasterKey.GenerateBase64();
    private readonly string _auditKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly JwtSigningKey _jwt = JwtSigningKey.Ephemeral();

    /// <summary>The engines over a migrated <paramref name="database"/> with its keys loaded; another master key may be supplied.</summary>
    public async Task<ServiceProvider> OpenAsync(StoreDatabase database, CancellationToken cancellationToken, string? masterKey = null)
    {
        var environment = new Dictionary<string, string>
        {
            [MasterKey.Variable] = masterKey ?? _masterKey,
            ["CLINCHAT_AUDIT_SIGNING_KEY"] = _auditKey,
        };
        var services = new ServiceCollection()
            .AddLogging()
            .AddSecurityEngine(new SecurityEngineOptions { Database = database, Environment = name => environment.GetValueOrDefault(name) })
            .AddSingleton<ISecretProtector, EnvelopeSecretProtector>()
            .AddSingleton<IIdentityEventSink, AuditChainEventSink>()
            .AddIdentityEngine(new IdentityOptions(), new LdapOptions(), _jwt)
            .BuildServiceProvider();
        try
        {
            await services.LoadSecurityKeysAsync(cancellationToken);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }

        services.GetRequiredService<FieldProtector>().Keys.RegisterEncryptedField(MfaSecretField);
        return services;
    }

    /// <summary>
    /// Users (one with MFA enrolled), sessions and refresh tokens from real sign-ins (one rotated, one signed out, one
    /// failed attempt), audit events with a signed checkpoint and a tail after it, encrypted conversations and feedback.
    /// </summary>
    public async Task<ClinicalData> PopulateAsync(StoreDatabase database, CancellationToken cancellationToken)
    {
        await using var services = await OpenAsync(database, cancellationToken);
        var admin = services.GetRequiredService<UserAdministration>();
        var signIn = services.GetRequiredService<SignInService>();
        var passwords = new Dictionary<string, string>
        {
            ["dr.lee"] = "Trombone-lattice-ochre-41",
            ["aud.kim"] = "Quiet-harbour-pylon-77",
            ["ph.ng"] = "Copper-meadow-sprocket-29",
        };
        Created(await admin.CreateAsync("dr.lee", [Roles.Clinician], passwords["dr.lee"], cancellationToken));
        var auditor = Created(await admin.CreateAsync("aud.kim", [Roles.Auditor], passwords["aud.kim"], cancellationToken));
        Created(await admin.CreateAsync("ph.ng", [Roles.Pharmacist], passwords["ph.ng"], cancellationToken));
        Assert.NotNull(auditor.Mfa);

        var lee = SignedIn(await signIn.SignInAsync("dr.lee", passwords["dr.lee"], null, cancellationToken));
        var rotated = SignedIn(await signIn.RefreshAsync(lee.RefreshToken, cancellationToken));
        SignedIn(await signIn.SignInAsync("aud.kim", passwords["aud.kim"], auditor.RecoveryCodes![0], cancellationToken));
        Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync("ph.ng", "Not-the-password-0000", null, cancellationToken)).Failure);
        var ng = await signIn.SignInAsync("ph.ng", passwords["ph.ng"], null, cancellationToken);
        Assert.True(await signIn.SignOutAsync("ph.ng", await SessionIdAsync(services, ng), cancellationToken));

        var audit = services.GetRequiredService<AuditTrail>();
        for (var i = 0; i < 12; i++)
        {
            await audit.RecordAsync("dr.lee", Roles.Clinician, "chat.ask", AuditOperation.Read, $"conversation:{i}", AuditOutcome.Success, $"req-{i}", "10.0.0.7", cancellationToken);
        }

        await audit.CheckpointAsync(cancellationToken);
        await audit.RecordAsync("ph.ng", Roles.Pharmacist, "interactions.check", AuditOperation.Read, "drugs", AuditOutcome.Denied, "req-x", "10.0.0.8", cancellationToken);

        var conversations = services.GetRequiredService<IConversationStore>();
        var turns = new Dictionary<string, IReadOnlyList<(string Question, string Answer)>>();
        foreach (var (user, subject) in new[] { ("dr.lee", "Hannelore Quast-Winter, MRN 55102938"), ("aud.kim", "Bartholomew Eze, MRN 30318877") })
        {
            var id = await conversations.StartAsync(user, cancellationToken);
            var pairs = new List<(string, string)>
            {
                ($"Does {subject}, born 1961-04-02, need a warfarin dose change?\tINR 4.1 ≠ target", "Check the INR first; see the warfarin monograph [1]."),
                ($"And with amiodarone started for {subject}?", "Expect a higher INR: reduce the dose and recheck 💊 in 3 days [2].\nDetails follow."),
            };
            foreach (var (question, answer) in pairs)
            {
                await conversations.AppendTurnAsync(id, question, answer, cancellationToken);
            }

            turns[id] = pairs;
        }

        var feedback = new AnswerFeedbackStore(database, TimeProvider.System);
        var first = turns.Keys.First();
        await feedback.SaveAsync(first, 1, "dr.lee", FeedbackRating.Correct, null, cancellationToken);
        await feedback.SaveAsync(first, 2, "dr.lee", FeedbackRating.Incorrect, FeedbackReason.Outdated, cancellationToken);

        var head = await audit.Store.GetHeadAsync(cancellationToken);
        return new ClinicalData(passwords, auditor.Mfa!.Secret, auditor.RecoveryCodes!, rotated.RefreshToken, turns, new AuditHead(head.Sequence, head.Hash));
    }

    private static CreatedUser Created(AdministrationResult<CreatedUser> result)
    {
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    private static AuthTokens SignedIn(SignInResult result)
    {
        Assert.True(result.Succeeded, result.Failure.ToString());
        return result.Tokens!;
    }

    private static async Task<string> SessionIdAsync(IServiceProvider services, SignInResult result)
    {
        var token = await services.GetRequiredService<AccessTokens>().ValidateAsync(SignedIn(result).AccessToken);
        Assert.True(token.IsValid);
        return token.ClaimsIdentity.FindFirst(ClinChatClaims.Session)!.Value;
    }

    /// <summary>As the host's protector: TOTP secrets as <c>aesgcm:enc1:…</c> under the active data key.</summary>
    private sealed class EnvelopeSecretProtector(FieldProtector protector) : ISecretProtector
    {
        private const string Prefix = "aesgcm:";

        public string Scheme => "aesgcm";

        public string Protect(byte[] secret) => Prefix + protector.ProtectToString(Convert.ToBase64String(secret), MfaSecretField);

        public byte[] Unprotect(string protectedValue) =>
            Convert.FromBase64String(protector.UnprotectString(protectedValue[Prefix.Length..], MfaSecretField));
    }

    /// <summary>As the host's sink: every sign-in and account event is a link of the audit chain.</summary>
    private sealed class AuditChainEventSink(AuditTrail audit) : IIdentityEventSink
    {
        public Task RecordAsync(IdentityEvent identityEvent, CancellationToken cancellationToken) =>
            audit.AppendAsync(
                new AuditEvent(
                    identityEvent.At,
                    identityEvent.Username ?? "anonymous",
                    string.Join(',', identityEvent.Roles.Order(StringComparer.Ordinal)),
                    identityEvent.Action,
                    AuditOperation.Execute,
                    identityEvent.SessionId is { } session ? "session:" + session : "user:" + (identityEvent.Username ?? "anonymous"),
                    identityEvent.Outcome == "success" ? AuditOutcome.Success : AuditOutcome.Denied,
                    "test",
                    "127.0.0.1"),
                CancellationToken.None);
    }
}

/// <summary>What a populated clinical store holds that a restore must give back: secrets to sign in with and the plaintext of the conversations.</summary>
internal sealed record ClinicalData(
    IReadOnlyDictionary<string, string> Passwords,
    string AuditorTotpSecret,
    IReadOnlyList<string> AuditorRecoveryCodes,
    string LeeRefreshToken,
    IReadOnlyDictionary<string, IReadOnlyList<(string Question, string Answer)>> Conversations,
    AuditHead AuditHead);
