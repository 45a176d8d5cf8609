namespace ClinChat.Identity.Mfa;

/// <summary>
/// Seam to the encryption-at-rest library: protects the TOTP secrets stored in <c>users.mfa_secret</c>.
/// The host registers the envelope-encryption protector when a master key is configured.
/// </summary>
public interface ISecretProtector
{
    /// <summary>A short name of the scheme, stored as the prefix of each protected value (e.g. <c>aesgcm</c>).</summary>
    string Scheme { get; }

    string Protect(byte[] secret);

    byte[] Unprotect(string protectedValue);
}

/// <summary>
/// The stand-in until a master key exists: base64 with a <c>plain:</c> prefix, so the compliance check can count
/// secrets stored without encryption and re-protection can find them.
/// </summary>
public sealed class UnprotectedSecretStore : ISecretProtector
{
    private const string Prefix = "plain:";

    public string Scheme => "plain";

    public string Protect(byte[] secret) => Prefix + Convert.ToBase64String(secret);

    public byte[] Unprotect(string protectedValue) => protectedValue.StartsWith(Prefix, StringComparison.Ordinal)
        ? Convert.FromBase64String(protectedValue[Prefix.Length..])
        : throw new InvalidOperationException("the MFA secret was protected by another scheme than 'plain': configure the master key");
}
