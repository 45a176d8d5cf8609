using ClinChat.Identity.Mfa;
using ClinChat.Security.Encryption;

namespace ClinChat.Security;

/// <summary>
/// The identity library's <see cref="ISecretProtector"/> over envelope encryption: TOTP secrets are stored as
/// <c>aesgcm:enc1:…</c> (AES-256-GCM under the active data key). Secrets written before the master key existed
/// (<c>plain:</c>) stay readable, so enabling encryption never locks anyone out.
/// </summary>
internal sealed class FieldSecretProtector(FieldProtector protector) : ISecretProtector
{
    public const string Field = "users.mfa_secret";
    private const string Prefix = "aesgcm:";
    private readonly UnprotectedSecretStore _legacy = new();

    public string Scheme => "aesgcm";

    public string Protect(byte[] secret)
    {
        protector.Keys.RegisterEncryptedField(Field);
        return Prefix + protector.ProtectToString(Convert.ToBase64String(secret), Field);
    }

    public byte[] Unprotect(string protectedValue) => protectedValue.StartsWith(Prefix, StringComparison.Ordinal)
        ? Convert.FromBase64String(protector.UnprotectString(protectedValue[Prefix.Length..], Field))
        : _legacy.Unprotect(protectedValue);
}
