using System.Globalization;
using System.Text.Json;

namespace ClinChat.Phi.Evaluation;

/// <summary>
/// Reads a site's own annotated notes: JSONL, one <c>{"id", "text", "spans": [{"start", "end", "type"}]}</c> a line,
/// offsets in UTF-16 code units, <c>type</c> a <see cref="PhiType"/> wire name (<c>NAME</c>, <c>HEALTH_PLAN</c>, …).
/// </summary>
public static class GoldJsonlReader
{
    /// <summary>The engine's own tag names; any other label is not ours to score and is ignored.</summary>
    public static PhiType? MapLabel(string label) => PhiTypeNames.TryParse(label, out var type) ? type : null;

    /// <exception cref="InvalidDataException">
    /// A line is not such an object. The message names the file and line number, never the line's content: it is PHI.
    /// </exception>
    public static async Task<IReadOnlyList<GoldDocument>> ReadAsync(string file, CancellationToken cancellationToken)
    {
        var documents = new List<GoldDocument>();
        var lineNumber = 0;
        await foreach (var line in File.ReadLinesAsync(file, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                documents.Add(Parse(line, $"{file}:{lineNumber}"));
            }
        }

        return documents;
    }

    private static GoldDocument Parse(string line, string where)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            // JsonException's message quotes the offending character: keep it out.
            throw new InvalidDataException($"{where}: not valid JSON");
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: not a JSON object");
            }

            if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{where}: missing string \"text\"");
            }

            var text = textElement.GetString()!;
            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText()
                : where;

            var spans = new List<GoldSpan>();
            if (root.TryGetProperty("spans", out var list) && list.ValueKind != JsonValueKind.Null)
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"{where}: \"spans\" is not an array");
                }

                var n = 0;
                foreach (var s in list.EnumerateArray())
                {
                    n++;
                    spans.Add(ParseSpan(s, text.Length, $"{where}: span {n.ToString(CultureInfo.InvariantCulture)}"));
                }
            }

            return new GoldDocument(id, text, spans);
        }
    }

    private static GoldSpan ParseSpan(JsonElement s, int textLength, string where)
    {
        if (s.ValueKind != JsonValueKind.Object
            || !TryGetInt32(s, "start", out var start)
            || !TryGetInt32(s, "end", out var end)
            || !s.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"{where}: needs integer \"start\", \"end\" and string \"type\"");
        }

        if (start < 0 || end <= start || end > textLength)
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"{where}: [{start}, {end}) is not within the text (length {textLength})"));
        }

        var label = typeElement.GetString()!;
        var type = MapLabel(label);
        // Known types are reported under their canonical spelling, so "name" and "NAME" share one per-type row.
        return new GoldSpan(start, end, type?.ToWireName() ?? label, type);
    }

    // TryGetInt32 throws on a non-number; a string "5" is bad input like any other.
    private static bool TryGetInt32(JsonElement span, string name, out int value)
    {
        value = 0;
        return span.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }
}
