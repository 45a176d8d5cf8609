using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace ClinChat.Ingestion;

internal static class DocxFormat
{
    public static async Task<SourceDocument> ReadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(file.FullPath!, cancellationToken);
        using var stream = new MemoryStream(bytes, writable: false);
        using var word = WordprocessingDocument.Open(stream, isEditable: false);
        var body = word.MainDocumentPart?.Document?.Body
            ?? throw new UnreadableDocumentException("not a Word document (no document body)");

        var headingStyles = HeadingStyleIds(word.MainDocumentPart);
        var writer = new ParagraphWriter();
        WriteBlocks(body, writer, headingStyles);

        var title = TextNormalizer.NullIfBlank(word.PackageProperties.Title)
            ?? writer.FirstHeading
            ?? file.FileNameWithoutExtension;
        return new SourceDocument(file.Id, title, writer.ToString(), null, new Dictionary<string, string>(), "docx");
    }

    private static void WriteBlocks(OpenXmlElement container, ParagraphWriter writer, HashSet<string> headingStyles)
    {
        foreach (var element in container.ChildElements)
        {
            switch (element)
            {
                case Paragraph paragraph:
                    WriteParagraph(paragraph, writer, headingStyles);
                    break;
                case Table table:
                    writer.EndLineGroup();
                    foreach (var row in table.Elements<TableRow>())
                    {
                        var cells = row.Elements<TableCell>()
                            .Select(cell => TextNormalizer.CollapseWhitespace(
                                string.Join(' ', cell.Descendants<Paragraph>().Select(ParagraphText))))
                            .Where(cell => cell.Length > 0);
                        writer.Line(string.Join(" | ", cells));
                    }

                    writer.EndLineGroup();
                    break;
                case SdtBlock sdt when sdt.SdtContentBlock is { } content:
                    WriteBlocks(content, writer, headingStyles);
                    break;
            }
        }
    }

    private static void WriteParagraph(Paragraph paragraph, ParagraphWriter writer, HashSet<string> headingStyles)
    {
        var text = ParagraphText(paragraph);
        var properties = paragraph.ParagraphProperties;
        var styleId = properties?.ParagraphStyleId?.Val?.Value;
        // Outline level 9 is Word's "body text"; 0-8 are heading levels.
        if ((styleId is not null && headingStyles.Contains(styleId)) || properties?.OutlineLevel?.Val?.Value < 9)
        {
            writer.Heading(text);
        }
        else if (properties?.NumberingProperties is not null)
        {
            writer.Line("- " + text.Trim());
        }
        else
        {
            writer.Paragraph(text);
        }
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                // Only w:t: deleted text (w:delText) and field codes (w:instrText) are not what the reader sees.
                case Text run:
                    text.Append(run.Text);
                    break;
                case TabChar:
                    text.Append(' ');
                    break;
                case Break or CarriageReturn:
                    text.Append('\n');
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Style ids whose style name is "heading N" or "Title"; ids are localised, names are not.</summary>
    private static HashSet<string> HeadingStyleIds(MainDocumentPart main)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Title" };
        for (var level = 1; level <= 9; level++)
        {
            ids.Add($"Heading{level}");
        }

        var styles = main.StyleDefinitionsPart?.Styles?.Elements<Style>() ?? [];
        foreach (var style in styles)
        {
            var name = style.StyleName?.Val?.Value;
            if (style.StyleId?.Value is { } id && name is not null &&
                (name.StartsWith("heading", StringComparison.OrdinalIgnoreCase) ||
                 name.Equals("title", StringComparison.OrdinalIgnoreCase)))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
