using Microsoft.AspNetCore.Identity;

namespace ClinChat.Identity.Passwords;

/// <summary>ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, 100 000 iterations, per-hash salt, versioned format).</summary>
internal sealed class PasswordHashing
{
    private static readonly object Subject = new();
    private readonly PasswordHasher<object> _hasher = new();

    // Verified when the user does not exist, so a wrong name costs as long as a wrong password.
    private readonly Lazy<string> _decoy;

    public PasswordHashing() => _decoy = new(() => _hasher.HashPassword(Subject, PasswordPolicy.Generate()));

    public string Hash(string password) => _hasher.HashPassword(Subject, password);

    public PasswordVerificationResult Verify(string? hash, string password)
    {
        if (hash is null)
        {
            _hasher.VerifyHashedPassword(Subject, _decoy.Value, password);
            return PasswordVerificationResult.Failed;
        }

        return _hasher.VerifyHashedPassword(Subject, hash, password);
    }
}
