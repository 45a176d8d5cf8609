using ClinChat.Retrieval.Answering;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Search;

namespace ClinChat.Hosting;

/// <summary>The question → search → grounded answer pipeline that the CLI and the chat endpoint share.</summary>
internal sealed class AskService(KnowledgeIndex index, HybridSearcher searcher, AnswerComposer composer)
{
    public async Task<SearchOutcome> SearchAsync(string question, int top, RetrievalMode mode, CancellationToken cancellationToken)
    {
        await index.EnsureLoadedAsync(cancellationToken);
        return await searcher.SearchAsync(question, top, mode, cancellationToken);
    }

    public async Task<(GroundedAnswer Answer, SearchOutcome Outcome)> AskAsync(string question, CancellationToken cancellationToken)
    {
        var outcome = await SearchAsync(question, composer.Options.MaxPassages + 2, RetrievalMode.Hybrid, cancellationToken);
        return (composer.Compose(question, outcome), outcome);
    }
}
