namespace ClinChat.Ingestion;

/// <summary>
/// A document as read from its source, before chunking. <see cref="Text"/> is the canonical text that chunks
/// and citations quote from verbatim; sections are separated by blank lines and headings kept as their own lines.
/// </summary>
/// <param name="Id">Stable id: the JSONL id, the MedQuAD id, or the file path relative to the ingested folder.</param>
/// <param name="Format">text, markdown, html, pdf, docx, jsonl or medquad.</param>
public sealed record SourceDocument(
    string Id,
    string Title,
    string Text,
    string? Url,
    IReadOnlyDictionary<string, string> Metadata,
    string Format);

/// <summary>One outcome of loading: a document, or an error about one file (or one line of a corpus file).</summary>
/// <param name="Source">The file (and line, for corpus files) the item came from, for reports.</param>
public sealed record LoadedItem(string Source, SourceDocument? Document, string? Error)
{
    public static LoadedItem Ok(string source, SourceDocument document) => new(source, document, null);

    public static LoadedItem Failed(string source, string error) => new(source, null, error);
}

/// <summary>A passage of a document: <c>document.Text.Substring(Start, Length) == Text</c> always holds.</summary>
public sealed record TextChunk(int Ordinal, int Start, int Length, string Text, string? Section);
