using System.Text;

namespace ClinChat.Phi.Redaction;

/// <summary>Replaces what <see cref="PhiDetector"/> finds. Thread-safe; scopes and mappings are per call or per unit of work.</summary>
public sealed class PhiRedactor(PhiDetector detector)
{
    public RedactionResult Redact(string text, RedactionMode mode, SurrogateScope? scope = null)
    {
        if (mode == RedactionMode.Placeholder)
        {
            // Without a mapping nobody could restore the text: that is a tag, not a placeholder.
            throw new ArgumentException("Placeholder redaction needs a mapping: call RedactReversible.", nameof(mode));
        }

        scope ??= mode == RedactionMode.Surrogate ? new SurrogateScope() : null;
        return Apply(text, mode, scope, mapping: null);
    }

    /// <summary>Placeholder mode; the mapping can be shared across a conversation so the same value keeps one placeholder.</summary>
    public RedactionResult RedactReversible(string text, PlaceholderMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return Apply(text, RedactionMode.Placeholder, scope: null, mapping);
    }

    private RedactionResult Apply(string text, RedactionMode mode, SurrogateScope? scope, PlaceholderMapping? mapping)
    {
        ArgumentNullException.ThrowIfNull(text);
        var detected = detector.Detect(text);
        var spans = AddRepeats(text, detected);
        if (spans.Count == 0)
        {
            return new RedactionResult(text, spans);
        }

        var builder = new StringBuilder(text.Length + spans.Count * 8);
        var at = 0;
        foreach (var span in spans)
        {
            builder.Append(text, at, span.Start - at);
            var original = text.Substring(span.Start, span.Length);
            builder.Append(mode switch
            {
                RedactionMode.Tag => "[" + span.Type.ToWireName() + "]",
                RedactionMode.Mask => new string('*', span.Length),
                RedactionMode.Surrogate => scope!.SurrogateFor(span.Type, original),
                _ => mapping!.PlaceholderFor(span.Type, original),
            });
            at = span.End;
        }

        builder.Append(text, at, text.Length - at);
        return new RedactionResult(builder.ToString(), spans);
    }

    /// <summary>
    /// An identifier found once is redacted everywhere it recurs as a whole word, even where context alone would
    /// not have caught it ("Dr. Ames ... Ames called back").
    /// </summary>
    private static List<PhiSpan> AddRepeats(string text, IReadOnlyList<PhiSpan> detected)
    {
        var spans = new List<PhiSpan>(detected);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var span in detected)
        {
            var value = text.Substring(span.Start, span.Length);
            if (value.Length < 3 || !seen.Add(value))
            {
                continue;
            }

            for (var i = text.IndexOf(value, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.OrdinalIgnoreCase))
            {
                var end = i + value.Length;
                var wholeWord = (i == 0 || !char.IsLetterOrDigit(text[i - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end]));
                if (wholeWord && !Covered(spans, i, end))
                {
                    spans.Add(new PhiSpan(i, end, span.Type, span.Confidence * 0.9));
                }
            }
        }

        if (spans.Count == detected.Count)
        {
            return spans;
        }

        spans.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<PhiSpan>(spans.Count);
        foreach (var span in spans)
        {
            if (merged.Count > 0 && span.Start < merged[^1].End)
            {
                var last = merged[^1];
                merged[^1] = last with { End = Math.Max(last.End, span.End) };
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged;
    }

    private static bool Covered(List<PhiSpan> spans, int start, int end)
    {
        foreach (var s in spans)
        {
            if (s.Overlaps(start, end))
            {
                return true;
            }
        }

        return false;
    }
}
