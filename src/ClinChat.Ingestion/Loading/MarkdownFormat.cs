using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ClinChat.Ingestion;

internal static class MarkdownFormat
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static async Task<SourceDocument> ReadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        var markdown = await File.ReadAllTextAsync(file.FullPath!, cancellationToken);
        var (frontMatter, body) = SplitFrontMatter(markdown.ReplaceLineEndings("\n"));

        var writer = new ParagraphWriter();
        string? firstTopHeading = null;
        foreach (var block in Markdown.Parse(body, Pipeline))
        {
            if (block is HeadingBlock { Level: 1 } heading)
            {
                firstTopHeading ??= TextNormalizer.NullIfBlank(InlineText(heading.Inline));
            }

            WriteBlock(block, writer);
        }

        frontMatter.Remove("title", out var title);
        frontMatter.Remove("url", out var url);
        return new SourceDocument(
            file.Id,
            TextNormalizer.NullIfBlank(title) ?? firstTopHeading ?? writer.FirstHeading ?? file.FileNameWithoutExtension,
            writer.ToString(),
            TextNormalizer.NullIfBlank(url),
            frontMatter,
            "markdown");
    }

    /// <summary>A leading <c>---</c> block of <c>key: value</c> lines; anything YAML-richer is ignored line by line.</summary>
    internal static (Dictionary<string, string> Values, string Body) SplitFrontMatter(string markdown)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = markdown.TrimStart('\uFEFF');
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            return (values, text);
        }

        var position = 4;
        while (position < text.Length)
        {
            var lineEnd = text.IndexOf('\n', position);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            var line = text[position..lineEnd].TrimEnd();
            position = Math.Min(lineEnd + 1, text.Length);
            if (line is "---" or "...")
            {
                return (values, text[position..]);
            }

            var colon = line.IndexOf(':');
            if (colon > 0 && !char.IsWhiteSpace(line[0]))
            {
                var key = line[..colon].Trim().ToLowerInvariant();
                var value = line[(colon + 1)..].Trim().Trim('"', '\'');
                if (value.Length > 0)
                {
                    values[key] = value;
                }
            }
        }

        // No closing fence: it was a thematic break, not front matter.
        return (new Dictionary<string, string>(StringComparer.Ordinal), text);
    }

    private static void WriteBlock(Block block, ParagraphWriter writer)
    {
        switch (block)
        {
            case HeadingBlock heading:
                writer.Heading(InlineText(heading.Inline));
                break;
            case ParagraphBlock paragraph:
                writer.Paragraph(InlineText(paragraph.Inline));
                break;
            case ListBlock list:
                foreach (var line in ListLines(list))
                {
                    writer.Line(line);
                }

                writer.EndLineGroup();
                break;
            case Table table:
                foreach (var row in table.OfType<TableRow>())
                {
                    writer.Line(string.Join(" | ", row.OfType<TableCell>().Select(CellText)));
                }

                writer.EndLineGroup();
                break;
            case CodeBlock code:
                foreach (var line in code.Lines.ToString().Split('\n'))
                {
                    writer.Line(line);
                }

                writer.EndLineGroup();
                break;
            case HtmlBlock:
            case LinkReferenceDefinitionGroup:
            case ThematicBreakBlock:
                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    WriteBlock(child, writer);
                }

                break;
        }
    }

    private static IEnumerable<string> ListLines(ListBlock list)
    {
        var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var marker = list.IsOrdered ? $"{number++}. " : "- ";
            foreach (var child in item)
            {
                if (child is ListBlock nested)
                {
                    foreach (var line in ListLines(nested))
                    {
                        yield return line;
                    }
                }
                else if (child is LeafBlock { Inline: not null } leaf)
                {
                    yield return marker + InlineText(leaf.Inline);
                    marker = "";
                }
            }
        }
    }

    private static string CellText(TableCell cell) =>
        TextNormalizer.CollapseWhitespace(string.Join(' ', cell.OfType<LeafBlock>().Select(b => InlineText(b.Inline))));

    private static string InlineText(ContainerInline? inlines)
    {
        var text = new StringBuilder();
        AppendInlines(inlines, text);
        return text.ToString();
    }

    private static void AppendInlines(ContainerInline? inlines, StringBuilder text)
    {
        if (inlines is null)
        {
            return;
        }

        foreach (var inline in inlines)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
                case LineBreakInline lineBreak:
                    text.Append(lineBreak.IsHard ? '\n' : ' ');
                    break;
                case AutolinkInline autolink:
                    text.Append(autolink.Url);
                    break;
                case HtmlEntityInline entity:
                    text.Append(entity.Transcoded.ToString());
                    break;
                case ContainerInline container:
                    AppendInlines(container, text);
                    break;
            }
        }
    }
}
