namespace ClinChat.Phi.Redaction;

public enum RedactionMode
{
    /// <summary><c>[NAME]</c>, <c>[DATE]</c>…</summary>
    Tag,

    /// <summary>Every character of the identifier becomes <c>*</c>; the length stays.</summary>
    Mask,

    /// <summary>Realistic fakes, consistent within a <see cref="SurrogateScope"/>; dates shifted by one offset.</summary>
    Surrogate,

    /// <summary><c>[NAME_1]</c>-style placeholders that a <see cref="PlaceholderMapping"/> can restore.</summary>
    Placeholder,
}

public sealed record RedactionResult(string Text, IReadOnlyList<PhiSpan> Spans)
{
    /// <summary>The kinds removed, in wire form and stable order, for telling a user what was taken out.</summary>
    public IReadOnlyList<string> Types { get; } = Spans.Select(s => s.Type).Distinct().Order().Select(t => t.ToWireName()).ToList();
}
