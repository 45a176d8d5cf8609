using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClinChat.Ingestion;

/// <summary>A corpus file: one <c>{"id","title","text","url"?,"metadata"?}</c> object per line, each line its own item.</summary>
internal static class JsonlFormat
{
    public static async IAsyncEnumerable<LoadedItem> ReadAsync(
        SourceFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StreamReader reader;
        string? openError = null;
        try
        {
            reader = new StreamReader(file.FullPath!, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception exception) when (DocumentLoader.IsFileProblem(exception))
        {
            reader = StreamReader.Null;
            openError = DocumentLoader.Describe(exception, file);
        }

        if (openError is not null)
        {
            yield return LoadedItem.Failed(file.Id, openError);
            yield break;
        }

        using (reader)
        {
            var lineNumber = 0;
            while (true)
            {
                string? line;
                string? readError = null;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken);
                }
                catch (Exception exception) when (DocumentLoader.IsFileProblem(exception))
                {
                    line = null;
                    readError = DocumentLoader.Describe(exception, file);
                }

                if (readError is not null)
                {
                    yield return LoadedItem.Failed($"{file.Id}:{lineNumber + 1}", readError);
                }

                if (line is null)
                {
                    yield break;
                }

                lineNumber++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    yield return ParseLine(line, $"{file.Id}:{lineNumber}");
                }
            }
        }
    }

    internal static LoadedItem ParseLine(string line, string source)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            return LoadedItem.Failed(source, $"invalid JSON: {exception.Message}");
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return LoadedItem.Failed(source, "expected a JSON object");
            }

            var id = root.TryGetProperty("id", out var idElement) ? idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString()?.Trim(),
                JsonValueKind.Number => idElement.GetRawText(),
                _ => null,
            } : null;
            if (string.IsNullOrEmpty(id))
            {
                return LoadedItem.Failed(source, "missing \"id\" (string)");
            }

            if (!TryGetOptionalString(root, "text", out var rawText) || rawText is null)
            {
                return LoadedItem.Failed(source, "missing \"text\" (string)");
            }

            if (!TryGetOptionalString(root, "title", out var title))
            {
                return LoadedItem.Failed(source, "\"title\" must be a string");
            }

            if (!TryGetOptionalString(root, "url", out var url))
            {
                return LoadedItem.Failed(source, "\"url\" must be a string");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var metadataElement) && metadataElement.ValueKind != JsonValueKind.Null)
            {
                if (metadataElement.ValueKind != JsonValueKind.Object)
                {
                    return LoadedItem.Failed(source, "\"metadata\" must be an object");
                }

                foreach (var property in metadataElement.EnumerateObject())
                {
                    metadata[property.Name] = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()!
                        : property.Value.GetRawText();
                }
            }

            var text = TextNormalizer.Normalize(rawText);
            if (text.Length == 0)
            {
                return LoadedItem.Failed(source, "no text");
            }

            var document = new SourceDocument(
                id, TextNormalizer.NullIfBlank(title) ?? id, text, TextNormalizer.NullIfBlank(url), metadata, "jsonl");
            return LoadedItem.Ok(source, document);
        }
    }

    /// <summary>False only when the property is present with a type other than string or null.</summary>
    private static bool TryGetOptionalString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }
}
