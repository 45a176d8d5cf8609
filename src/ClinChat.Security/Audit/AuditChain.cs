using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClinChat.Security.Audit;

/// <summary>
/// Canonical serialisation and hashing of the chain. Every field is written as a netstring
/// (<c>length:bytes;</c>) in a fixed order after a version tag, so no two different events serialise alike.
/// Store implementations call <see cref="Seal"/> inside their append transaction.
/// </summary>
public static class AuditChain
{
    /// <summary>The predecessor hash of event 1.</summary>
    public static readonly string GenesisHash = new('0', 64);

    public static AuditRecord Seal(long sequence, AuditEvent auditEvent, string previousHash) =>
        new(sequence, auditEvent, previousHash, ComputeHash(sequence, auditEvent, previousHash));

    public static string ComputeHash(long sequence, AuditEvent e, string previousHash)
    {
        var buffer = new StringBuilder(256).Append("clinchat-audit/v1;");
        Field(buffer, sequence.ToString(CultureInfo.InvariantCulture));
        Field(buffer, e.OccurredAtText);
        Field(buffer, e.User);
        Field(buffer, e.Role);
        Field(buffer, e.Action);
        Field(buffer, e.Operation.ToString());
        Field(buffer, e.Resource);
        Field(buffer, e.Outcome.ToString());
        Field(buffer, e.RequestId);
        Field(buffer, e.ClientAddress);
        Field(buffer, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(buffer.ToString())));
    }

    internal static byte[] CheckpointPayload(long id, long sequence, string headHash, DateTimeOffset createdAt, string keyId, string previousSignature)
    {
        var buffer = new StringBuilder(256).Append("clinchat-audit-checkpoint/v1;");
        Field(buffer, id.ToString(CultureInfo.InvariantCulture));
        Field(buffer, sequence.ToString(CultureInfo.InvariantCulture));
        Field(buffer, headHash);
        Field(buffer, AuditEvent.FormatTime(createdAt));
        Field(buffer, keyId);
        Field(buffer, previousSignature);
        return Encoding.UTF8.GetBytes(buffer.ToString());
    }

    private static void Field(StringBuilder buffer, string value) =>
        buffer.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
}
