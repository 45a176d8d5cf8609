using ClinChat.Identity.Passwords;
using ClinChat.Identity.Tokens;

namespace ClinChat.Identity.Tests;

/// <summary>Password policy and signing keys: no store involved.</summary>
public sealed class PolicyTests
{
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
