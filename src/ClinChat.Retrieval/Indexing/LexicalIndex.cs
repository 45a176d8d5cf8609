using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using ClinChat.Storage;

namespace ClinChat.Retrieval.Indexing;

/// <summary>BM25 over chunks (Lucene.NET), title and text as separate fields. Kept in memory, rebuilt from storage.</summary>
public sealed class LexicalIndex : IDisposable
{
    private const string KeyField = "key";
    private const string DocumentField = "doc";
    private const string TitleField = "title";
    private const string TextField = "text";

    private readonly ClinicalAnalyzer _analyzer = new();
    private readonly RAMDirectory _directory = new();
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Similarity _similarity = new BM25Similarity(1.2f, 0.75f);

    public LexicalIndex()
    {
        var config = new IndexWriterConfig(ClinicalAnalyzer.Version, _analyzer)
        {
            Similarity = _similarity,
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = 64,
        };
        _writer = new IndexWriter(_directory, config);
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, new SimilarityFactory(_similarity));
    }

    public ClinicalAnalyzer Analyzer => _analyzer;

    public void Add(IndexedChunk chunk)
    {
        var document = new Document
        {
            new StringField(KeyField, chunk.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES),
            new StringField(DocumentField, chunk.DocumentId, Field.Store.YES),
            new TextField(TitleField, chunk.Title, Field.Store.NO),
            new TextField(TextField, (chunk.Section is null ? "" : chunk.Section + "\n") + chunk.Text, Field.Store.NO),
        };
        _writer.AddDocument(document);
    }

    public void DeleteDocument(string documentId) => _writer.DeleteDocuments(new Term(DocumentField, documentId));

    /// <summary>Makes added and deleted chunks visible to searches.</summary>
    public void Refresh()
    {
        _writer.Commit();
        _searchers.MaybeRefreshBlocking();
    }

    /// <summary>Weighted terms (from the question and its expansions) → chunk keys with BM25 scores, best first.</summary>
    public IReadOnlyList<(long Key, string DocumentId, float Score)> Search(IReadOnlyList<(string Term, float Weight)> terms, int top, float titleBoost)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        var query = new BooleanQuery();
        foreach (var (term, weight) in terms)
        {
            query.Add(new TermQuery(new Term(TextField, term)) { Boost = weight }, Occur.SHOULD);
            query.Add(new TermQuery(new Term(TitleField, term)) { Boost = weight * titleBoost }, Occur.SHOULD);
        }

        var searcher = _searchers.Acquire();
        try
        {
            var hits = searcher.Search(query, top).ScoreDocs;
            var results = new List<(long, string, float)>(hits.Length);
            foreach (var hit in hits)
            {
                var stored = searcher.Doc(hit.Doc);
                results.Add((long.Parse(stored.Get(KeyField), System.Globalization.CultureInfo.InvariantCulture), stored.Get(DocumentField), hit.Score));
            }

            return results;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>
    /// How specific a term is in this knowledge base: BM25's inverse document frequency over chunk text, highest for a
    /// term no chunk contains.
    /// </summary>
    public float Rarity(string term)
    {
        var searcher = _searchers.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var documents = reader.NumDocs;
            var frequency = reader.DocFreq(new Term(TextField, term));
            return (float)Math.Log(1 + ((documents - frequency + 0.5) / (frequency + 0.5)));
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }

    private sealed class SimilarityFactory(Similarity similarity) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = similarity };
    }
}
