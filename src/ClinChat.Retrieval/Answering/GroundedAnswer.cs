namespace ClinChat.Retrieval.Answering;

/// <summary>A numbered citation: the document and the exact passage (a verbatim substring of it) the answer quotes.</summary>
public sealed record Citation(int N, string DocumentId, string Title, string? Url, string Quote, int QuoteStart);

/// <summary>An answer made only of sentences from cited sources, or an abstention that says why.</summary>
public sealed record GroundedAnswer(
    string Answer,
    bool Abstained,
    IReadOnlyList<Citation> Citations,
    string Disclaimer,
    float Evidence,
    string? AbstentionReason);

/// <summary>
/// The text an answer is composed from for one hit: a verbatim window of its document around the matching chunk.
/// </summary>
/// <param name="DocumentOffset">Where <paramref name="Text"/> starts in the document.</param>
/// <param name="FocusStart">Where the matching chunk starts within <paramref name="Text"/>.</param>
public sealed record Passage(string Text, int DocumentOffset, int FocusStart);

public sealed record AnswerOptions
{
    public const string DefaultDisclaimer =
        "ClinChat summarises the hospital's knowledge base for clinical decision support. It is not medical advice and " +
        "does not replace clinical judgement: verify against the cited sources and local protocols before acting.";

    public const string AbstentionText =
        "The knowledge base does not contain enough evidence to answer this question.";

    public string Disclaimer { get; init; } = DefaultDisclaimer;

    /// <summary>Minimum evidence (see <see cref="AnswerComposer"/>) below which ClinChat abstains; calibrated in docs/benchmarks.md.</summary>
    public float MinEvidence { get; init; } = 0.48f;

    public int MaxSentences { get; init; } = 4;

    public int MaxPassages { get; init; } = 3;

    /// <summary>A second passage scoring at least this share of the first is always quoted too.</summary>
    public float RunnerUpShare { get; init; } = 0.9f;
}
