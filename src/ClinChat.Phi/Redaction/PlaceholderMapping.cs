using System.Text;

namespace ClinChat.Phi.Redaction;

/// <summary>
/// What <c>[NAME_1]</c> stood for. Lives only in memory for one round trip (e.g. to an external model and back):
/// it exposes no originals, is not serialisable, and prints only its size.
/// </summary>
public sealed class PlaceholderMapping
{
    private readonly Dictionary<string, string> _byPlaceholder = new(StringComparer.Ordinal);
    private readonly Dictionary<(PhiType, string), string> _byOriginal = [];
    private readonly Dictionary<PhiType, int> _counters = [];

    public int Count => _byPlaceholder.Count;

    internal string PlaceholderFor(PhiType type, string original)
    {
        var key = (type, original.ToUpperInvariant());
        if (_byOriginal.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var n = _counters.GetValueOrDefault(type) + 1;
        _counters[type] = n;
        var placeholder = $"[{type.ToWireName()}_{n}]";
        _byOriginal[key] = placeholder;
        _byPlaceholder[placeholder] = original;
        return placeholder;
    }

    /// <summary>Puts the originals back wherever their placeholders survived.</summary>
    public string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_byPlaceholder.Count == 0 || !text.Contains('['))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('[', i);
            if (open < 0)
            {
                break;
            }

            var close = text.IndexOf(']', open);
            if (close < 0)
            {
                break;
            }

            builder.Append(text, i, open - i);
            var candidate = text.Substring(open, close - open + 1);
            builder.Append(_byPlaceholder.TryGetValue(candidate, out var original) ? original : candidate);
            i = close + 1;
        }

        builder.Append(text, i, text.Length - i);
        return builder.ToString();
    }

    public override string ToString() => $"PlaceholderMapping({Count} entries)";
}
