using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ClinChat.Storage.Sqlite;

/// <summary>The embedded default: one SQLite file in WAL mode under the data directory.</summary>
public sealed class SqliteKnowledgeStore : IKnowledgeStore
{
    private const int SchemaVersion = 1;
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public SqliteKnowledgeStore(string databasePath, TimeProvider time)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _time = time;
    }

    public string DatabasePath => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken));
        if (version >= SchemaVersion)
        {
            return;
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS documents (
                id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                url TEXT NULL,
                format TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                text TEXT NOT NULL,
                metadata TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS chunks (
                key INTEGER PRIMARY KEY AUTOINCREMENT,
                document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                start INTEGER NOT NULL,
                length INTEGER NOT NULL,
                text TEXT NOT NULL,
                section TEXT NULL,
                embedding_key TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_chunks_document ON chunks(document_id);
            CREATE TABLE IF NOT EXISTS embeddings (
                key TEXT PRIMARY KEY,
                vector BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                document_id TEXT NOT NULL,
                deleted INTEGER NOT NULL,
                at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS ingestion_jobs (
                id TEXT PRIMARY KEY,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """, cancellationToken, transaction);
        await ExecuteAsync(connection, $"PRAGMA user_version = {SchemaVersion};", cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<string?> GetContentHashAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT content_hash FROM documents WHERE id = $id";
        command.Parameters.AddWithValue("$id", documentId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<UpsertOutcome> UpsertDocumentAsync(StoredDocument document, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        string? existingHash;
        await using (var probe = connection.CreateCommand())
        {
            probe.Transaction = transaction;
            probe.CommandText = "SELECT content_hash FROM documents WHERE id = $id";
            probe.Parameters.AddWithValue("$id", document.Id);
            existingHash = await probe.ExecuteScalarAsync(cancellationToken) as string;
        }

        if (existingHash == document.ContentHash)
        {
            return UpsertOutcome.Unchanged;
        }

        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM chunks WHERE document_id = $id";
            delete.Parameters.AddWithValue("$id", document.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO documents (id, title, url, format, content_hash, text, metadata, updated_at)
                VALUES ($id, $title, $url, $format, $hash, $text, $metadata, $updated)
                ON CONFLICT(id) DO UPDATE SET title = excluded.title, url = excluded.url, format = excluded.format,
                    content_hash = excluded.content_hash, text = excluded.text, metadata = excluded.metadata,
                    updated_at = excluded.updated_at
                """;
            upsert.Parameters.AddWithValue("$id", document.Id);
            upsert.Parameters.AddWithValue("$title", document.Title);
            upsert.Parameters.AddWithValue("$url", (object?)document.Url ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$format", document.Format);
            upsert.Parameters.AddWithValue("$hash", document.ContentHash);
            upsert.Parameters.AddWithValue("$text", document.Text);
            upsert.Parameters.AddWithValue("$metadata", JsonSerializer.Serialize(document.Metadata));
            upsert.Parameters.AddWithValue("$updated", document.UpdatedAt.ToString("O"));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO chunks (document_id, ordinal, start, length, text, section, embedding_key)
                VALUES ($doc, $ordinal, $start, $length, $text, $section, $key)
                """;
            var doc = insert.Parameters.Add("$doc", SqliteType.Text);
            var ordinal = insert.Parameters.Add("$ordinal", SqliteType.Integer);
            var start = insert.Parameters.Add("$start", SqliteType.Integer);
            var length = insert.Parameters.Add("$length", SqliteType.Integer);
            var text = insert.Parameters.Add("$text", SqliteType.Text);
            var section = insert.Parameters.Add("$section", SqliteType.Text);
            var key = insert.Parameters.Add("$key", SqliteType.Text);
            foreach (var chunk in chunks)
            {
                doc.Value = document.Id;
                ordinal.Value = chunk.Ordinal;
                start.Value = chunk.Start;
                length.Value = chunk.Length;
                text.Value = chunk.Text;
                section.Value = (object?)chunk.Section ?? DBNull.Value;
                key.Value = chunk.EmbeddingKey;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await AppendChangeAsync(connection, transaction, document.Id, deleted: false, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return existingHash is null ? UpsertOutcome.Added : UpsertOutcome.Updated;
    }

    public async Task<bool> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM chunks WHERE document_id = $id; DELETE FROM documents WHERE id = $id;";
        command.Parameters.AddWithValue("$id", documentId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var changes = connection.CreateCommand();
        changes.Transaction = transaction;
        changes.CommandText = "SELECT changes()";
        var removed = Convert.ToInt64(await changes.ExecuteScalarAsync(cancellationToken)) > 0;
        if (removed)
        {
            await AppendChangeAsync(connection, transaction, documentId, deleted: true, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public async Task<StoredDocument?> GetDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, title, url, format, content_hash, text, metadata, updated_at FROM documents WHERE id = $id";
        command.Parameters.AddWithValue("$id", documentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredDocument(
            reader.GetString(0),
            reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetString(5),
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? [],
            DateTimeOffset.Parse(reader.GetString(7), System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<IReadOnlyList<DocumentSummary>> ListDocumentsAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.id, d.title, d.url, d.format, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id), d.updated_at
            FROM documents d ORDER BY d.id LIMIT $limit OFFSET $offset
            """;
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$offset", offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<DocumentSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DocumentSummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public async IAsyncEnumerable<IndexedChunk> ReadChunksAsync(string? documentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT c.key, c.document_id, d.title, d.url, c.ordinal, c.start, c.text, c.section, e.vector
            FROM chunks c JOIN documents d ON d.id = c.document_id
            LEFT JOIN embeddings e ON e.key = c.embedding_key
            {(documentId is null ? "" : "WHERE c.document_id = $id")}
            ORDER BY c.key
            """;
        if (documentId is not null)
        {
            command.Parameters.AddWithValue("$id", documentId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new IndexedChunk(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : ToVector((byte[])reader.GetValue(8)));
        }
    }

    public async Task<IReadOnlyList<KnowledgeChange>> GetChangesSinceAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, document_id, deleted FROM changes WHERE seq > $seq ORDER BY seq";
        command.Parameters.AddWithValue("$seq", sequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<KnowledgeChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new KnowledgeChange(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2) != 0));
        }

        return list;
    }

    public async Task<KnowledgeStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM chunks), (SELECT COUNT(*) FROM embeddings),
                   (SELECT MAX(at) FROM changes), (SELECT COALESCE(MAX(seq), 0) FROM changes)
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new KnowledgeStats(
            reader.GetInt32(0),
            reader.GetInt32(1),
            reader.GetInt32(2),
            reader.IsDBNull(3) ? null : DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture),
            reader.GetInt64(4));
    }

    public async Task<IReadOnlyDictionary<string, float[]>> GetEmbeddingsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, float[]>(keys.Count);
        if (keys.Count == 0)
        {
            return found;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT vector FROM embeddings WHERE key = $key";
        var key = command.Parameters.Add("$key", SqliteType.Text);
        foreach (var k in keys)
        {
            key.Value = k;
            if (await command.ExecuteScalarAsync(cancellationToken) is byte[] blob)
            {
                found[k] = ToVector(blob);
            }
        }

        return found;
    }

    public async Task PutEmbeddingsAsync(IReadOnlyCollection<KeyValuePair<string, float[]>> embeddings, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR REPLACE INTO embeddings (key, vector) VALUES ($key, $vector)";
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var vector = command.Parameters.Add("$vector", SqliteType.Blob);
        foreach (var (k, v) in embeddings)
        {
            key.Value = k;
            vector.Value = MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveJobAsync(IngestionJob job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO ingestion_jobs (id, body, created_at) VALUES ($id, $body, $created)
            ON CONFLICT(id) DO UPDATE SET body = excluded.body
            """;
        command.Parameters.AddWithValue("$id", job.Id);
        command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(job));
        command.Parameters.AddWithValue("$created", job.CreatedAt.ToString("O"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IngestionJob?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM ingestion_jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", jobId);
        return await command.ExecuteScalarAsync(cancellationToken) is string body
            ? JsonSerializer.Deserialize<IngestionJob>(body)
            : null;
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return Convert.ToInt64(await ScalarAsync(connection, "SELECT 1", cancellationToken)) == 1;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private async Task AppendChangeAsync(SqliteConnection connection, SqliteTransaction transaction, string documentId, bool deleted, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO changes (document_id, deleted, at) VALUES ($id, $deleted, $at)";
        command.Parameters.AddWithValue("$id", documentId);
        command.Parameters.AddWithValue("$deleted", deleted ? 1 : 0);
        command.Parameters.AddWithValue("$at", _time.GetUtcNow().ToString("O"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static float[] ToVector(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob.AsSpan()).ToArray();
}
