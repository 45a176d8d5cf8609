using System.Text;

namespace ClinChat.Interactions.Import;

/// <summary>One pair read from an import file, names as written there.</summary>
public sealed record ImportedPair(
    string DrugA,
    string DrugB,
    InteractionSeverity Severity,
    string? Mechanism,
    string? Management,
    string Source,
    int Line);

/// <summary>A row that could not be imported; <see cref="Line"/> is 1-based in the file.</summary>
public sealed record ImportError(string File, int Line, string Message);

public sealed record ImportResult(
    string SourceName,
    IReadOnlyList<ImportedPair> Pairs,
    IReadOnlyList<ImportError> Errors,
    int SkippedUnrated);

/// <summary>
/// Reads a hospital's own or licensed interaction list. Two formats:
/// the documented CSV <c>drug_a,drug_b,severity[,mechanism,management,source]</c> (header optional) and the
/// DDInter download <c>DDInterID_A,Drug_A,DDInterID_B,Drug_B,Level</c>. Bad rows are reported with their line
/// number; the rest is imported.
/// </summary>
public static class InteractionImporter
{
    /// <summary>Imports a file or a directory of files, choosing the format from each file's header.</summary>
    public static async Task<ImportResult> ImportPathAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            var sourceName = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
            var pairs = new List<ImportedPair>();
            var errors = new List<ImportError>();
            var skipped = 0;
            foreach (var file in Directory.EnumerateFiles(path, "*.csv").Order(StringComparer.Ordinal))
            {
                var one = await ImportFileAsync(file, sourceName, cancellationToken).ConfigureAwait(false);
                pairs.AddRange(one.Pairs);
                errors.AddRange(one.Errors);
                skipped += one.SkippedUnrated;
            }

            return new ImportResult(sourceName, pairs, errors, skipped);
        }

        return await ImportFileAsync(path, Path.GetFileNameWithoutExtension(path), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ImportResult> ImportFileAsync(string file, string sourceName, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        using var reader = new StringReader(text);
        return Import(reader, sourceName, Path.GetFileName(file));
    }

    /// <summary>Detects the format from the first line and imports.</summary>
    public static ImportResult Import(TextReader reader, string sourceName, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = ReadRows(reader);
        var ddinter = rows.Count > 0 && rows[0].Fields.Length >= 5
            && rows[0].Fields[0].Trim().Equals("DDInterID_A", StringComparison.OrdinalIgnoreCase);
        return ddinter ? FromDdinter(rows, sourceName, fileName) : FromCsv(rows, sourceName, fileName);
    }

    private static ImportResult FromCsv(List<Row> rows, string sourceName, string fileName)
    {
        var pairs = new List<ImportedPair>();
        var errors = new List<ImportError>();
        foreach (var row in rows)
        {
            var f = row.Fields.Select(x => x.Trim()).ToArray();
            if (f.All(string.IsNullOrEmpty) || f[0].StartsWith('#'))
            {
                continue;
            }

            if (row == rows[0] && f[0].Equals("drug_a", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (f.Length < 3 || f.Length > 6)
            {
                errors.Add(new ImportError(fileName, row.Line, $"expected 3 to 6 fields (drug_a,drug_b,severity[,mechanism,management,source]), found {f.Length}"));
                continue;
            }

            if (f[0].Length == 0 || f[1].Length == 0)
            {
                errors.Add(new ImportError(fileName, row.Line, "drug_a and drug_b are required"));
                continue;
            }

            if (NameText.Clean(f[0]) == NameText.Clean(f[1]))
            {
                errors.Add(new ImportError(fileName, row.Line, "drug_a and drug_b are the same drug"));
                continue;
            }

            if (!InteractionSeverityNames.TryParse(f[2], out var severity))
            {
                errors.Add(new ImportError(fileName, row.Line, $"severity '{f[2]}' is not contraindicated|major|moderate|minor"));
                continue;
            }

            string? At(int i) => f.Length > i && f[i].Length > 0 ? f[i] : null;
            pairs.Add(new ImportedPair(f[0], f[1], severity, At(3), At(4), At(5) ?? sourceName, row.Line));
        }

        return new ImportResult(sourceName, pairs, errors, 0);
    }

    private static ImportResult FromDdinter(List<Row> rows, string sourceName, string fileName)
    {
        var pairs = new List<ImportedPair>();
        var errors = new List<ImportError>();
        var skipped = 0;
        foreach (var row in rows.Skip(1))
        {
            var f = row.Fields.Select(x => x.Trim()).ToArray();
            if (f.All(string.IsNullOrEmpty))
            {
                continue;
            }

            if (f.Length != 5)
            {
                errors.Add(new ImportError(fileName, row.Line, $"expected 5 fields (DDInterID_A,Drug_A,DDInterID_B,Drug_B,Level), found {f.Length}"));
                continue;
            }

            if (f[1].Length == 0 || f[3].Length == 0)
            {
                errors.Add(new ImportError(fileName, row.Line, "Drug_A and Drug_B are required"));
                continue;
            }

            // DDInter marks documented interactions it has not rated "Unknown": not malformed, but no severity to import.
            if (f[4].Equals("Unknown", StringComparison.OrdinalIgnoreCase))
            {
                skipped++;
                continue;
            }

            if (!InteractionSeverityNames.TryParse(f[4], out var severity))
            {
                errors.Add(new ImportError(fileName, row.Line, $"level '{f[4]}' is not Major|Moderate|Minor|Unknown"));
                continue;
            }

            pairs.Add(new ImportedPair(f[1], f[3], severity, null, null, $"{sourceName} (DDInter level {f[4]})", row.Line));
        }

        return new ImportResult(sourceName, pairs, errors, skipped);
    }

    /// <summary>RFC 4180 records (quoted fields may hold commas, doubled quotes and line breaks), each with the line it starts on.</summary>
    private static List<Row> ReadRows(TextReader reader)
    {
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"':
                    inQuotes = true;
                    any = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (any || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        rows.Add(new Row(recordLine, [.. fields]));
                    }

                    fields.Clear();
                    field.Clear();
                    any = false;
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(ch);
                    any = true;
                    break;
            }
        }

        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            rows.Add(new Row(recordLine, [.. fields]));
        }

        return rows;
    }

    private sealed record Row(int Line, string[] Fields);
}
