using ClinChat.Ingestion;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Search;

namespace ClinChat.Retrieval.Answering;

/// <summary>
/// The extractive answerer: picks the sentences of the top passages that best answer the question and cites each.
/// Every sentence of an answer is a verbatim sentence of a cited passage; nothing is paraphrased or invented.
/// </summary>
/// <remarks>
/// Evidence is the better of the top hit's dense similarity and a blend with the share of the question's content terms
/// its passage contains; below <see cref="AnswerOptions.MinEvidence"/> ClinChat abstains.
/// </remarks>
/// <param name="rarity">How specific a question term is in the knowledge base (<see cref="Indexing.LexicalIndex.Rarity"/>);
/// when given, coverage weighs each term by it, so a question whose specific terms no passage contains ("MMR" in a
/// base without vaccination cards) is not carried by its common ones ("dose", "children", "age").</param>
public sealed class AnswerComposer(ClinicalAnalyzer analyzer, AnswerOptions options, Func<string, float>? rarity = null)
{
    // Words that say what kind of answer is wanted, not what it is about: they should not count as covered content.
    private static readonly HashSet<string> QuestionWords = new(StringComparer.Ordinal)
    {
        "symptom", "sign", "caus", "treatment", "treat", "outlook", "prognosi", "inherit", "gene", "genet", "chang",
        "relat", "peopl", "affect", "mani", "diagnos", "prevent", "risk", "stage", "research", "clinic", "trial",
        "done", "complic", "inform", "ar", "is", "get", "take", "need", "best", "us", "patient",
    };

    public AnswerOptions Options => options;

    /// <param name="passages">The document window to read for a hit (its neighbouring chunks too); by default the chunk alone.</param>
    public GroundedAnswer Compose(string question, SearchOutcome outcome, Func<SearchHit, Passage?>? passages = null)
    {
        if (ScopeGuard.Reason(question) is { } reason)
        {
            return Abstain(0f, reason);
        }

        if (outcome.Hits.Count == 0)
        {
            return Abstain(0f, "no passage in the knowledge base matches the question");
        }

        var content = analyzer.Terms(question).Where(t => !QuestionWords.Contains(t)).Distinct(StringComparer.Ordinal).ToList();
        var top = outcome.Hits.Take(options.MaxPassages).ToList();
        var evidence = Evidence(content, top);
        if (evidence < options.MinEvidence)
        {
            return Abstain(evidence, "the best matching passages do not support an answer");
        }

        var candidates = new List<(SearchHit Hit, Passage Passage, int Rank, int Start, int Length, float Score)>();
        for (var rank = 0; rank < top.Count; rank++)
        {
            var hit = top[rank];
            var passage = passages?.Invoke(hit) ?? new Passage(hit.Chunk.Text, hit.Chunk.Start, 0);
            var text = passage.Text;
            var sentences = SentenceSplitter.Split(text);
            var focusIndex = sentences.Count(s => s.Start < passage.FocusStart);
            for (var index = 0; index < sentences.Count; index++)
            {
                var (start, length) = sentences[index];
                var sentence = text.Substring(start, length);
                if (!IsQuotable(sentence))
                {
                    continue;
                }

                // Sentences of the matching chunk come first; its neighbours' sentences count as further away.
                var position = index >= focusIndex ? index - focusIndex : 2 + (focusIndex - index);
                var terms = analyzer.Terms(sentence).ToHashSet(StringComparer.Ordinal);
                var overlap = content.Count == 0 ? 0f : content.Count(terms.Contains) / (float)content.Count;
                if (rank > 0 && overlap == 0)
                {
                    continue; // A lower-ranked passage speaks only where it shares the question's content.
                }

                var typeFit = outcome.AnswerTypes.Count == 0 ? 0f : AnswerTypes.Match(outcome.AnswerTypes, AnswerTypes.Profile(sentence));
                var score = overlap + (0.5f * typeFit) + (0.3f / (1 + position)) + (0.4f / (1 + rank));
                candidates.Add((hit, passage, rank, start, length, score));
            }
        }

        // The best passage always speaks, and so does a runner-up that scored nearly as well (the ranking could not
        // tell them apart, so the reader should see both); the remaining places go to the best sentences overall.
        // Then back into reading order: by passage rank, then position within the passage.
        var guaranteed = candidates
            .Where(c => c.Rank == 0 || (c.Rank == 1 && top[1].Score >= top[0].Score * options.RunnerUpShare))
            .GroupBy(c => c.Rank)
            .Select(g => g.MaxBy(c => c.Score))
            .ToList();
        var chosen = guaranteed
            .Concat(candidates.Except(guaranteed).OrderByDescending(c => c.Score))
            .Take(options.MaxSentences)
            .OrderBy(c => c.Rank).ThenBy(c => c.Start)
            .ToList();
        if (chosen.Count == 0)
        {
            return Abstain(evidence, "the matching passages contain no quotable sentence");
        }

        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var spans = new Dictionary<string, (SearchHit Hit, Passage Passage, int Start, int End)>(StringComparer.Ordinal);
        var answer = new System.Text.StringBuilder();
        foreach (var (hit, passage, _, start, length, _) in chosen)
        {
            if (!numbers.TryGetValue(hit.DocumentId, out var n))
            {
                numbers[hit.DocumentId] = n = numbers.Count + 1;
                spans[hit.DocumentId] = (hit, passage, start, start + length);
            }
            else
            {
                var span = spans[hit.DocumentId];
                spans[hit.DocumentId] = (span.Hit, span.Passage, Math.Min(span.Start, start), Math.Max(span.End, start + length));
            }

            if (answer.Length > 0)
            {
                answer.Append(' ');
            }

            answer.Append(passage.Text, start, length).Append(" [").Append(n).Append(']');
        }

        // One document is read through one passage, so its quote is one contiguous, verbatim stretch of it.
        var citations = numbers
            .OrderBy(p => p.Value)
            .Select(p =>
            {
                var (hit, passage, start, end) = spans[p.Key];
                return new Citation(p.Value, hit.DocumentId, hit.Title, hit.Url, passage.Text[start..end], passage.DocumentOffset + start);
            })
            .ToList();
        return new GroundedAnswer(answer.ToString(), false, citations, options.Disclaimer, evidence, null);
    }

    /// <summary>
    /// How well the top passages support an answer, 0..1: the dense similarity of the best passage, blended with
    /// the share of the question's content terms that the best-covering passage (title included) contains, each term
    /// weighted by its rarity in the knowledge base when the composer knows it.
    /// </summary>
    public float Evidence(IReadOnlyList<string> contentTerms, IReadOnlyList<SearchHit> top)
    {
        var dense = top.Max(h => h.DenseSimilarity);
        var coverage = 0f;
        if (contentTerms.Count > 0)
        {
            var weights = contentTerms.Select(t => rarity?.Invoke(t) ?? 1f).ToList();
            var total = weights.Sum();
            foreach (var hit in top)
            {
                var terms = analyzer.Terms(hit.Title + "\n" + hit.Chunk.Text).ToHashSet(StringComparer.Ordinal);
                var covered = contentTerms.Select((t, i) => terms.Contains(t) ? weights[i] : 0f).Sum();
                coverage = Math.Max(coverage, total > 0 ? covered / total : 0f);
            }
        }

        return (0.6f * dense) + (0.4f * coverage);
    }

    private GroundedAnswer Abstain(float evidence, string reason) =>
        new(AnswerOptions.AbstentionText, true, [], options.Disclaimer, evidence, reason);

    private static bool IsQuotable(string sentence)
    {
        var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

        // Headings and fragments ("Treatment", "Summary:") read badly as answers, and questions are not answers:
        // a quotable sentence has a few words, lower-case letters and ends like a sentence.
        var trimmed = sentence.TrimEnd('"', '\'', ')', ']', '”', ' ');
        return words >= 4
            && sentence.Any(char.IsLower)
            && !sentence.Contains('\n', StringComparison.Ordinal)
            && trimmed.Length > 0
            && trimmed[^1] is '.' or '!' or ';';
    }
}
