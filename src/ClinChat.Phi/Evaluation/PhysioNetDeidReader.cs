using System.Globalization;
using System.Text.RegularExpressions;

namespace ClinChat.Phi.Evaluation;

/// <summary>
/// Reads the PhysioNet deid gold standard: <c>id.text</c> (records <c>START_OF_RECORD=pid||||note||||</c>) and
/// <c>id-phi.phrase</c> (<c>pid note start end TYPE phrase</c>, offsets into the note body).
/// </summary>
public static partial class PhysioNetDeidReader
{
    [GeneratedRegex(@"START_OF_RECORD=(?<p>\d+)\|\|\|\|(?<n>\d+)\|\|\|\|\r?\n(?<body>.*?)\|\|\|\|END_OF_RECORD", RegexOptions.Singleline | RegexOptions.ExplicitCapture)]
    private static partial Regex Record();

    /// <summary>
    /// Safe Harbor keeps the year, so DateYear spans are ignored (neither a miss nor a false positive).
    /// </summary>
    public static PhiType? MapLabel(string label) => label switch
    {
        "PTName" or "PTNameInitial" or "HCPName" or "RelativeProxyName" => PhiType.Name,
        "Location" => PhiType.Location,
        "Date" => PhiType.Date,
        "Phone" => PhiType.Phone,
        "Age" => PhiType.Age,
        "Other" => PhiType.Id,
        _ => null,
    };

    public static async Task<IReadOnlyList<GoldDocument>> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var textPath = Path.Combine(directory, "id.text");
        var phrasePath = Path.Combine(directory, "id-phi.phrase");
        if (!File.Exists(textPath) || !File.Exists(phrasePath))
        {
            throw new FileNotFoundException($"Expected id.text and id-phi.phrase in '{directory}'.");
        }

        var text = await File.ReadAllTextAsync(textPath, cancellationToken).ConfigureAwait(false);
        var spans = new Dictionary<string, List<GoldSpan>>(StringComparer.Ordinal);
        foreach (var line in await File.ReadAllLinesAsync(phrasePath, cancellationToken).ConfigureAwait(false))
        {
            var parts = line.Split(' ', 6);
            if (parts.Length < 5)
            {
                continue;
            }

            var key = parts[0] + "-" + parts[1];
            if (!spans.TryGetValue(key, out var list))
            {
                spans[key] = list = [];
            }

            list.Add(new GoldSpan(
                int.Parse(parts[2], CultureInfo.InvariantCulture),
                int.Parse(parts[3], CultureInfo.InvariantCulture),
                parts[4],
                MapLabel(parts[4])));
        }

        var documents = new List<GoldDocument>();
        foreach (Match m in Record().Matches(text))
        {
            var key = m.Groups["p"].Value + "-" + m.Groups["n"].Value;
            documents.Add(new GoldDocument(key, m.Groups["body"].Value, spans.GetValueOrDefault(key) ?? []));
        }

        return documents;
    }
}
