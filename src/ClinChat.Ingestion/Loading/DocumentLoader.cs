using System.Runtime.CompilerServices;

namespace ClinChat.Ingestion;

/// <summary>
/// Reads files and folders into <see cref="SourceDocument"/>s. Every problem with a file (or with one line of a corpus
/// file) becomes a failed <see cref="LoadedItem"/>; the batch always runs to the end.
/// </summary>
public sealed class DocumentLoader
{
    /// <summary>Number of files <see cref="LoadAsync"/> will read (a missing path counts as one), for progress totals.</summary>
    public int CountSources(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return SourceFile.Enumerate(paths).Count();
    }

    /// <summary>
    /// Loads files, and folders recursively in ordinal path order. Ids are paths relative to the ingested folder
    /// (forward slashes), the file name for a file given directly, or the id the corpus format carries.
    /// </summary>
    public async IAsyncEnumerable<LoadedItem> LoadAsync(
        IReadOnlyList<string> paths,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);

        // Ids key the index downstream; a second document with the same id would silently replace the first.
        var seenIds = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var file in SourceFile.Enumerate(paths))
        {
            cancellationToken.ThrowIfCancellationRequested();

            if (file.FullPath is null)
            {
                yield return LoadedItem.Failed(file.Id, "file or folder not found");
                continue;
            }

            await foreach (var item in LoadFileAsync(file, cancellationToken))
            {
                if (item.Document is { } document && !seenIds.TryAdd(document.Id, item.Source))
                {
                    yield return LoadedItem.Failed(
                        item.Source, $"duplicate document id '{document.Id}' (first loaded from {seenIds[document.Id]})");
                    continue;
                }

                yield return item;
            }
        }
    }

    private static async IAsyncEnumerable<LoadedItem> LoadFileAsync(
        SourceFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(file.Id).ToLowerInvariant();
        switch (extension)
        {
            case ".jsonl":
                await foreach (var item in JsonlFormat.ReadAsync(file, cancellationToken))
                {
                    yield return item;
                }

                yield break;

            case ".xml":
                foreach (var item in await ReadMedQuadAsync(file, cancellationToken))
                {
                    yield return item;
                }

                yield break;

            case ".txt":
                yield return await ReadSingleAsync(file, PlainTextFormat.ReadAsync, cancellationToken);
                yield break;

            case ".md" or ".markdown":
                yield return await ReadSingleAsync(file, MarkdownFormat.ReadAsync, cancellationToken);
                yield break;

            case ".html" or ".htm":
                yield return await ReadSingleAsync(file, HtmlFormat.ReadAsync, cancellationToken);
                yield break;

            case ".pdf":
                yield return await ReadSingleAsync(file, PdfFormat.ReadAsync, cancellationToken);
                yield break;

            case ".docx":
                yield return await ReadSingleAsync(file, DocxFormat.ReadAsync, cancellationToken);
                yield break;

            default:
                var shown = extension.Length > 0 ? extension : "(no extension)";
                yield return LoadedItem.Failed(file.Id, $"unsupported file type {shown}");
                yield break;
        }
    }

    private static async Task<LoadedItem> ReadSingleAsync(
        SourceFile file,
        Func<SourceFile, CancellationToken, Task<SourceDocument>> read,
        CancellationToken cancellationToken)
    {
        try
        {
            var document = await read(file, cancellationToken);
            return document.Text.Length == 0
                ? LoadedItem.Failed(file.Id, "no text")
                : LoadedItem.Ok(file.Id, document);
        }
        catch (Exception exception) when (IsFileProblem(exception))
        {
            return LoadedItem.Failed(file.Id, Describe(exception, file));
        }
    }

    private static async Task<IReadOnlyList<LoadedItem>> ReadMedQuadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        try
        {
            return await MedQuadFormat.ReadAsync(file, cancellationToken);
        }
        catch (Exception exception) when (IsFileProblem(exception))
        {
            return [LoadedItem.Failed(file.Id, Describe(exception, file))];
        }
    }

    // The parsers (PdfPig, Open XML SDK, XmlReader) throw a wide and undocumented range of exception types on malformed
    // input. Each one is reported as a failed item for that file, so one bad file cannot stop a batch; cancellation
    // is not a file problem and propagates.
    internal static bool IsFileProblem(Exception exception) =>
        exception is not (OperationCanceledException or OutOfMemoryException);

    internal static string Describe(Exception exception, SourceFile file)
    {
        var format = Path.GetExtension(file.Id).TrimStart('.').ToUpperInvariant();
        return exception switch
        {
            UnreadableDocumentException unreadable => unreadable.Message,
            FileNotFoundException or DirectoryNotFoundException => "file not found",
            UnauthorizedAccessException => "access denied",
            System.Xml.XmlException xml => $"malformed XML: {FirstLine(xml.Message)}",
            IOException io => $"could not read file: {FirstLine(io.Message)}",
            _ => $"not a readable {format} file: {FirstLine(exception.Message)}",
        };
    }

    private static string FirstLine(string message)
    {
        const int MaxLength = 200;
        var line = message.AsSpan();
        var newline = line.IndexOfAny('\r', '\n');
        if (newline >= 0)
        {
            line = line[..newline];
        }

        return line.Length <= MaxLength ? line.ToString() : string.Concat(line[..MaxLength], "…");
    }
}

/// <summary>A file problem with a message fit for a report as it is.</summary>
internal sealed class UnreadableDocumentException(string message) : Exception(message);
