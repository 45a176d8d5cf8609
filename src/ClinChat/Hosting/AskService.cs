using ClinChat.Interactions;
using ClinChat.Interactions.Checking;
using ClinChat.Phi;
using ClinChat.Retrieval.Answering;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Search;
using ClinChat.Storage;

namespace ClinChat.Hosting;

/// <summary>A grounded answer with what screening removed and, when the question names drugs, their interactions.</summary>
internal sealed record AskResult(GroundedAnswer Answer, SearchOutcome Outcome, string ScreenedQuestion, IReadOnlyList<string> PhiRemoved, InteractionReport? Interactions);

/// <summary>
/// The question → PHI screen → search → grounded answer pipeline that the CLI and the chat endpoint share.
/// Only the screened question goes further: it is what is embedded, searched, cached and answered. Search results are
/// cached (server only) when screening ran; answers never are.
/// </summary>
internal sealed class AskService(
    KnowledgeIndex index, HybridSearcher searcher, AnswerComposer composer, IKnowledgeStore store, PhiScreen phi, InteractionEngine drugs,
    SearchResultCache? cache = null)
{
    public async Task<SearchOutcome> SearchAsync(string question, int top, RetrievalMode mode, CancellationToken cancellationToken)
    {
        var screened = phi.ScreenQuestion(question);
        await index.EnsureLoadedAsync(cancellationToken);
        return await SearchScreenedAsync(screened, top, mode, cancellationToken);
    }

    public async Task<AskResult> AskAsync(string question, CancellationToken cancellationToken)
    {
        var screened = phi.ScreenQuestion(question);
        await index.EnsureLoadedAsync(cancellationToken);
        var outcome = await SearchScreenedAsync(screened, composer.Options.MaxPassages + 2, RetrievalMode.Hybrid, cancellationToken);
        var passages = await PassagesAsync(outcome, cancellationToken);
        var answer = composer.Compose(screened.Text, outcome, hit => passages.GetValueOrDefault(hit.DocumentId));
        return new AskResult(answer, outcome, screened.Text, screened.RemovedTypes, CheckNamedDrugs(screened.Text));
    }

    private Task<SearchOutcome> SearchScreenedAsync(ScreenedText screened, int top, RetrievalMode mode, CancellationToken cancellationToken) =>
        cache is not null && screened.Screened
            ? cache.SearchAsync(screened.Text, top, mode, cancellationToken)
            : searcher.SearchAsync(screened.Text, top, mode, cancellationToken);

    private const int WholeDocumentChars = 4000;

    /// <summary>
    /// The window of each top document the answer is read from: the matching chunk with its neighbours, cut verbatim
    /// from the stored text (chunk boundaries are sentence boundaries), so a quote may span them.
    /// </summary>
    private async Task<Dictionary<string, Passage>> PassagesAsync(SearchOutcome outcome, CancellationToken cancellationToken)
    {
        var passages = new Dictionary<string, Passage>(StringComparer.Ordinal);
        foreach (var hit in outcome.Hits.Take(composer.Options.MaxPassages))
        {
            if (await store.GetDocumentAsync(hit.DocumentId, cancellationToken) is not { } document)
            {
                continue;
            }

            // A short document (a reference card, a FAQ answer) is read whole; a long one around the matching chunk.
            var (previous, next) = index.Neighbours(hit.Chunk);
            var whole = document.Text.Length <= WholeDocumentChars;
            var start = whole ? 0 : previous?.Start ?? hit.Chunk.Start;
            var end = whole ? document.Text.Length : next is null ? hit.Chunk.Start + hit.Chunk.Text.Length : next.Start + next.Text.Length;
            if (start < 0 || end > document.Text.Length || start > hit.Chunk.Start
                || !document.Text.AsSpan(hit.Chunk.Start).StartsWith(hit.Chunk.Text, StringComparison.Ordinal))
            {
                continue; // The document changed since the index saw it: read the chunk alone.
            }

            passages[hit.DocumentId] = new Passage(document.Text[start..end], start, hit.Chunk.Start - start);
        }

        return passages;
    }

    /// <summary>Interaction findings when the question names two or more drugs (found by the normaliser, not a keyword list).</summary>
    private InteractionReport? CheckNamedDrugs(string question)
    {
        var mentions = drugs.Finder.Find(question);
        if (mentions.SelectMany(m => m.Ingredients).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            return null;
        }

        return drugs.Checker.Check(mentions.Select(m => m.Text).ToList());
    }
}
