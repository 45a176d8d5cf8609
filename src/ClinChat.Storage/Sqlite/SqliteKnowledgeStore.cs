using ClinChat.Storage.Database;

namespace ClinChat.Storage.Sqlite;

/// <summary>The embedded default: the knowledge tables in one SQLite file in WAL mode under the data directory.</summary>
public sealed class SqliteKnowledgeStore(string databasePath, TimeProvider time)
    : KnowledgeStore(new SqliteStoreDatabase(databasePath), time)
{
    public string DatabasePath => ((SqliteStoreDatabase)Database).DatabasePath;
}
