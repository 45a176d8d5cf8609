namespace ClinChat.Phi;

/// <summary>An identifier found in a text: <c>[Start, End)</c> in UTF-16 code units.</summary>
public readonly record struct PhiSpan(int Start, int End, PhiType Type, double Confidence)
{
    public int Length => End - Start;

    public bool Overlaps(int start, int end) => Start < end && start < End;

    // Deliberately omits the covered text: spans get logged and serialised, the text must not be.
    public override string ToString() => $"{Type.ToWireName()}[{Start},{End})";
}
