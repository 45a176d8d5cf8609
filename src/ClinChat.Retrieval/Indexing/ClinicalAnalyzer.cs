using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Pattern;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace ClinChat.Retrieval.Indexing;

/// <summary>
/// BM25 analysis that keeps clinical tokens whole: <c>HbA1c</c>, <c>COVID-19</c>, <c>5-FU</c>, <c>T2DM</c> stay one
/// term (hyphenated compounds also index their parts), and only purely alphabetic words are stemmed, so lab names,
/// drug codes and doses are not mangled by the Porter stemmer.
/// </summary>
public sealed class ClinicalAnalyzer : Analyzer
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;

    // Letters/digits joined by inner hyphens, slashes, dots or apostrophes form one token ("5-FU", "2.5", "COVID-19").
    private static readonly System.Text.RegularExpressions.Regex TokenPattern =
        new(@"[\p{L}\p{N}]+(?:[-./'][\p{L}\p{N}]+)*", System.Text.RegularExpressions.RegexOptions.Compiled);

    private static readonly CharArraySet StopWords = StopFilter.MakeStopSet(Version,
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
        "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
        "what", "which", "who", "whom", "how", "do", "does", "can", "i", "me", "my", "you", "your", "we", "our", "about",
        "should", "would", "could", "have", "has", "had", "been", "being", "am", "were", "its", "from", "so", "than",
    ]);

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new PatternTokenizer(reader, TokenPattern, group: 0);
        TokenStream stream = new WordDelimiterFilter(Version, source,
            WordDelimiterFlags.GENERATE_WORD_PARTS | WordDelimiterFlags.GENERATE_NUMBER_PARTS | WordDelimiterFlags.PRESERVE_ORIGINAL
                | WordDelimiterFlags.STEM_ENGLISH_POSSESSIVE,
            protWords: null);
        stream = new LowerCaseFilter(Version, stream);
        stream = new StopFilter(Version, stream, StopWords);
        stream = new EnglishPossessiveFilter(Version, stream);
        stream = new SpellingFilter(stream);
        stream = new NonAlphabeticKeywordFilter(stream);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }

    /// <summary>The analysed terms of a text, in order (used to build queries without a query syntax).</summary>
    public IReadOnlyList<string> Terms(string text)
    {
        var terms = new List<string>();
        using var stream = GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }

    /// <summary>Folds common British medical spellings into American ones so either finds both.</summary>
    private sealed class SpellingFilter : TokenFilter
    {
        private static readonly (string From, string To)[] Prefixes =
        [
            ("haem", "hem"), ("anaes", "anes"), ("paed", "ped"), ("oedem", "edem"), ("oesoph", "esoph"),
            ("oestr", "estr"), ("orthopaed", "orthoped"), ("gynaec", "gynec"), ("foet", "fet"), ("caesar", "cesar"),
            ("diarrhoe", "diarrhe"), ("dyspnoe", "dyspne"), ("apnoe", "apne"), ("coeliac", "celiac"),
        ];

        private static readonly (string From, string To)[] Infixes = [("aemi", "emi"), ("haem", "hem"), ("aesthe", "esthe")];

        private static readonly (string From, string To)[] Suffixes =
        [
            ("tumour", "tumor"), ("tumours", "tumors"), ("behaviour", "behavior"), ("colour", "color"), ("labour", "labor"),
            ("odour", "odor"), ("fibre", "fiber"), ("litre", "liter"), ("litres", "liters"), ("centre", "center"),
        ];

        private readonly ICharTermAttribute _term;

        public SpellingFilter(TokenStream input)
            : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
        }

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            var text = _term.ToString();
            var folded = Fold(text);
            if (!ReferenceEquals(folded, text))
            {
                _term.SetEmpty().Append(folded);
            }

            return true;
        }

        internal static string Fold(string text)
        {
            foreach (var (from, to) in Suffixes)
            {
                if (text.EndsWith(from, StringComparison.Ordinal))
                {
                    return text[..^from.Length] + to;
                }
            }

            var result = text;
            foreach (var (from, to) in Prefixes)
            {
                if (result.StartsWith(from, StringComparison.Ordinal))
                {
                    result = to + result[from.Length..];
                    break;
                }
            }

            foreach (var (from, to) in Infixes)
            {
                if (result.Contains(from, StringComparison.Ordinal))
                {
                    result = result.Replace(from, to, StringComparison.Ordinal);
                }
            }

            return result == text ? text : result;
        }
    }

    /// <summary>Marks tokens with digits or inner punctuation as keywords so the stemmer leaves them alone.</summary>
    private sealed class NonAlphabeticKeywordFilter : TokenFilter
    {
        private readonly ICharTermAttribute _term;
        private readonly IKeywordAttribute _keyword;

        public NonAlphabeticKeywordFilter(TokenStream input)
            : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _keyword = AddAttribute<IKeywordAttribute>();
        }

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            var buffer = _term.Buffer;
            for (var i = 0; i < _term.Length; i++)
            {
                if (!char.IsLetter(buffer[i]))
                {
                    _keyword.IsKeyword = true;
                    break;
                }
            }

            return true;
        }
    }
}
