using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ClinChat.Backup.Postgres;

/// <summary>
/// Reads the data section of a custom-format dump as <c>pg_restore --data-only --file=-</c> prints it: one
/// <c>COPY table (columns) FROM stdin;</c> block per table, one line per row (COPY's text format escapes newlines),
/// ended by <c>\.</c>. Counting those lines counts the rows the archive would restore, after every data block was
/// decompressed and read; the audit head and the knowledge schema version come from the rows themselves.
/// </summary>
internal static partial class DumpData
{
    public static async Task<(SnapshotFacts Facts, int Blocks)> ReadAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var blocks = 0;
        AuditHead? head = null;
        var schemaVersion = 0;
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            var copy = CopyPattern().Match(line);
            if (!copy.Success)
            {
                continue;
            }

            blocks++;
            var table = PostgresBackupProvider.TableKey(SplitIdentifiers(copy.Groups["table"].Value, '.'));
            var columns = SplitIdentifiers(copy.Groups["columns"].Value, ',');
            var seq = table == "audit_events" ? columns.IndexOf("seq") : -1;
            var hash = table == "audit_events" ? columns.IndexOf("hash") : -1;
            var component = table == "schema_migrations" ? columns.IndexOf("component") : -1;
            var version = table == "schema_migrations" ? columns.IndexOf("version") : -1;
            long rows = 0;
            while (true)
            {
                line = await reader.ReadLineAsync(cancellationToken) ?? throw new BackupException($"the data of {table} ends without its terminator.");
                if (line == "\\.")
                {
                    break;
                }

                rows++;
                if (seq >= 0 && hash >= 0)
                {
                    var fields = line.Split('\t');
                    var sequence = long.Parse(Unescape(fields[seq])!, CultureInfo.InvariantCulture);
                    if (head is null || sequence > head.Sequence)
                    {
                        head = new AuditHead(sequence, Unescape(fields[hash])!);
                    }
                }
                else if (component >= 0 && version >= 0)
                {
                    var fields = line.Split('\t');
                    if (Unescape(fields[component]) == "knowledge")
                    {
                        schemaVersion = int.Parse(Unescape(fields[version])!, CultureInfo.InvariantCulture);
                    }
                }
            }

            counts[table] = rows;
        }

        return (new SnapshotFacts(schemaVersion, counts, head), blocks);
    }

    /// <summary>One field of COPY's text format: <c>\N</c> is null; backslash escapes as PostgreSQL writes them.</summary>
    internal static string? Unescape(string field)
    {
        if (field == "\\N")
        {
            return null;
        }

        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length)
            {
                text.Append(field[i]);
                continue;
            }

            var next = field[++i];
            text.Append(next switch
            {
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'v' => '\v',
                _ => next,
            });
        }

        return text.ToString();
    }

    /// <summary>Identifiers as pg_dump writes them: separated by <paramref name="separator"/>, double-quoted when they need it.</summary>
    private static List<string> SplitIdentifiers(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                if (quoted && i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == separator && !quoted)
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString().Trim());
        return parts;
    }

    [GeneratedRegex(@"^COPY (?<table>.+?) \((?<columns>.*)\) FROM stdin;$")]
    private static partial Regex CopyPattern();
}
