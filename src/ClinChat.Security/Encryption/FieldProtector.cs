using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinChat.Security.Encryption;

/// <summary>
/// Encrypts clinical free text (questions, answers, conversation history) field by field with AES-256-GCM under the
/// active data key. Ciphertext v1: <c>0x01 | key-id length | key id | nonce (12) | tag (16) | ciphertext</c>; the
/// header and a caller-chosen <em>context</em> (e.g. <c>conversation_turns.question:{id}:{turn}</c>) are authenticated,
/// so a value copied to another row or column fails to decrypt.
/// </summary>
public sealed class FieldProtector
{
    public const byte FormatVersion = 1;
    /// <summary>Prefix of the text form, so encrypted strings are recognisable in dumps.</summary>
    public const string TextPrefix = "enc1:";

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly EncryptionKeyRing _keys;
    private readonly ILogger _logger;

    public FieldProtector(EncryptionKeyRing keys, ILogger<FieldProtector>? logger = null)
    {
        _keys = keys;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public EncryptionKeyRing Keys => _keys;

    public byte[] Protect(string plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var (keyId, key) = _keys.ActiveKey;
        var keyIdBytes = Encoding.ASCII.GetBytes(keyId);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var headerLength = 2 + keyIdBytes.Length;
        var output = new byte[headerLength + NonceBytes + TagBytes + plain.Length];
        output[0] = FormatVersion;
        output[1] = checked((byte)keyIdBytes.Length);
        keyIdBytes.CopyTo(output, 2);
        var nonce = output.AsSpan(headerLength, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagBytes))
        {
            aes.Encrypt(nonce, plain, output.AsSpan(headerLength + NonceBytes + TagBytes), output.AsSpan(headerLength + NonceBytes, TagBytes),
                Aad(output.AsSpan(0, headerLength), context));
        }

        CryptographicOperations.ZeroMemory(plain);
        return output;
    }

    public string Unprotect(ReadOnlySpan<byte> ciphertext, string context)
    {
        if (ciphertext.Length < 2 || ciphertext[0] != FormatVersion)
        {
            throw Fail(ciphertext.Length < 2 ? FieldDecryptionFailure.Malformed : FieldDecryptionFailure.UnsupportedVersion, "?");
        }

        var headerLength = 2 + ciphertext[1];
        if (ciphertext.Length < headerLength + NonceBytes + TagBytes)
        {
            throw Fail(FieldDecryptionFailure.Malformed, "?");
        }

        var keyId = Encoding.ASCII.GetString(ciphertext.Slice(2, ciphertext[1]));
        if (!_keys.TryGetKey(keyId, out var key))
        {
            throw Fail(FieldDecryptionFailure.UnknownKey, keyId);
        }

        var body = ciphertext[(headerLength + NonceBytes + TagBytes)..];
        var plain = new byte[body.Length];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(ciphertext.Slice(headerLength, NonceBytes), body, ciphertext.Slice(headerLength + NonceBytes, TagBytes), plain,
                Aad(ciphertext[..headerLength], context));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Fail(FieldDecryptionFailure.AuthenticationFailed, keyId);
        }

        var text = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return text;
    }

    /// <summary>Like <see cref="Unprotect"/>, but reloads the key ring once when another replica added a data key.</summary>
    public async Task<string> UnprotectAsync(byte[] ciphertext, string context, CancellationToken cancellationToken)
    {
        try
        {
            return Unprotect(ciphertext, context);
        }
        catch (FieldDecryptionException ex) when (ex.Failure == FieldDecryptionFailure.UnknownKey)
        {
            await _keys.ReloadAsync(cancellationToken);
            return Unprotect(ciphertext, context);
        }
    }

    public string ProtectToString(string plaintext, string context) => TextPrefix + Convert.ToBase64String(Protect(plaintext, context));

    public string UnprotectString(string protectedText, string context)
    {
        if (!protectedText.StartsWith(TextPrefix, StringComparison.Ordinal))
        {
            throw Fail(FieldDecryptionFailure.Malformed, "?");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(protectedText[TextPrefix.Length..]);
        }
        catch (FormatException)
        {
            throw Fail(FieldDecryptionFailure.Malformed, "?");
        }

        return Unprotect(bytes, context);
    }

    /// <summary>The data key id a ciphertext was written under, or null when it is not a v1 ciphertext.</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> ciphertext) =>
        ciphertext.Length >= 2 && ciphertext[0] == FormatVersion && ciphertext.Length >= 2 + ciphertext[1]
            ? Encoding.ASCII.GetString(ciphertext.Slice(2, ciphertext[1]))
            : null;

    private static byte[] Aad(ReadOnlySpan<byte> header, string context)
    {
        var contextBytes = Encoding.UTF8.GetBytes(context);
        var aad = new byte[18 + 4 + header.Length + contextBytes.Length];
        Encoding.ASCII.GetBytes("clinchat-field/v1;").CopyTo(aad, 0);
        BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(18), header.Length);
        header.CopyTo(aad.AsSpan(22));
        contextBytes.CopyTo(aad, 22 + header.Length);
        return aad;
    }

    private FieldDecryptionException Fail(FieldDecryptionFailure failure, string keyId)
    {
        SecurityLog.DecryptionFailed(_logger, failure.ToString(), keyId);
        return new FieldDecryptionException(failure, keyId);
    }
}

public enum FieldDecryptionFailure
{
    Malformed,
    UnsupportedVersion,
    UnknownKey,
    /// <summary>Wrong key, wrong context (value moved to another row or column) or altered ciphertext.</summary>
    AuthenticationFailed,
}

/// <summary>A field could not be decrypted. The message names the failure and key id, never the content.</summary>
public sealed class FieldDecryptionException(FieldDecryptionFailure failure, string keyId) : CryptographicException(
    failure switch
    {
        FieldDecryptionFailure.Malformed => "Encrypted field is malformed (not a ClinChat ciphertext).",
        FieldDecryptionFailure.UnsupportedVersion => "Encrypted field has an unsupported format version.",
        FieldDecryptionFailure.UnknownKey => $"Encrypted field was written under data key {keyId}, which this key ring does not hold.",
        _ => $"Encrypted field failed authentication under data key {keyId}: wrong key, value moved from another record, or altered ciphertext.",
    })
{
    public FieldDecryptionFailure Failure { get; } = failure;
    public string KeyId { get; } = keyId;
}
