using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using ClinChat.Storage.Database;

namespace ClinChat.Storage;

/// <summary>
/// The knowledge base tables (documents, chunks, embeddings, change feed, ingestion jobs) on either provider. Document
/// writes take the <c>knowledge</c> write lock for their whole transaction, so change-feed sequence numbers are
/// handed out in commit order and a follower reading "everything after N" never skips a change that commits late.
/// </summary>
public class KnowledgeStore : IKnowledgeStore
{
    public static readonly SchemaMigration Schema = new("knowledge", 1,
        Sqlite: """
            CREATE TABLE IF NOT EXISTS documents (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, url TEXT NULL, format TEXT NOT NULL, content_hash TEXT NOT NULL,
                text TEXT NOT NULL, metadata TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS chunks (
                key INTEGER PRIMARY KEY AUTOINCREMENT,
                document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL, start INTEGER NOT NULL, length INTEGER NOT NULL, text TEXT NOT NULL,
                section TEXT NULL, embedding_key TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_chunks_document ON chunks(document_id);
            CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, document_id TEXT NOT NULL, deleted INTEGER NOT NULL, at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ingestion_jobs (id TEXT PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL);
            """,
        PostgreSql: """
            CREATE TABLE IF NOT EXISTS documents (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, url TEXT NULL, format TEXT NOT NULL, content_hash TEXT NOT NULL,
                text TEXT NOT NULL, metadata TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS chunks (
                key BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL, start INTEGER NOT NULL, length INTEGER NOT NULL, text TEXT NOT NULL,
                section TEXT NULL, embedding_key TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_chunks_document ON chunks(document_id);
            CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BYTEA NOT NULL);
            CREATE TABLE IF NOT EXISTS changes (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, document_id TEXT NOT NULL, deleted INTEGER NOT NULL, at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ingestion_jobs (id TEXT PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL);
            """);

    private const string WriteLock = "knowledge";
    private readonly TimeProvider _time;

    public KnowledgeStore(StoreDatabase database, TimeProvider time)
    {
        Database = database;
        _time = time;
    }

    public StoreDatabase Database { get; }

    public Task MigrateAsync(CancellationToken cancellationToken) => Database.MigrateAsync(Schema, cancellationToken);

    public async Task<string?> GetContentHashAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await connection.ScalarAsync("SELECT content_hash FROM documents WHERE id = @id", cancellationToken, null, ("@id", documentId)) as string;
    }

    public async Task<UpsertOutcome> UpsertDocumentAsync(StoredDocument document, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginSerializedAsync(connection, WriteLock, cancellationToken);
        var existingHash = await connection.ScalarAsync(
            "SELECT content_hash FROM documents WHERE id = @id", cancellationToken, transaction, ("@id", document.Id)) as string;
        if (existingHash == document.ContentHash)
        {
            await transaction.RollbackAsync(cancellationToken);
            return UpsertOutcome.Unchanged;
        }

        await connection.ExecuteAsync("DELETE FROM chunks WHERE document_id = @id", cancellationToken, transaction, ("@id", document.Id));
        await connection.ExecuteAsync(
            """
            INSERT INTO documents (id, title, url, format, content_hash, text, metadata, updated_at)
            VALUES (@id, @title, @url, @format, @hash, @text, @metadata, @updated)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, url = excluded.url, format = excluded.format,
                content_hash = excluded.content_hash, text = excluded.text, metadata = excluded.metadata,
                updated_at = excluded.updated_at
            """,
            cancellationToken, transaction,
            ("@id", document.Id), ("@title", document.Title), ("@url", document.Url), ("@format", document.Format),
            ("@hash", document.ContentHash), ("@text", document.Text), ("@metadata", JsonSerializer.Serialize(document.Metadata)),
            ("@updated", document.UpdatedAt.ToString("O")));

        await using (var insert = connection.Command(
            """
            INSERT INTO chunks (document_id, ordinal, start, length, text, section, embedding_key)
            VALUES (@doc, @ordinal, @start, @length, @text, @section, @key)
            """, transaction))
        {
            var doc = insert.With("@doc", document.Id);
            var ordinal = insert.With("@ordinal", 0);
            var start = insert.With("@start", 0);
            var length = insert.With("@length", 0);
            var text = insert.With("@text", string.Empty);
            var section = insert.With("@section", string.Empty);
            var key = insert.With("@key", string.Empty);
            foreach (var chunk in chunks)
            {
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
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginSerializedAsync(connection, WriteLock, cancellationToken);
        await connection.ExecuteAsync("DELETE FROM chunks WHERE document_id = @id", cancellationToken, transaction, ("@id", documentId));
        var removed = await connection.ExecuteAsync("DELETE FROM documents WHERE id = @id", cancellationToken, transaction, ("@id", documentId)) > 0;
        if (removed)
        {
            await AppendChangeAsync(connection, transaction, documentId, deleted: true, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    public async Task<StoredDocument?> GetDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT id, title, url, format, content_hash, text, metadata, updated_at FROM documents WHERE id = @id", null, ("@id", documentId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredDocument(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetNullableString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetString(5),
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? [],
            ParseTime(reader.GetString(7)));
    }

    public async Task<IReadOnlyList<DocumentSummary>> ListDocumentsAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT d.id, d.title, d.url, d.format, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id), d.updated_at
            FROM documents d ORDER BY d.id LIMIT @limit OFFSET @offset
            """, null, ("@limit", limit), ("@offset", offset));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<DocumentSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DocumentSummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetNullableString(2),
                reader.GetString(3),
                (int)reader.GetInteger(4),
                ParseTime(reader.GetString(5))));
        }

        return list;
    }

    public async IAsyncEnumerable<IndexedChunk> ReadChunksAsync(string? documentId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT c.key, c.document_id, d.title, d.url, c.ordinal, c.start, c.text, c.section, e.vector
            FROM chunks c JOIN documents d ON d.id = c.document_id
            LEFT JOIN embeddings e ON e.key = c.embedding_key
            {(documentId is null ? "" : "WHERE c.document_id = @id")}
            ORDER BY c.key
            """);
        if (documentId is not null)
        {
            command.With("@id", documentId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new IndexedChunk(
                reader.GetInteger(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetNullableString(3),
                (int)reader.GetInteger(4),
                (int)reader.GetInteger(5),
                reader.GetString(6),
                reader.GetNullableString(7),
                reader.IsDBNull(8) ? null : ToVector((byte[])reader.GetValue(8)));
        }
    }

    public async Task<IReadOnlyList<KnowledgeChange>> GetChangesSinceAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT seq, document_id, deleted FROM changes WHERE seq > @seq ORDER BY seq", null, ("@seq", sequence));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<KnowledgeChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new KnowledgeChange(reader.GetInteger(0), reader.GetString(1), reader.GetInteger(2) != 0));
        }

        return list;
    }

    public async Task<KnowledgeStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM chunks), (SELECT COUNT(*) FROM embeddings),
                   (SELECT MAX(at) FROM changes), (SELECT COALESCE(MAX(seq), 0) FROM changes)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new KnowledgeStats(
            (int)reader.GetInteger(0),
            (int)reader.GetInteger(1),
            (int)reader.GetInteger(2),
            reader.IsDBNull(3) ? null : ParseTime(reader.GetString(3)),
            reader.GetInteger(4));
    }

    public async Task<IReadOnlyDictionary<string, float[]>> GetEmbeddingsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, float[]>(keys.Count);
        if (keys.Count == 0)
        {
            return found;
        }

        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT vector FROM embeddings WHERE key = @key");
        var key = command.With("@key", string.Empty);
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
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO embeddings (key, vector) VALUES (@key, @vector) ON CONFLICT (key) DO UPDATE SET vector = excluded.vector", transaction);
        var key = command.With("@key", string.Empty);
        var vector = command.With("@vector", Array.Empty<byte>());
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
        await using var connection = await Database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO ingestion_jobs (id, body, created_at) VALUES (@id, @body, @created)
            ON CONFLICT (id) DO UPDATE SET body = excluded.body
            """,
            cancellationToken, null, ("@id", job.Id), ("@body", JsonSerializer.Serialize(job)), ("@created", job.CreatedAt.ToString("O")));
    }

    public async Task<IngestionJob?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return await connection.ScalarAsync("SELECT body FROM ingestion_jobs WHERE id = @id", cancellationToken, null, ("@id", jobId)) is string body
            ? JsonSerializer.Deserialize<IngestionJob>(body)
            : null;
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Database.PingAsync(cancellationToken);

    private Task AppendChangeAsync(DbConnection connection, DbTransaction transaction, string documentId, bool deleted, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            "INSERT INTO changes (document_id, deleted, at) VALUES (@id, @deleted, @at)",
            cancellationToken, transaction, ("@id", documentId), ("@deleted", deleted ? 1 : 0), ("@at", _time.GetUtcNow().ToString("O")));

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static float[] ToVector(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob.AsSpan()).ToArray();
}
