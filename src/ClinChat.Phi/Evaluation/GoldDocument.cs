namespace ClinChat.Phi.Evaluation;

/// <summary>An annotated span in a corpus's own label vocabulary (mapped to a <see cref="PhiType"/> or ignored).</summary>
public readonly record struct GoldSpan(int Start, int End, string Label, PhiType? Type);

public sealed record GoldDocument(string Id, string Text, IReadOnlyList<GoldSpan> Spans);
