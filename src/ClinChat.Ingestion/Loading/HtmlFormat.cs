using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ClinChat.Ingestion;

internal static class HtmlFormat
{
    private const string Dropped = "script, style, nav, header, footer, noscript, template, iframe, svg";

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "aside", "blockquote", "ul", "ol", "dl", "dt", "dd", "table",
        "thead", "tbody", "tfoot", "figure", "figcaption", "address", "hr", "form", "fieldset", "details", "summary",
        "center", "caption",
    };

    public static async Task<SourceDocument> ReadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        var html = await File.ReadAllTextAsync(file.FullPath!, cancellationToken);
        using var document = new HtmlParser().ParseDocument(html);

        foreach (var element in document.QuerySelectorAll(Dropped).ToList())
        {
            element.Remove();
        }

        var writer = new HtmlTextWriter();
        writer.Walk(document.Body ?? document.DocumentElement);

        var title = TextNormalizer.NullIfBlank(document.Title)
            ?? TextNormalizer.NullIfBlank(document.QuerySelector("h1")?.TextContent)
            ?? file.FileNameWithoutExtension;
        var url = TextNormalizer.NullIfBlank(document.QuerySelector("link[rel=canonical]")?.GetAttribute("href"))
            ?? TextNormalizer.NullIfBlank(document.QuerySelector("meta[property='og:url']")?.GetAttribute("content"));

        return new SourceDocument(file.Id, title, writer.ToString(), url, new Dictionary<string, string>(), "html");
    }

    /// <summary>Inline content gathers into the pending block; a block element boundary flushes it.</summary>
    private sealed class HtmlTextWriter
    {
        private readonly ParagraphWriter _writer = new();
        private readonly StringBuilder _pending = new();
        private int _listDepth;
        private string? _itemMarker;

        public void Walk(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                switch (child)
                {
                    case IText text:
                        // Source line breaks are layout, not content; only <br> makes a line break.
                        foreach (var c in text.Data)
                        {
                            _pending.Append(char.IsWhiteSpace(c) ? ' ' : c);
                        }

                        break;
                    case IElement element:
                        WalkElement(element);
                        break;
                }
            }
        }

        public override string ToString()
        {
            Flush();
            return _writer.ToString();
        }

        private void WalkElement(IElement element)
        {
            switch (element.LocalName)
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    Flush();
                    _writer.Heading(element.TextContent);
                    break;
                case "br":
                    _pending.Append('\n');
                    break;
                case "pre":
                    Flush();
                    foreach (var line in element.TextContent.Split('\n'))
                    {
                        _writer.Line(line);
                    }

                    _writer.EndLineGroup();
                    break;
                case "tr":
                    Flush();
                    var cells = element.Children
                        .Where(c => c.LocalName is "td" or "th")
                        .Select(c => TextNormalizer.CollapseWhitespace(c.TextContent))
                        .Where(c => c.Length > 0);
                    _writer.Line(string.Join(" | ", cells));
                    break;
                case "table":
                    Flush();
                    Walk(element);
                    _writer.EndLineGroup();
                    break;
                case "ul" or "ol":
                    Flush();
                    _listDepth++;
                    Walk(element);
                    _listDepth--;
                    Flush();
                    if (_listDepth == 0)
                    {
                        _writer.EndLineGroup();
                    }

                    break;
                case "li":
                    Flush();
                    _itemMarker = "- ";
                    Walk(element);
                    Flush();
                    break;
                default:
                    if (BlockElements.Contains(element.LocalName))
                    {
                        Flush();
                        Walk(element);
                        Flush();
                    }
                    else
                    {
                        Walk(element);
                    }

                    break;
            }
        }

        private void Flush()
        {
            var text = TextNormalizer.CollapseWhitespaceKeepLines(_pending.ToString());
            _pending.Clear();
            if (text.Length == 0)
            {
                return;
            }

            if (_listDepth > 0)
            {
                _writer.Line((_itemMarker ?? "") + text);
                _itemMarker = null;
            }
            else
            {
                _writer.Paragraph(text);
            }
        }
    }
}
