using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClinChat.Ingestion;
using ClinChat.Retrieval.Embeddings;
using ClinChat.Retrieval.Indexing;
using ClinChat.Storage;

namespace ClinChat.Retrieval.Knowledge;

public sealed record IngestionProgress(int Processed, int Total, string Source);

/// <summary>The verdict of a document screen: store the document (possibly rewritten), or reject it with a reason.</summary>
public sealed record ScreeningVerdict(SourceDocument? Document, string? Rejection)
{
    public static ScreeningVerdict Accept(SourceDocument document) => new(document, null);

    public static ScreeningVerdict Reject(string reason) => new(null, reason);
}

/// <summary>A check every document passes before it is chunked, embedded or stored (PHI policy, for one).</summary>
public delegate ScreeningVerdict DocumentScreen(SourceDocument document);

public sealed record IngestionReport(int Added, int Updated, int Skipped, int Failed, IReadOnlyList<string> Errors, IReadOnlyList<string> DocumentIds, int ChunksWritten)
{
    public int Total => Added + Updated + Skipped + Failed;
}

/// <summary>
/// Writes documents into the knowledge base: load, chunk, embed (batched, cached), store, then let the
/// indexes catch up. A bad file is reported and skipped; what is already stored is never touched by it.
/// </summary>
public sealed class KnowledgeBase(
    IKnowledgeStore store,
    KnowledgeIndex index,
    CachingEmbeddingGenerator embeddings,
    TextChunker chunker,
    TimeProvider time,
    IKnowledgeChangePublisher? changes = null)
{
    private const int EmbeddingBatchChunks = 64;

    public IKnowledgeStore Store => store;

    public KnowledgeIndex Index => index;

    public Task<IngestionReport> IngestPathsAsync(
        IReadOnlyList<string> paths, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken, DocumentScreen? screen = null)
    {
        var loader = new DocumentLoader();
        return IngestAsync(loader.LoadAsync(paths, cancellationToken), ProgressUnits(paths), progress, cancellationToken, screen);
    }

    public async Task<IngestionReport> IngestAsync(
        IAsyncEnumerable<LoadedItem> items,
        int total,
        IProgress<IngestionProgress>? progress,
        CancellationToken cancellationToken,
        DocumentScreen? screen = null)
    {
        var added = 0;
        var updated = 0;
        var skipped = 0;
        var errors = new List<string>();
        var ids = new List<string>();
        var pending = new List<Prepared>();
        var pendingChunks = 0;
        var processed = 0;
        var chunksWritten = 0;
        string? lastFile = null;

        async Task FlushAsync()
        {
            if (pending.Count == 0)
            {
                return;
            }

            var written = added + updated;

            // Vectors land in the store's cache before the chunks that reference them, so readers never see a chunk without one.
            await embeddings.EmbedPassagesAsync(pending.SelectMany(p => p.EmbeddingTexts).ToList(), cancellationToken);
            foreach (var prepared in pending)
            {
                switch (await store.UpsertDocumentAsync(prepared.Document, prepared.Chunks, cancellationToken))
                {
                    case UpsertOutcome.Added:
                        added++;
                        chunksWritten += prepared.Chunks.Count;
                        break;
                    case UpsertOutcome.Updated:
                        updated++;
                        chunksWritten += prepared.Chunks.Count;
                        break;
                    default:
                        skipped++;
                        break;
                }
            }

            pending.Clear();
            pendingChunks = 0;
            if (added + updated > written)
            {
                await PublishAsync(cancellationToken);
            }
        }

        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            // Progress counts corpus lines one by one and every other file once, whatever it holds.
            var file = SourceFile(item.Source);
            if (item.Source.Contains(".jsonl:", StringComparison.OrdinalIgnoreCase) || file != lastFile)
            {
                processed++;
                lastFile = file;
            }

            var document = item.Document;
            var error = item.Error;
            if (document is not null && screen is not null)
            {
                var verdict = screen(document);
                document = verdict.Document;
                error = verdict.Rejection;
            }

            if (document is null)
            {
                errors.Add($"{item.Source}: {error}");
                progress?.Report(new IngestionProgress(processed, Math.Max(total, processed), item.Source));
                continue;
            }

            ids.Add(document.Id);
            var hash = ContentHash(document);
            if (await store.GetContentHashAsync(document.Id, cancellationToken) == hash
                || pending.Any(p => p.Document.Id == document.Id && p.Document.ContentHash == hash))
            {
                skipped++;
            }
            else
            {
                var prepared = Prepare(document, hash);
                pending.Add(prepared);
                pendingChunks += prepared.Chunks.Count;
                if (pendingChunks >= EmbeddingBatchChunks)
                {
                    await FlushAsync();
                }
            }

            progress?.Report(new IngestionProgress(processed, Math.Max(total, processed), item.Source));
        }

        await FlushAsync();
        if (index.IsLoaded)
        {
            await index.CatchUpAsync(cancellationToken);
        }

        return new IngestionReport(added, updated, skipped, errors.Count, errors, ids, chunksWritten);
    }

    public async Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        var removed = await store.DeleteDocumentAsync(documentId, cancellationToken);
        if (removed && index.IsLoaded)
        {
            await index.CatchUpAsync(cancellationToken);
        }

        if (removed)
        {
            await PublishAsync(cancellationToken);
        }

        return removed;
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (changes is not null)
        {
            await changes.PublishAsync((await store.GetStatsAsync(cancellationToken)).ChangeSequence, cancellationToken);
        }
    }

    /// <summary>Progress units of a set of paths: one per corpus line (JSONL), one per other file.</summary>
    public static int ProgressUnits(IReadOnlyList<string> paths)
    {
        var units = 0;
        foreach (var path in paths)
        {
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                : [path];
            foreach (var file in files)
            {
                units += file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && File.Exists(file)
                    ? Math.Max(1, File.ReadLines(file).Count(l => l.Length > 0))
                    : 1;
            }
        }

        return units;
    }

    private static string SourceFile(string source)
    {
        var cut = source.IndexOfAny([':', '#']);
        return cut > 0 ? source[..cut] : source;
    }

    /// <summary>The text a chunk is embedded and matched as: its document title and section travel with it.</summary>
    public static string EmbeddingText(string title, string? section, string text) =>
        section is null || section == title || text.StartsWith(section, StringComparison.Ordinal)
            ? title + "\n" + text
            : title + "\n" + section + "\n" + text;

    public static string ContentHash(SourceDocument document)
    {
        var canonical = JsonSerializer.Serialize(new { document.Title, document.Url, document.Text, document.Format, Metadata = document.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal) });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private Prepared Prepare(SourceDocument document, string hash)
    {
        var chunks = chunker.Split(document);
        var texts = chunks.Select(c => EmbeddingText(document.Title, c.Section, c.Text)).ToList();
        var records = chunks.Select((c, i) => new ChunkRecord(c.Ordinal, c.Start, c.Length, c.Text, c.Section, embeddings.KeyFor(texts[i]))).ToList();
        var stored = new StoredDocument(document.Id, document.Title, document.Url, document.Format, hash, document.Text, document.Metadata, time.GetUtcNow());
        return new Prepared(stored, records, texts);
    }

    private sealed record Prepared(StoredDocument Document, IReadOnlyList<ChunkRecord> Chunks, IReadOnlyList<string> EmbeddingTexts);
}
