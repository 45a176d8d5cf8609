using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinChat.Cli;
using ClinChat.Interactions;
using ClinChat.Interactions.Checking;
using ClinChat.Interactions.Import;
using Spectre.Console;

namespace ClinChat.Drugs;

/// <summary>`clinchat interactions` and `clinchat eval interactions` (issue 4).</summary>
internal static class DrugCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        _ = context;
        var drugs = new Argument<string[]>("drug") { Description = "Medication names as written (generic, brand, salt form, combination)", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print the JSON payload (the evaluation tools' contract)" };
        var batch = new Option<string?>("--batch") { Description = "JSONL file, one {\"id\",\"medications\":[…]} a line; one output line per input line" };
        var import = ImportOption();
        var command = new Command("interactions", "Check a regimen for drug-drug interactions, most severe first.") { drugs, json, batch, import };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var names = parseResult.GetValue(drugs) ?? [];
            var file = parseResult.GetValue(batch);
            if ((file is null) == (names.Length == 0))
            {
                return CliOutput.Fail("give medication names or --batch FILE, not both");
            }

            if (await LoadEngineAsync(parseResult.GetValue(import) ?? [], cancellationToken) is not { } engine)
            {
                return 2;
            }

            if (file is not null)
            {
                return File.Exists(file) ? await BatchAsync(file, engine, cancellationToken) : CliOutput.Fail($"no such file: {file}");
            }

            if (DrugEndpoints.Validate(names) is { } error)
            {
                return CliOutput.Fail(error);
            }

            var report = engine.Checker.Check(names);
            if (parseResult.GetValue(json))
            {
                CliOutput.WriteJson(report);
            }
            else
            {
                PrintReport(report);
            }

            return 0;
        });
        yield return command;
    }

    /// <summary>The `clinchat eval interactions` subcommand.</summary>
    public static Command? CreateEval(CliContext context)
    {
        _ = context;
        var pairs = new Option<string?>("--pairs") { Description = "Lines or CSV of drug_a,drug_b,expected_severity (expected may be none)" };
        var ddinter = new Option<string?>("--ddinter") { Description = "DDInter download folder: report coverage of its Major pairs among drugs both know" };
        var import = ImportOption();
        var command = new Command("interactions", "Sensitivity, severity agreement, false alarms and speed of the interaction checker.") { pairs, ddinter, import };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (pairFile, ddinterDir) = (parseResult.GetValue(pairs), parseResult.GetValue(ddinter));
            if (pairFile is null && ddinterDir is null)
            {
                return CliOutput.Fail("give --pairs FILE and/or --ddinter DIR");
            }

            if (pairFile is not null && !File.Exists(pairFile))
            {
                return CliOutput.Fail($"no such file: {pairFile}");
            }

            if (ddinterDir is not null && !Directory.Exists(ddinterDir))
            {
                return CliOutput.Fail($"no such directory: {ddinterDir}");
            }

            if (await LoadEngineAsync(parseResult.GetValue(import) ?? [], cancellationToken) is not { } engine)
            {
                return 2;
            }

            var table = new Table().AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Detail");
            if (pairFile is not null)
            {
                var (rows, error) = await ReadPairsAsync(pairFile, cancellationToken);
                if (error is not null)
                {
                    return CliOutput.Fail(error);
                }

                AddPairFigures(table, engine, rows);
            }

            if (ddinterDir is not null)
            {
                var ddi = await InteractionImporter.ImportPathAsync(ddinterDir, cancellationToken);
                AddDdinterCoverage(table, engine, ddi);
            }

            AddTiming(table, engine);
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Option<string[]> ImportOption() => new("--import")
    {
        Description = "Extra rule file or folder (documented CSV or DDInter format); repeatable",
        AllowMultipleArgumentsPerToken = false,
    };

    private static async Task<InteractionEngine?> LoadEngineAsync(string[] imports, CancellationToken cancellationToken)
    {
        var results = new List<ImportResult>();
        foreach (var path in imports)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                CliOutput.Fail($"no such import file: {path}");
                return null;
            }

            var result = await InteractionImporter.ImportPathAsync(path, cancellationToken);
            foreach (var e in result.Errors.Take(20))
            {
                Console.Error.WriteLine($"clinchat: {e.File}:{e.Line}: {e.Message} (row skipped)");
            }

            if (result.Errors.Count > 20)
            {
                Console.Error.WriteLine($"clinchat: … {result.Errors.Count - 20} more malformed rows in {path}");
            }

            results.Add(result);
        }

        return InteractionEngine.Create(new InteractionOptions(), results);
    }

    private static async Task<int> BatchAsync(string file, InteractionEngine engine, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        await foreach (var line in File.ReadLinesAsync(file, cancellationToken))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonNode? id;
            string[]? medications;
            try
            {
                var node = JsonNode.Parse(line) as JsonObject;
                id = node?["id"]?.DeepClone();
                medications = (node?["medications"] as JsonArray)?.Select(m => m?.GetValue<string>() ?? string.Empty).ToArray();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                return CliOutput.Fail($"{file}:{lineNumber}: not a JSON object with a \"medications\" array of strings");
            }

            if (medications is null || DrugEndpoints.Validate(medications) is not null)
            {
                return CliOutput.Fail($"{file}:{lineNumber}: {DrugEndpoints.Validate(medications) ?? "missing \"medications\""}");
            }

            var output = JsonSerializer.SerializeToNode(engine.Checker.Check(medications), CliOutput.Json)!.AsObject();
            output.Insert(0, "id", id);
            Console.Out.WriteLine(output.ToJsonString(CliOutput.Json));
        }

        return 0;
    }

    private static void PrintReport(InteractionReport report)
    {
        foreach (var m in report.Medications)
        {
            AnsiConsole.MarkupLine(m.IsKnown
                ? $"[grey]{Markup.Escape(m.Input)} → {Markup.Escape(string.Join(" + ", m.Ingredients))} ({m.MatchedBy})[/]"
                : $"[yellow]{Markup.Escape(m.Input)}: unknown drug name, not checked[/]");
        }

        if (report.Interactions.Count == 0)
        {
            AnsiConsole.MarkupLine("No interactions found in the knowledge base.");
            return;
        }

        var table = new Table().AddColumns("Severity", "Medications", "Effect", "Management", "Source");
        foreach (var i in report.Interactions)
        {
            table.AddRow(
                Markup.Escape(i.SeverityName),
                Markup.Escape($"{i.Inputs[0]} + {i.Inputs[1]}"),
                Markup.Escape(i.Effect),
                Markup.Escape(i.Management),
                Markup.Escape(i.Source));
        }

        AnsiConsole.Write(table);
    }

    internal sealed record ExpectedPair(string A, string B, InteractionSeverity? Expected, int Line);

    internal static async Task<(List<ExpectedPair> Rows, string? Error)> ReadPairsAsync(string file, CancellationToken cancellationToken)
    {
        var rows = new List<ExpectedPair>();
        var lineNumber = 0;
        await foreach (var raw in File.ReadLinesAsync(file, cancellationToken))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var f = line.Split(line.Contains('\t', StringComparison.Ordinal) ? '\t' : ',').Select(x => x.Trim()).ToArray();
            if (rows.Count == 0 && f[0].Equals("drug_a", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (f.Length < 3 || f[0].Length == 0 || f[1].Length == 0)
            {
                return (rows, $"{file}:{lineNumber}: expected drug_a,drug_b,expected_severity");
            }

            InteractionSeverity? expected = null;
            if (!f[2].Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                if (!InteractionSeverityNames.TryParse(f[2], out var s))
                {
                    return (rows, $"{file}:{lineNumber}: expected severity '{f[2]}' is not none|minor|moderate|major|contraindicated");
                }

                expected = s;
            }

            rows.Add(new ExpectedPair(f[0], f[1], expected, lineNumber));
        }

        return (rows, null);
    }

    private static void AddPairFigures(Table table, InteractionEngine engine, List<ExpectedPair> rows)
    {
        int serious = 0, seriousCaught = 0, rated = 0, agree = 0, withinOne = 0, none = 0, falseAlarm = 0, anyOnNone = 0, unknownPairs = 0;
        var missed = new List<string>();
        foreach (var row in rows)
        {
            var report = engine.Checker.Check([row.A, row.B]);
            if (report.Unknown.Count > 0)
            {
                unknownPairs++;
            }

            var actual = report.Interactions.Count > 0 ? report.Interactions[0].Severity : (InteractionSeverity?)null;
            if (row.Expected is null)
            {
                none++;
                falseAlarm += actual > InteractionSeverity.Minor ? 1 : 0;
                anyOnNone += actual is null ? 0 : 1;
                continue;
            }

            rated++;
            agree += actual == row.Expected ? 1 : 0;
            withinOne += actual is { } a && Math.Abs((int)a - (int)row.Expected.Value) <= 1 ? 1 : 0;
            if (row.Expected >= InteractionSeverity.Major)
            {
                serious++;
                if (actual >= InteractionSeverity.Major)
                {
                    seriousCaught++;
                }
                else if (missed.Count < 10)
                {
                    missed.Add($"{row.A}+{row.B}");
                }
            }
        }

        table.AddRow("Pairs evaluated", rows.Count.ToString(CultureInfo.InvariantCulture), $"{unknownPairs} with an unknown name");
        table.AddRow("Sensitivity, major/contraindicated", Percent(seriousCaught, serious), $"{seriousCaught}/{serious} flagged major or contraindicated" + (missed.Count > 0 ? $"; missed e.g. {Markup.Escape(string.Join(", ", missed))}" : string.Empty));
        table.AddRow("Severity agreement (exact)", Percent(agree, rated), $"{agree}/{rated} pairs with an expected severity");
        table.AddRow("Severity agreement (±1 level)", Percent(withinOne, rated), $"{withinOne}/{rated}");
        table.AddRow("False alarms on no-interaction pairs", Percent(falseAlarm, none), $"{falseAlarm}/{none} flagged above minor ({anyOnNone} flagged at all)");
    }

    private static void AddDdinterCoverage(Table table, InteractionEngine engine, ImportResult ddinter)
    {
        var curated = engine.Normalizer;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int both = 0, any = 0, serious = 0;
        foreach (var pair in ddinter.Pairs.Where(p => p.Severity == InteractionSeverity.Major))
        {
            var a = curated.Normalize(pair.DrugA, allowSpelling: false);
            var b = curated.Normalize(pair.DrugB, allowSpelling: false);
            if (!a.IsKnown || !b.IsKnown || a.Ingredients.Count != 1 || b.Ingredients.Count != 1 || a.Ingredients[0] == b.Ingredients[0])
            {
                continue;
            }

            var key = string.CompareOrdinal(a.Ingredients[0], b.Ingredients[0]) < 0 ? $"{a.Ingredients[0]}|{b.Ingredients[0]}" : $"{b.Ingredients[0]}|{a.Ingredients[0]}";
            if (!seen.Add(key))
            {
                continue;
            }

            both++;
            var rule = engine.FindRule(a.Ingredients[0], b.Ingredients[0]);
            any += rule is null ? 0 : 1;
            serious += rule?.Severity >= InteractionSeverity.Major ? 1 : 0;
        }

        table.AddRow("DDInter Major pairs, both drugs known", both.ToString(CultureInfo.InvariantCulture), $"of {ddinter.Pairs.Count(p => p.Severity == InteractionSeverity.Major)} Major rows");
        table.AddRow("DDInter Major coverage (any severity)", Percent(any, both), $"{any}/{both}");
        table.AddRow("DDInter Major coverage (major or worse)", Percent(serious, both), $"{serious}/{both}");
    }

    /// <summary>Stopwatch harness: a 20-drug regimen, after warm-up, as the benchmark figure.</summary>
    internal static (double MeanMicroseconds, double P99Microseconds) MeasureTwentyDrugRegimen(InteractionEngine engine, int iterations = 2000)
    {
        string[] regimen =
        [
            "warfarin", "Pacerone", "simvastatin 40 mg", "metoprolol succinate", "lisinopril", "spironolactone", "Lasix",
            "digoxin", "metformin", "Lantus", "omeprazole", "Zoloft", "tramadol", "gabapentin",
            "Percocet", "alprazolam", "levothyroxine sodium", "allopurinol", "Cipro", "Klor-Con",
        ];
        for (var i = 0; i < 200; i++)
        {
            engine.Checker.Check(regimen);
        }

        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            engine.Checker.Check(regimen);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return (samples.Average(), samples[(int)(iterations * 0.99)]);
    }

    private static void AddTiming(Table table, InteractionEngine engine)
    {
        var (mean, p99) = MeasureTwentyDrugRegimen(engine);
        table.AddRow("20-drug regimen check", $"{mean.ToString("F1", CultureInfo.InvariantCulture)} µs", $"mean of 2000 after warm-up; p99 {p99.ToString("F1", CultureInfo.InvariantCulture)} µs; target < 5 ms");
        table.AddRow("Knowledge base", engine.KnowledgeBase.Version, $"{engine.DrugCount} drugs, {engine.Brands.Count} brands, {engine.RuleCount} rules, {engine.ExpandedPairCount} pairs");
    }

    private static string Percent(int n, int d) => d == 0 ? "n/a" : (100.0 * n / d).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
