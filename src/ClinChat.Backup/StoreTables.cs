namespace ClinChat.Backup;

/// <summary>Which tables make a store "hold data" for a restore's emptiness check (the same on both providers).</summary>
internal static class StoreTables
{
    /// <summary>Bookkeeping that a freshly started (or freshly migrated) store already has rows in.</summary>
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.OrdinalIgnoreCase)
    {
        BackupLog.Table, "schema_migrations", "identity_schema", "encryption_keys",
    };

    public static bool IsBookkeeping(string table) => Bookkeeping.Contains(table);
}
