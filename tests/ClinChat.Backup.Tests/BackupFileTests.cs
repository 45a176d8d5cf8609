using System.Security.Cryptography;
using ClinChat.Backup.Format;

namespace ClinChat.Backup.Tests;

/// <summary>The container on its own: segments, truncation at a segment boundary, reordering, trailing data.</summary>
public sealed class BackupFileTests
{
    private readonly CancellationToken _ct = CancellationToken.None;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BackupFile.SegmentBytes)]
    [InlineData((2 * BackupFile.SegmentBytes) + 17)]
    public async Task RoundTrip_AnyLength_ReturnsSamePlaintext(int length)
    {
        using var key = TempStore.NewKey();
        var plain = RandomNumberGenerator.GetBytes(length);

        var (file, _) = await EncryptAsync(plain, key);
        var decrypted = await DecryptAsync(file, key);

        Assert.Equal(plain, decrypted);
    }

    [Fact]
    public async Task Decrypt_FinalSegmentDropped_IsTruncated()
    {
        using var key = TempStore.NewKey();
        var (file, headerLength) = await EncryptAsync(RandomNumberGenerator.GetBytes((2 * BackupFile.SegmentBytes) + 5), key);
        var withoutFinal = file[..(headerLength + (2 * SegmentOnDisk(BackupFile.SegmentBytes)))];

        var error = await Assert.ThrowsAsync<BackupException>(() => DecryptAsync(withoutFinal, key));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_SegmentsSwapped_FailsAuthentication()
    {
        using var key = TempStore.NewKey();
        var (file, headerLength) = await EncryptAsync(RandomNumberGenerator.GetBytes((2 * BackupFile.SegmentBytes) + 5), key);
        var size = SegmentOnDisk(BackupFile.SegmentBytes);
        var swapped = file.ToArray();
        file.AsSpan(headerLength, size).CopyTo(swapped.AsSpan(headerLength + size));
        file.AsSpan(headerLength + size, size).CopyTo(swapped.AsSpan(headerLength));

        var error = await Assert.ThrowsAsync<BackupException>(() => DecryptAsync(swapped, key));

        Assert.Contains("segment 0 fails authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_BytesAfterFinalSegment_AreRefused()
    {
        using var key = TempStore.NewKey();
        var (file, _) = await EncryptAsync(RandomNumberGenerator.GetBytes(100), key);

        var error = await Assert.ThrowsAsync<BackupException>(() => DecryptAsync([.. file, 0], key));

        Assert.Contains("after the final segment", error.Message, StringComparison.Ordinal);
    }

    private static int SegmentOnDisk(int plaintextLength) => 1 + 4 + plaintextLength + 16;

    private async Task<(byte[] File, int HeaderLength)> EncryptAsync(byte[] plain, BackupKey key)
    {
        var manifest = new BackupManifest(BackupManifest.FormatName, 1, "id", DateTimeOffset.UnixEpoch, "sqlite", key.Id, plain.Length,
            Convert.ToHexStringLower(SHA256.HashData(plain)), BackupFile.SegmentBytes, 1, new Dictionary<string, long>(), null);
        using var output = new MemoryStream();
        await BackupFile.WriteAsync(new MemoryStream(plain), output, manifest, key, _ct);
        var file = output.ToArray();
        using var input = new MemoryStream(file);
        await BackupFile.ReadHeaderAsync(input, "x", _ct);
        return (file, (int)input.Position);
    }

    private async Task<byte[]> DecryptAsync(byte[] file, BackupKey key)
    {
        using var input = new MemoryStream(file);
        var header = await BackupFile.ReadHeaderAsync(input, "x.ccbk", _ct);
        using var output = new MemoryStream();
        await BackupFile.DecryptAsync(input, header, key, output, "x.ccbk", _ct);
        return output.ToArray();
    }
}
