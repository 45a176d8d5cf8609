using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace ClinChat.Ingestion;

/// <summary>
/// MedQuAD question-answer files (<c>&lt;Document id source url&gt;&lt;Focus/&gt;&lt;QAPairs/&gt;</c>): one document per
/// answered pair, id <c>medquad:&lt;collection&gt;/&lt;qid&gt;</c> where the collection is the folder holding the file.
/// </summary>
internal static class MedQuadFormat
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        Async = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
    };

    // A few NINDS files use an older lower-case schema for the same content.
    private static readonly Schema[] Schemas =
    [
        new("Document", "id", "source", "Focus", "QAPairs", "QAPair", "Question", "Answer"),
        new("doc", "docid", "corpus", "doctitle-focus", "qaPairs", "pair", "question", "answer"),
    ];

    public static async Task<IReadOnlyList<LoadedItem>> ReadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        XDocument xml;
        await using (var stream = new FileStream(
            file.FullPath!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 16384, useAsync: true))
        using (var reader = XmlReader.Create(stream, ReaderSettings))
        {
            xml = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken);
        }

        var root = xml.Root;
        var schema = Array.Find(Schemas, s => s.Root == root?.Name.LocalName);
        var pairs = schema is null ? null : root?.Element(schema.Pairs);
        if (root is null || schema is null || pairs is null)
        {
            throw new UnreadableDocumentException("unsupported XML (not a MedQuAD document)");
        }

        var collection = file.FolderName;
        var documentId = root.Attribute(schema.Id)?.Value.Trim() ?? "";
        var source = root.Attribute(schema.Source)?.Value.Trim() ?? "";
        var url = TextNormalizer.NullIfBlank(root.Attribute("url")?.Value);
        var focus = TextNormalizer.CollapseWhitespace(root.Element(schema.Focus)?.Value ?? "");
        var fileStem = file.FileNameWithoutExtension;

        var items = new List<LoadedItem>();
        foreach (var pair in pairs.Elements(schema.Pair))
        {
            var answer = NormalizeAnswer(pair.Element(schema.Answer)?.Value ?? "");
            if (answer.Length == 0)
            {
                continue;
            }

            var question = pair.Element(schema.Question);
            var pid = pair.Attribute("pid")?.Value.Trim();
            var qid = question?.Attribute("qid")?.Value.Trim();
            if (string.IsNullOrEmpty(qid))
            {
                qid = documentId.Length > 0 && !string.IsNullOrEmpty(pid) ? $"{documentId}-{pid}" : null;
            }

            var itemSource = $"{file.Id}#{pid ?? "?"}";
            if (qid is null)
            {
                items.Add(LoadedItem.Failed(itemSource, "QA pair without qid"));
                continue;
            }

            // Some CancerGov files (0000013_2_1.xml … _6) reuse their parent's document id and qids for different
            // diseases; the file name is what tells them apart.
            if (fileStem != documentId && documentId.Length > 0 && qid.StartsWith(documentId + "-", StringComparison.Ordinal))
            {
                qid = fileStem + qid[documentId.Length..];
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["question"] = TextNormalizer.CollapseWhitespace(question?.Value ?? ""),
                ["qtype"] = question?.Attribute("qtype")?.Value.Trim() ?? "",
                ["source"] = source,
                ["collection"] = collection,
                ["focus"] = focus,
            };
            var title = focus.Length > 0 ? focus : metadata["question"];
            var document = new SourceDocument($"medquad:{collection}/{qid}", title, answer, url, metadata, "medquad");
            items.Add(LoadedItem.Ok(itemSource, document));
        }

        if (items.Count == 0)
        {
            items.Add(LoadedItem.Failed(file.Id, "no answered questions"));
        }

        return items;
    }

    /// <summary>
    /// The answers were flattened from web pages: a run of spaces stands for a lost paragraph break after a sentence,
    /// for a lost line break before a bullet, or for a dropped character (an em dash) mid-sentence.
    /// </summary>
    internal static string NormalizeAnswer(string answer)
    {
        var result = new StringBuilder(answer.Length);
        foreach (var rawLine in answer.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                result.Append('\n');
                continue;
            }

            var i = 0;
            while (i < line.Length)
            {
                var c = line[i];
                if (!char.IsWhiteSpace(c))
                {
                    result.Append(c);
                    i++;
                    continue;
                }

                var runEnd = i;
                while (runEnd < line.Length && char.IsWhiteSpace(line[runEnd]))
                {
                    runEnd++;
                }

                var runLength = runEnd - i;
                if (runLength >= 2 && IsBulletAt(line, runEnd))
                {
                    result.Append('\n');
                }
                else if (runLength >= 2 && EndsSentence(line, i))
                {
                    result.Append("\n\n");
                }
                else
                {
                    result.Append(' ');
                }

                i = runEnd;
            }

            result.Append('\n');
        }

        return TextNormalizer.Normalize(CollapseBulletSpacing(result.ToString()));
    }

    private static bool IsBulletAt(string line, int index) =>
        index + 1 < line.Length && line[index] is '-' or '*' or '•' && char.IsWhiteSpace(line[index + 1]);

    private static bool EndsSentence(string line, int spaceIndex)
    {
        var i = spaceIndex - 1;
        while (i >= 0 && line[i] is '"' or '\'' or ')' or '”' or '’')
        {
            i--;
        }

        return i >= 0 && line[i] is '.' or '?' or '!' or ':';
    }

    private static string CollapseBulletSpacing(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 2 && line[0] is '-' or '*' or '•' && char.IsWhiteSpace(line[1]))
            {
                lines[i] = "- " + line[1..].TrimStart();
            }
        }

        return string.Join('\n', lines);
    }

    private sealed record Schema(
        string Root, string Id, string Source, string Focus, string Pairs, string Pair, string Question, string Answer);
}
