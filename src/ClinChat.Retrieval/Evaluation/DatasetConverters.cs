using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ClinChat.Retrieval.Evaluation;

public sealed record CorpusLine(string Id, string Title, string Text, string? Url, IReadOnlyDictionary<string, string> Metadata);

public sealed record QueryLine(string Qid, string Question, IReadOnlyList<string> GoldIds);

/// <summary>Turns public data sets into the corpus and query files that <c>clinchat eval</c> reads.</summary>
public static partial class DatasetConverters
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// MedQuAD: one corpus line per answered pair (title = the focus, text = the answer, never the question, which would
    /// make retrieval trivially easy); queries are the distinct question strings, each with every pair answering it as gold.
    /// </summary>
    public static (List<CorpusLine> Documents, List<QueryLine> Queries) ConvertMedQuad(string xmlFolder, IReadOnlyList<string> collectionPrefixes, int sample, int seed, CancellationToken cancellationToken)
    {
        var documents = new List<CorpusLine>();
        var byQuestion = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var collectionDir in Directory.GetDirectories(xmlFolder).Order(StringComparer.Ordinal))
        {
            var collection = Path.GetFileName(collectionDir);
            if (!collectionPrefixes.Any(p => collection.StartsWith(p + "_", StringComparison.Ordinal) || collection == p))
            {
                continue;
            }

            foreach (var file in Directory.GetFiles(collectionDir, "*.xml").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                XDocument xml;
                try
                {
                    xml = XDocument.Load(file);
                }
                catch (System.Xml.XmlException)
                {
                    continue;
                }

                var root = xml.Root!;
                var documentId = root.Attribute("id")?.Value ?? "";
                var fileStem = Path.GetFileNameWithoutExtension(file);
                var focus = Space(root.Element("Focus")?.Value ?? "");
                var url = root.Attribute("url")?.Value;
                foreach (var pair in root.Descendants("QAPair"))
                {
                    var question = pair.Element("Question");
                    var answer = Space(pair.Element("Answer")?.Value ?? "");
                    var qid = question?.Attribute("qid")?.Value;
                    if (question is null || qid is null || answer.Length == 0)
                    {
                        continue;
                    }

                    // A few CancerGov files reuse their parent's question ids; the file name keeps ids unique (as the loader does).
                    var localId = fileStem != documentId && qid.StartsWith(documentId, StringComparison.Ordinal)
                        ? fileStem + qid[documentId.Length..]
                        : qid;
                    var id = $"medquad:{collection}/{localId}";
                    documents.Add(new CorpusLine(id, focus, answer, url, new Dictionary<string, string> { ["collection"] = collection }));
                    var text = Space(question.Value);
                    if (!byQuestion.TryGetValue(text, out var gold))
                    {
                        byQuestion[text] = gold = [];
                    }

                    gold.Add(id);
                }
            }
        }

        var queries = byQuestion.OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select((q, i) => new QueryLine($"mq{i:D5}", q.Key, q.Value))
            .ToList();
        if (sample > 0 && sample < queries.Count)
        {
            var random = new Random(seed);
            queries = queries.OrderBy(_ => random.Next()).Take(sample).OrderBy(q => q.Qid, StringComparer.Ordinal).ToList();
        }

        return (documents, queries);
    }

    /// <summary>PubMedQA: one document per abstract (its passages in order); each question's gold is its own abstract.</summary>
    public static (List<CorpusLine> Documents, List<QueryLine> Queries) ConvertPubMedQa(string folder, CancellationToken cancellationToken)
    {
        var passages = new Dictionary<string, List<(int Order, string Text)>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(folder, "corpus.jsonl")))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var pmid = root.GetProperty("pmid").ToString();
            var passageId = root.GetProperty("passage_id").GetString() ?? "";
            var order = int.TryParse(passageId[(passageId.LastIndexOf('_') + 1)..], out var o) ? o : 0;
            if (!passages.TryGetValue(pmid, out var list))
            {
                passages[pmid] = list = [];
            }

            list.Add((order, root.GetProperty("text").GetString() ?? ""));
        }

        var documents = passages.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new CorpusLine(
                $"pubmed:{p.Key}",
                $"PubMed {p.Key}",
                string.Join("\n\n", p.Value.OrderBy(x => x.Order).Select(x => x.Text)),
                $"https://pubmed.ncbi.nlm.nih.gov/{p.Key}/",
                new Dictionary<string, string>()))
            .ToList();

        var queries = new List<QueryLine>();
        foreach (var line in File.ReadLines(Path.Combine(folder, "queries.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            queries.Add(new QueryLine(root.GetProperty("qid").ToString(), root.GetProperty("question").GetString() ?? "", [$"pubmed:{root.GetProperty("gold_pmid")}"]));
        }

        return (documents, queries);
    }

    public static void Write(string folder, IEnumerable<CorpusLine> documents, IEnumerable<QueryLine> queries)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "corpus.jsonl"), documents.Select(d => JsonSerializer.Serialize(
            new { id = d.Id, title = d.Title, text = d.Text, url = d.Url, metadata = d.Metadata }, Json)));
        File.WriteAllLines(Path.Combine(folder, "queries.jsonl"), queries.Select(q => JsonSerializer.Serialize(
            new { qid = q.Qid, question = q.Question, gold_ids = q.GoldIds }, Json)));
    }

    private static string Space(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
