using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ClinChat.Backup.Format;

/// <summary>
/// The <c>.ccbk</c> container. Layout (integers little-endian):
/// <code>
/// magic "CCBK\r\n\x1a\n" | u16 version (1) | 32-byte salt | u32 manifest length | manifest (UTF-8 JSON)
/// segment*: u8 final flag | u32 plaintext length | ciphertext | 16-byte GCM tag
/// </code>
/// Each file gets its own AES-256 key, HKDF-SHA256(backup key, salt). Segment i (at most <see cref="SegmentBytes"/>
/// of plaintext) is sealed with nonce = i (big-endian, 12 bytes; unique under the per-file key) and associated data
/// SHA-256(header) | u64 i | final flag. So the manifest cannot be edited, segments cannot be dropped, reordered or
/// spliced from another file, and a file cut short (no final segment) or extended (bytes after it) is refused.
/// </summary>
internal static class BackupFile
{
    public const int SegmentBytes = 1 << 20;
    public const ushort CurrentVersion = 1;
    private const int SaltBytes = 32;
    private const int TagBytes = 16;
    private const int NonceBytes = 12;
    private const int MaxManifestBytes = 1 << 20;
    private static readonly byte[] Magic = "CCBK\r\n\u001a\n"u8.ToArray();
    private static readonly byte[] KeyInfo = Encoding.ASCII.GetBytes("clinchat-backup/v1 aes-256-gcm segments");

    public static async Task<long> WriteAsync(Stream plaintext, Stream output, BackupManifest manifest, BackupKey key, CancellationToken cancellationToken)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json);
        var header = new byte[Magic.Length + 2 + SaltBytes + 4 + manifestBytes.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(Magic.Length), CurrentVersion);
        salt.CopyTo(header, Magic.Length + 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(Magic.Length + 2 + SaltBytes), (uint)manifestBytes.Length);
        manifestBytes.CopyTo(header, Magic.Length + 2 + SaltBytes + 4);
        await output.WriteAsync(header, cancellationToken);

        var headerHash = SHA256.HashData(header);
        using var aes = new AesGcm(DeriveFileKey(key, salt), TagBytes);
        var current = new byte[SegmentBytes];
        var next = new byte[SegmentBytes];
        var cipher = new byte[SegmentBytes];
        var tag = new byte[TagBytes];
        var prefix = new byte[5];
        var currentLength = await plaintext.ReadAtLeastAsync(current, SegmentBytes, throwOnEndOfStream: false, cancellationToken);
        long index = 0;
        long written = header.Length;
        while (true)
        {
            var nextLength = currentLength == SegmentBytes
                ? await plaintext.ReadAtLeastAsync(next, SegmentBytes, throwOnEndOfStream: false, cancellationToken)
                : 0;
            var final = nextLength == 0;
            aes.Encrypt(Nonce(index), current.AsSpan(0, currentLength), cipher.AsSpan(0, currentLength), tag, AssociatedData(headerHash, index, final));
            prefix[0] = final ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(1), (uint)currentLength);
            await output.WriteAsync(prefix, cancellationToken);
            await output.WriteAsync(cipher.AsMemory(0, currentLength), cancellationToken);
            await output.WriteAsync(tag, cancellationToken);
            written += prefix.Length + currentLength + TagBytes;
            if (final)
            {
                break;
            }

            (current, next) = (next, current);
            currentLength = nextLength;
            index++;
        }

        CryptographicOperations.ZeroMemory(current);
        CryptographicOperations.ZeroMemory(next);
        return written;
    }

    /// <summary>Reads and parses the header; the manifest is not yet authenticated (that happens with the first segment).</summary>
    public static async Task<BackupHeader> ReadHeaderAsync(Stream input, string displayName, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[Magic.Length + 2 + SaltBytes + 4];
        if (await input.ReadAtLeastAsync(fixedPart, fixedPart.Length, throwOnEndOfStream: false, cancellationToken) < fixedPart.Length
            || !fixedPart.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new BackupException($"{displayName} is not a ClinChat backup (no CCBK header).");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart.AsSpan(Magic.Length));
        if (version != CurrentVersion)
        {
            throw new BackupException($"{displayName} is backup format version {version}; this ClinChat reads version {CurrentVersion}.");
        }

        var salt = fixedPart.AsSpan(Magic.Length + 2, SaltBytes).ToArray();
        var manifestLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(Magic.Length + 2 + SaltBytes));
        if (manifestLength is 0 or > MaxManifestBytes)
        {
            throw new BackupException($"{displayName} is corrupted (manifest length {manifestLength}).");
        }

        var manifestBytes = new byte[manifestLength];
        if (await input.ReadAtLeastAsync(manifestBytes, manifestBytes.Length, throwOnEndOfStream: false, cancellationToken) < manifestBytes.Length)
        {
            throw new BackupException($"{displayName} is truncated (the manifest is incomplete).");
        }

        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(manifestBytes, BackupManifest.Json);
        }
        catch (JsonException)
        {
            manifest = null;
        }

        if (manifest is null || manifest.Format != BackupManifest.FormatName || string.IsNullOrEmpty(manifest.KeyId) || manifest.Tables is null)
        {
            throw new BackupException($"{displayName} is corrupted (the manifest cannot be read).");
        }

        var headerHash = SHA256.HashData([.. fixedPart, .. manifestBytes]);
        return new BackupHeader(manifest, salt, headerHash);
    }

    /// <summary>
    /// Decrypts every segment into <paramref name="plaintext"/>, refusing the first one that fails authentication.
    /// Returns the SHA-256 and length of what was written; the caller discards the output on any exception.
    /// </summary>
    public static async Task<(string Sha256, long Bytes)> DecryptAsync(
        Stream input, BackupHeader header, BackupKey key, Stream plaintext, string displayName, CancellationToken cancellationToken)
    {
        if (header.Manifest.KeyId != key.Id)
        {
            throw new BackupException($"{displayName} was encrypted with backup key {header.Manifest.KeyId}; the configured key is {key.Id} (wrong key).");
        }

        using var aes = new AesGcm(DeriveFileKey(key, header.Salt), TagBytes);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var prefix = new byte[5];
        var cipher = new byte[SegmentBytes];
        var plain = new byte[SegmentBytes];
        var tag = new byte[TagBytes];
        long index = 0;
        long total = 0;
        while (true)
        {
            var got = await input.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken);
            if (got < prefix.Length)
            {
                throw new BackupException($"{displayName} is truncated (it ends after segment {index} without the final segment).");
            }

            var final = prefix[0] switch
            {
                0 => false,
                1 => true,
                _ => throw new BackupException($"{displayName} is corrupted or was altered (segment {index} has a bad flag)."),
            };
            var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(1));
            if (length > SegmentBytes || (!final && length != SegmentBytes))
            {
                throw new BackupException($"{displayName} is corrupted or was altered (segment {index} has a bad length).");
            }

            var n = (int)length;
            if (await input.ReadAtLeastAsync(cipher.AsMemory(0, n), n, throwOnEndOfStream: false, cancellationToken) < n
                || await input.ReadAtLeastAsync(tag, TagBytes, throwOnEndOfStream: false, cancellationToken) < TagBytes)
            {
                throw new BackupException($"{displayName} is truncated (segment {index} is incomplete).");
            }

            try
            {
                aes.Decrypt(Nonce(index), cipher.AsSpan(0, n), tag, plain.AsSpan(0, n), AssociatedData(header.HeaderHash, index, final));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new BackupException($"{displayName} is corrupted or was altered (segment {index} fails authentication).");
            }

            hash.AppendData(plain, 0, n);
            await plaintext.WriteAsync(plain.AsMemory(0, n), cancellationToken);
            total += n;
            index++;
            if (final)
            {
                break;
            }
        }

        CryptographicOperations.ZeroMemory(plain);
        if (await input.ReadAsync(prefix.AsMemory(0, 1), cancellationToken) != 0)
        {
            throw new BackupException($"{displayName} is corrupted or was altered (data after the final segment).");
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (sha != header.Manifest.SnapshotSha256 || total != header.Manifest.SnapshotBytes)
        {
            throw new BackupException($"{displayName} does not match its manifest (SHA-256 or size of the snapshot differs).");
        }

        return (sha, total);
    }

    private static byte[] DeriveFileKey(BackupKey key, byte[] salt) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Bytes.ToArray(), BackupKey.KeyBytes, salt, KeyInfo);

    private static byte[] Nonce(long index)
    {
        var nonce = new byte[NonceBytes];
        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(NonceBytes - 8), index);
        return nonce;
    }

    private static byte[] AssociatedData(byte[] headerHash, long index, bool final)
    {
        var ad = new byte[headerHash.Length + 9];
        headerHash.CopyTo(ad, 0);
        BinaryPrimitives.WriteInt64BigEndian(ad.AsSpan(headerHash.Length), index);
        ad[^1] = final ? (byte)1 : (byte)0;
        return ad;
    }
}

internal sealed record BackupHeader(BackupManifest Manifest, byte[] Salt, byte[] HeaderHash);
