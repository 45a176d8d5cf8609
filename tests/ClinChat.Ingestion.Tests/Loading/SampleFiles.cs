using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PageSize = UglyToad.PdfPig.Content.PageSize;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace ClinChat.Ingestion.Tests;

/// <summary>Builders for synthetic documents in binary formats; all content is invented.</summary>
internal static class SampleFiles
{
    public static byte[] Pdf(string? title, params string[][] pages)
    {
        var builder = new PdfDocumentBuilder();
        if (title is not null)
        {
            builder.DocumentInformation.Title = title;
        }

        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            var y = 780.0;
            foreach (var line in lines)
            {
                page.AddText(line, 11, new PdfPoint(50, y), font);
                y -= 20;
            }
        }

        return builder.Build();
    }

    public static byte[] Docx(string? title, Action<Body> fill)
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            var body = new Body();
            fill(body);
            main.Document = new Document(body);
            if (title is not null)
            {
                word.PackageProperties.Title = title;
            }
        }

        return stream.ToArray();
    }

    public static Paragraph Paragraph(string text, string? style = null, bool listItem = false)
    {
        var paragraph = new Paragraph();
        if (style is not null || listItem)
        {
            var properties = new ParagraphProperties();
            if (style is not null)
            {
                properties.ParagraphStyleId = new ParagraphStyleId { Val = style };
            }

            if (listItem)
            {
                properties.NumberingProperties = new NumberingProperties(
                    new NumberingLevelReference { Val = 0 }, new NumberingId { Val = 1 });
            }

            paragraph.Append(properties);
        }

        paragraph.Append(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return paragraph;
    }

    public static Table Table(params string[][] rows) =>
        new(rows.Select(cells => new TableRow(cells.Select(c => new TableCell(Paragraph(c))))));

    public static string MedQuad(string id, string focus, string url, params (string Qid, string Type, string Question, string Answer)[] pairs)
    {
        var xmlPairs = string.Concat(pairs.Select((p, i) => $"""
                <QAPair pid="{i + 1}">
                    <Question qid="{p.Qid}" qtype="{p.Type}">{p.Question}</Question>
                    <Answer>{p.Answer}</Answer>
                </QAPair>
            """));
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Document id="{id}" source="SYNTH" url="{url}">
            <Focus>{focus}</Focus>
            <QAPairs>
            {xmlPairs}
            </QAPairs>
            </Document>
            """;
    }
}
