using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace ClinChat.Ingestion;

internal static class PdfFormat
{
    public static async Task<SourceDocument> ReadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(file.FullPath!, cancellationToken);
        // PdfPig is lenient enough to "open" some non-PDF bytes; the header check gives a clear message instead.
        if (bytes.AsSpan(0, Math.Min(bytes.Length, 1024)).IndexOf("%PDF-"u8) < 0)
        {
            throw new UnreadableDocumentException("not a PDF file (no %PDF header)");
        }

        try
        {
            using var pdf = PdfDocument.Open(bytes);
            var text = new StringBuilder();
            foreach (var page in pdf.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();
                text.Append(ContentOrderTextExtractor.GetText(page)).Append("\n\n");
            }

            var body = TextNormalizer.Normalize(text.ToString());
            var title = TextNormalizer.NullIfBlank(pdf.Information.Title)
                ?? TextNormalizer.ShortFirstLine(body)
                ?? file.FileNameWithoutExtension;
            return new SourceDocument(file.Id, title, body, null, new Dictionary<string, string>(), "pdf");
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new UnreadableDocumentException("encrypted PDF");
        }
    }
}
