using System.Text;

namespace ClinChat.Ingestion;

/// <summary>
/// Assembles structured formats (HTML, Markdown, DOCX) into the canonical text layout: blocks separated by a blank line,
/// headings as a line of their own, list items and table rows as consecutive lines of one block.
/// The layout is what <see cref="TextChunker"/> reads sections and headings back from.
/// </summary>
internal sealed class ParagraphWriter
{
    private readonly StringBuilder _text = new();
    private bool _inLineGroup;

    public string? FirstHeading { get; private set; }

    public void Heading(string text)
    {
        var heading = TextNormalizer.CollapseWhitespace(text);
        if (heading.Length == 0)
        {
            return;
        }

        FirstHeading ??= heading;
        Paragraph(heading);
    }

    public void Paragraph(string text)
    {
        var paragraph = TextNormalizer.CollapseWhitespaceKeepLines(text);
        if (paragraph.Length == 0)
        {
            return;
        }

        _inLineGroup = false;
        StartBlock();
        _text.Append(paragraph);
    }

    /// <summary>A line that belongs with the lines written just before it (a list item, a table row).</summary>
    public void Line(string text)
    {
        var line = TextNormalizer.CollapseWhitespaceKeepLines(text);
        if (line.Length == 0)
        {
            return;
        }

        if (_inLineGroup)
        {
            _text.Append('\n');
        }
        else
        {
            StartBlock();
            _inLineGroup = true;
        }

        _text.Append(line);
    }

    public void EndLineGroup() => _inLineGroup = false;

    public override string ToString() => TextNormalizer.Normalize(_text.ToString());

    private void StartBlock()
    {
        if (_text.Length > 0)
        {
            _text.Append("\n\n");
        }
    }
}
