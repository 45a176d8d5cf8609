using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;
using ClinChat.Security.Retention;

namespace ClinChat.Security.Tests;

public sealed class ComplianceTests
{
    private static readonly DateTimeOffset Now = Keys.Start;
    private readonly ComplianceEngine _engine = new(new ManualTime(Now));

    private static ComplianceSnapshot Healthy(ComplianceMode mode = ComplianceMode.Production) => new()
    {
        Mode = mode,
        MfaEnforcedRoles = ["admin", "auditor"],
        Secrets = [SecretPolicy.Assess("Jwt:SigningKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)))],
        Encryption = new EncryptionStatus(true, "AES-256-GCM", "AES-256-GCM key wrap", "mk-1", "file", "dk-1",
            [new DataKeyInfo("dk-1", "mk-1", Now.AddDays(-10), Now.AddDays(-10), true)], Now.AddDays(-10), Now.AddDays(-10), TimeSpan.FromDays(10),
            [ConversationStore.QuestionField, ConversationStore.AnswerField]),
        Audit = Verification(intact: true, uncheckpointed: 3, oldestUncheckpointed: Now.AddHours(-2)),
        PhiSelfTestPassed = true,
        TrustedProxyConfigured = true,
        LastBackupAt = Now.AddHours(-20),
        Retention = new RetentionOptions { Conversations = TimeSpan.FromDays(90) },
    };

    private static AuditVerification Verification(bool intact, long uncheckpointed, DateTimeOffset? oldestUncheckpointed) => new(
        intact, 100, 3, new AuditChainHead(100, new string('a', 64), Now),
        new AuditCheckpoint(3, 100 - uncheckpointed, new string('b', 64), Now.AddHours(-3), "hmac-1", "", "sig"),
        uncheckpointed, oldestUncheckpointed,
        intact ? [] : [new AuditProblem(AuditProblemKind.Altered, 42, null, "event 42 does not match its recorded hash (altered).")],
        Now);

    private ControlResult Control(ComplianceSnapshot snapshot, string id) => _engine.Evaluate(snapshot).Controls.Single(c => c.Id == id);

    [Fact]
    public void Evaluate_HealthyProductionSnapshot_PassesEveryControl()
    {
        var report = _engine.Evaluate(Healthy());

        Assert.All(report.Controls, c => Assert.True(c.Status == ControlStatus.Pass, $"{c.Id}: {c.Reason}"));
        Assert.Equal(1.0, report.Score);
        Assert.True(report.Compliant);
        Assert.Equal(ComplianceEngine.Controls.Select(c => c.Id), report.Controls.Select(c => c.Id));
        Assert.Equal(9, report.Controls.Count);
    }

    [Fact]
    public void Evaluate_ScoreIsTheFractionPassing()
    {
        var report = _engine.Evaluate(Healthy() with { PhiSelfTestPassed = false, LastBackupAt = Now.AddHours(-27), MfaEnforcedRoles = ["admin"] });

        Assert.Equal(6.0 / 9, report.Score, 6);
        Assert.False(report.Compliant);
        Assert.Contains("auditor", report.Controls.Single(c => c.Id == "mfa-privileged-roles").Reason);
    }

    [Fact]
    public void Evaluate_DevelopmentWarnings_BecomeFailuresInProduction()
    {
        var gaps = Healthy(ComplianceMode.Development) with { TrustedProxyConfigured = false, LastBackupAt = null, PhiSelfTestPassed = null, Retention = new RetentionOptions() };

        var development = _engine.Evaluate(gaps);
        var production = _engine.Evaluate(gaps with { Mode = ComplianceMode.Production });

        Assert.Equal(4, development.Controls.Count(c => c.Status == ControlStatus.Warn));
        Assert.True(development.Compliant);
        Assert.Equal(5.0 / 9, development.Score, 6);
        Assert.Equal(4, production.Controls.Count(c => c.Status == ControlStatus.Fail));
        Assert.False(production.Compliant);
        Assert.StartsWith("Production treats this warning as a failure", production.Controls.Single(c => c.Id == "transport-security").Reason);
    }

    [Fact]
    public void AuditControls_BrokenChainFailsWithTheLocation_StaleTailFails()
    {
        var broken = Control(Healthy() with { Audit = Verification(false, 0, null) }, "audit-chain-intact");
        Assert.Equal(ControlStatus.Fail, broken.Status);
        Assert.Contains("event 42", broken.Reason);

        var stale = Control(Healthy() with { Audit = Verification(true, 50, Now.AddHours(-30)) }, "audit-checkpoint-recent");
        Assert.Equal(ControlStatus.Fail, stale.Status);
        Assert.Contains("30.0 h", stale.Reason);

        var covered = Control(Healthy() with { Audit = Verification(true, 0, null) }, "audit-checkpoint-recent");
        Assert.Equal(ControlStatus.Pass, covered.Status);

        Assert.Equal(ControlStatus.Fail, Control(Healthy() with { Audit = null }, "audit-chain-intact").Status);
    }

    [Fact]
    public void EncryptionControl_OffFails_NoFieldsWarns_OldKeysWarn()
    {
        Assert.Equal(ControlStatus.Fail, Control(Healthy() with { Encryption = null }, "encryption-at-rest").Status);
        var healthy = Healthy(ComplianceMode.Development);
        Assert.Equal(ControlStatus.Warn, Control(healthy with { Encryption = healthy.Encryption! with { EncryptedFields = [] } }, "encryption-at-rest").Status);
        Assert.Equal(ControlStatus.Warn, Control(healthy with { Encryption = healthy.Encryption! with { RotationAge = TimeSpan.FromDays(400) } }, "encryption-at-rest").Status);
    }

    [Fact]
    public void RetentionControl_AuditUnderSixYearsFails()
    {
        var snapshot = Healthy() with { Retention = new RetentionOptions { Conversations = TimeSpan.FromDays(30), Audit = TimeSpan.FromDays(365) } };

        Assert.Equal(ControlStatus.Fail, Control(snapshot, "retention-configured").Status);
    }

    [Theory]
    [InlineData("changeme", SecretState.Default)]
    [InlineData("please-change-me-now", SecretState.Default)]
    [InlineData("short-but-random-9f", SecretState.Weak)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", SecretState.Weak)]
    [InlineData("", SecretState.Missing)]
    [InlineData("q7Vt2mX9pL4sR8wZ1cB6nH3jK5dF0gYeUaTiOo", SecretState.Strong)]
    public void SecretPolicy_Assess_ClassifiesWithoutEchoingTheValue(string value, SecretState expected)
    {
        var check = SecretPolicy.Assess("Jwt:SigningKey", value);

        Assert.Equal(expected, check.State);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, check.Reason);
        }
    }

    [Fact]
    public void SecretsControl_DefaultSecretFails_AndProductionStartupRefuses()
    {
        var checks = new[] { SecretPolicy.Assess("Jwt:SigningKey", "changeme"), SecretPolicy.Assess("Ldap:BindPassword", "Zr8!kq2Lm4Px9Vw3Ty6Hb1Nc", minimumBytes: 16) };

        Assert.Equal(ControlStatus.Fail, Control(Healthy() with { Secrets = checks }, "secrets-strong").Status);
        var ex = Assert.Throws<Secrets.SecurityConfigurationException>(() => SecretPolicy.ThrowIfUnsafeForProduction(checks));
        Assert.Contains("Jwt:SigningKey", ex.Message);
        Assert.DoesNotContain("changeme", ex.Message);
        SecretPolicy.ThrowIfUnsafeForProduction([checks[1]]);
    }
}
