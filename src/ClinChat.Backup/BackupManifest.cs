using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinChat.Backup;

/// <summary>
/// What a backup holds, stored in clear at the head of the file and authenticated (every segment's associated data
/// covers it), so it can be read without the key but not altered. Never contains data, only facts about it.
/// </summary>
public sealed record BackupManifest(
    string Format,
    int Version,
    string BackupId,
    DateTimeOffset CreatedAt,
    string Provider,
    string KeyId,
    long SnapshotBytes,
    string SnapshotSha256,
    int SegmentBytes,
    int SchemaVersion,
    IReadOnlyDictionary<string, long> Tables,
    AuditHead? AuditHead)
{
    public const string FormatName = "clinchat-backup";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The manifest as printed by the CLI (snake_case, the same as in the file).</summary>
    public JsonElement ToJsonElement() => JsonSerializer.SerializeToElement(this, Json);
}

/// <summary>The last audit event at snapshot time: after a restore, the chain must verify up to exactly this event.</summary>
public sealed record AuditHead(long Sequence, string Hash);

/// <summary>Facts a provider reports about a plaintext snapshot (consistent with the snapshot, not with the live store).</summary>
public sealed record SnapshotFacts(int SchemaVersion, IReadOnlyDictionary<string, long> Tables, AuditHead? AuditHead);
