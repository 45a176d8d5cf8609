using ClinChat.Hosting;
using ClinChat.Retrieval.Indexing;

namespace ClinChat.Accuracy;

/// <summary>How one golden question fared.</summary>
internal enum GoldenVerdict
{
    /// <summary>Answered citing an expected document, or abstained on a question the knowledge base does not cover.</summary>
    Correct,

    /// <summary>Answered, but no citation is an expected document.</summary>
    WrongSource,

    /// <summary>Abstained on a question the knowledge base answers.</summary>
    Abstained,

    /// <summary>Answered a question the knowledge base does not cover (an abstention item).</summary>
    Answered,

    /// <summary>Not scored: none of the expected documents is in the knowledge base (or, for an abstention item, no question of the set applies).</summary>
    Skipped,
}

internal sealed record GoldenOutcome(GoldenQuestion Question, GoldenVerdict Verdict, IReadOnlyList<string> Cited)
{
    public bool Scored => Verdict != GoldenVerdict.Skipped;

    public bool IsCorrect => Verdict == GoldenVerdict.Correct;
}

/// <summary>One evaluation of the golden set. <see cref="Score"/> is correct / scored, null when nothing could be scored.</summary>
internal sealed record GoldenRun(string File, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, IReadOnlyList<GoldenOutcome> Outcomes)
{
    public int Questions => Outcomes.Count;

    public int Scored => Outcomes.Count(o => o.Scored);

    public int Skipped => Questions - Scored;

    public int Correct => Outcomes.Count(o => o.IsCorrect);

    public double? Score => Scored == 0 ? null : (double)Correct / Scored;
}

/// <summary>
/// Asks every golden question through the chat's own answer path (<see cref="AskService"/>: PHI screen, hybrid search,
/// grounded answer) and scores it. An answerable question is correct when the answer cites at least one expected
/// document; abstaining on it is wrong. A question with no expected documents is correct only when the answer abstains.
/// Questions whose expected documents are all missing from the knowledge base are skipped rather than counted wrong
/// (a hospital that replaced the starter cards does not inherit their golden set's failures); abstention items are
/// scored only when at least one answerable question of the set applies to this knowledge base.
/// </summary>
internal sealed class GoldenEvaluator(AskService ask, KnowledgeIndex index, TimeProvider time)
{
    public async Task<GoldenRun> EvaluateAsync(string file, IReadOnlyList<GoldenQuestion> questions, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        await index.EnsureLoadedAsync(cancellationToken);
        bool Applies(GoldenQuestion q) => q.Expected.Any(index.ContainsDocument);
        var answerable = questions.Where(q => !q.ExpectsAbstention).ToList();
        var setApplies = answerable.Count == 0 || answerable.Any(Applies);

        var outcomes = new List<GoldenOutcome>(questions.Count);
        foreach (var question in questions)
        {
            if (question.ExpectsAbstention ? !setApplies : !Applies(question))
            {
                outcomes.Add(new GoldenOutcome(question, GoldenVerdict.Skipped, []));
                continue;
            }

            var result = await ask.AskAsync(question.Question, cancellationToken);
            var cited = result.Answer.Citations.Select(c => c.DocumentId).Distinct(StringComparer.Ordinal).ToList();
            var verdict = (question.ExpectsAbstention, result.Answer.Abstained) switch
            {
                (true, true) => GoldenVerdict.Correct,
                (true, false) => GoldenVerdict.Answered,
                (false, true) => GoldenVerdict.Abstained,
                (false, false) => cited.Any(question.Expected.Contains) ? GoldenVerdict.Correct : GoldenVerdict.WrongSource,
            };
            outcomes.Add(new GoldenOutcome(question, verdict, cited));
        }

        return new GoldenRun(Path.GetFileName(file), started, time.GetUtcNow(), outcomes);
    }
}
