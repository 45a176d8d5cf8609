using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinChat.Cli;
using ClinChat.Phi.Evaluation;
using ClinChat.Phi.Redaction;
using Spectre.Console;

namespace ClinChat.Phi;

/// <summary>`clinchat deid` and `clinchat eval phi` (issue 3).</summary>
internal static class PhiCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        _ = context;
        var mode = new Option<string>("--mode") { Description = "tag, mask or surrogate", DefaultValueFactory = _ => "tag" };
        var jsonl = new Option<string?>("--jsonl") { Description = "JSONL input, one {\"id\",\"text\"} a line; writes {\"id\",\"spans\",\"redacted\"} lines" };
        var places = SitePlacesOption();
        var command = new Command("deid", "De-identify text: stdin to stdout, or a JSONL file to JSONL on stdout.") { mode, jsonl, places };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!PhiEndpoints.TryParseMode(parseResult.GetValue(mode), out var redactionMode))
            {
                return CliOutput.Fail("--mode must be tag, mask or surrogate");
            }

            if (!TryCreateDetector(parseResult.GetValue(places), out var detector, out var failure))
            {
                return failure;
            }

            var redactor = new PhiRedactor(detector);
            var file = parseResult.GetValue(jsonl);
            if (file is null)
            {
                var text = await Console.In.ReadToEndAsync(cancellationToken);
                Console.Out.Write(redactor.Redact(text, redactionMode).Text);
                return 0;
            }

            return File.Exists(file)
                ? await DeidJsonlAsync(file, redactor, redactionMode, cancellationToken)
                : CliOutput.Fail($"no such file: {file}");
        });
        yield return command;
    }

    /// <summary>The `clinchat eval phi` subcommand.</summary>
    public static Command? CreateEval(CliContext context)
    {
        _ = context;
        var physionet = new Option<string?>("--physionet") { Description = "Folder with the PhysioNet deid id.text and id-phi.phrase" };
        var presidio = new Option<string?>("--presidio") { Description = "presidio-research synthetic JSON file" };
        var gold = new Option<string?>("--gold") { Description = "Your own annotated notes: JSONL, one {\"id\",\"text\",\"spans\":[{\"start\",\"end\",\"type\"}]} a line, type a tag name (NAME, DATE, …)" };
        var top = new Option<int>("--top") { Description = "How many misses and false positives to list", DefaultValueFactory = _ => 15 };
        var places = SitePlacesOption();
        var command = new Command("phi", "Token-level recall, precision, F1/F2, per-label recall and throughput of the PHI detector.") { physionet, presidio, gold, top, places };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (dir, file, goldFile) = (parseResult.GetValue(physionet), parseResult.GetValue(presidio), parseResult.GetValue(gold));
            if (new[] { dir, file, goldFile }.Count(v => v is not null) != 1)
            {
                return CliOutput.Fail("give exactly one of --physionet DIR, --presidio FILE or --gold FILE");
            }

            IReadOnlyList<GoldDocument> documents;
            try
            {
                documents = (dir, file, goldFile) switch
                {
                    ({ } d, _, _) => await PhysioNetDeidReader.ReadAsync(d, cancellationToken),
                    (_, { } f, _) when File.Exists(f) => await PresidioSynthReader.ReadAsync(f, cancellationToken),
                    (_, _, { } g) when File.Exists(g) => await GoldJsonlReader.ReadAsync(g, cancellationToken),
                    _ => throw new FileNotFoundException($"no such file: {file ?? goldFile}"),
                };
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidDataException)
            {
                return CliOutput.Fail(e.Message);
            }

            if (!TryCreateDetector(parseResult.GetValue(places), out var detector, out var failure))
            {
                return failure;
            }

            // One untimed pass first: the figure is steady-state throughput, not JIT warm-up.
            PhiEvaluator.Evaluate(documents, detector, 0);
            var report = PhiEvaluator.Evaluate(documents, detector, parseResult.GetValue(top));
            Print(report);
            return 0;
        });
        return command;
    }

    private static Option<string?> SitePlacesOption() =>
        new("--places") { Description = "A text file of the site's own place names (wards, clinics, towns), one a line, redacted wherever they occur" };

    private static bool TryCreateDetector(string? placesFile, out PhiDetector detector, out int failure)
    {
        failure = 0;
        detector = null!;
        if (placesFile is not null && !File.Exists(placesFile))
        {
            failure = CliOutput.Fail($"no such file: {placesFile}");
            return false;
        }

        detector = PhiEndpoints.CreateDetector(placesFile);
        if (detector.RefusedSitePlaces.Count > 0)
        {
            // Facility names are not patient data; the refused ones are listed so the operator can qualify them.
            Console.Error.WriteLine($"clinchat: --places: ignored {detector.RefusedSitePlaces.Count} one-word name(s) that are ordinary words: "
                + string.Join(", ", detector.RefusedSitePlaces));
        }

        return true;
    }

    private static async Task<int> DeidJsonlAsync(string file, PhiRedactor redactor, RedactionMode mode, CancellationToken cancellationToken)
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
            string? text;
            try
            {
                var node = JsonNode.Parse(line) as JsonObject;
                id = node?["id"]?.DeepClone();
                text = node?["text"]?.GetValue<string>();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // The message names the line, never its content: the content is PHI.
                return CliOutput.Fail($"{file}:{lineNumber}: not a JSON object with a string \"text\"");
            }

            if (text is null)
            {
                return CliOutput.Fail($"{file}:{lineNumber}: missing \"text\"");
            }

            // Each document is its own surrogate scope: fakes and the date shift do not link documents.
            var result = redactor.Redact(text, mode, mode == RedactionMode.Surrogate ? new SurrogateScope() : null);
            var output = new JsonObject
            {
                ["id"] = id,
                ["spans"] = new JsonArray(result.Spans.Select(s => (JsonNode)new JsonObject
                {
                    ["start"] = s.Start,
                    ["end"] = s.End,
                    ["type"] = s.Type.ToWireName(),
                }).ToArray()),
                ["redacted"] = result.Text,
            };
            Console.Out.WriteLine(output.ToJsonString(CliOutput.Json));
        }

        return 0;
    }

    private static void Print(PhiEvaluationReport report)
    {
        static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
        var summary = new Table().AddColumns("documents", "gold tokens", "recall", "precision", "F1", "F2", "KB/s");
        summary.AddRow(
            report.Documents.ToString(CultureInfo.InvariantCulture), report.GoldTokens.ToString(CultureInfo.InvariantCulture),
            F(report.Recall), F(report.Precision), F(report.F1), F(report.F2), report.KilobytesPerSecond.ToString("F0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(summary);

        var labels = new Table().AddColumns("label", "gold tokens", "found", "recall");
        foreach (var label in report.PerLabel)
        {
            labels.AddRow(Markup.Escape(label.Label), label.GoldTokens.ToString(CultureInfo.InvariantCulture), label.FoundTokens.ToString(CultureInfo.InvariantCulture), F(label.Recall));
        }

        AnsiConsole.Write(labels);
        var errors = new Table().AddColumns("most frequent misses", "n", "most frequent false positives", "n");
        for (var i = 0; i < Math.Max(report.TopMisses.Count, report.TopFalsePositives.Count); i++)
        {
            var miss = i < report.TopMisses.Count ? report.TopMisses[i] : default;
            var fp = i < report.TopFalsePositives.Count ? report.TopFalsePositives[i] : default;
            errors.AddRow(Markup.Escape(miss.Key ?? ""), miss.Key is null ? "" : miss.Value.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(fp.Key ?? ""), fp.Key is null ? "" : fp.Value.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(errors);
    }
}
