using System.CommandLine;
using ClinChat.Cli;
using ClinChat.Hosting;
using ClinChat.Retrieval.Indexing;
using Spectre.Console;

namespace ClinChat.Accuracy;

/// <summary>`clinchat eval golden`: the golden set evaluation the server runs in the background, on demand.</summary>
internal static class AccuracyCommands
{
    public static Command CreateEval(CliContext context)
    {
        var file = new Option<string?>("--file")
        {
            Description = "Golden set JSONL {\"id\"?,\"question\",\"expected\":[document ids]} (default: ClinChat:Accuracy:GoldenSetFile, else the starter set)",
        };
        var json = new Option<bool>("--json") { Description = "Print the run as one JSON object instead of tables" };
        var command = new Command("golden", "Ask every golden question through the chat's answer path and score the citations.") { file, json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = CliServices.Configuration().GetSection(AccuracyOptions.Section).Get<AccuracyOptions>() ?? new AccuracyOptions();
            var path = parseResult.GetValue(file) is { } given ? Path.GetFullPath(given) : options.ResolveGoldenSetFile();
            if (path is null)
            {
                return CliOutput.Fail($"no golden set: {AccuracyOptions.Section}:GoldenSetFile is empty; pass --file");
            }

            if (!File.Exists(path))
            {
                return CliOutput.Fail($"no such file: {path}");
            }

            IReadOnlyList<GoldenQuestion> questions;
            try
            {
                questions = await GoldenSet.LoadAsync(path, cancellationToken);
            }
            catch (GoldenSetFormatException e)
            {
                return CliOutput.Fail($"{Path.GetFileName(path)}: {e.Message}");
            }

            await using var services = await CliServices.CreateAsync(context, parseResult, cancellationToken);
            var evaluator = new GoldenEvaluator(
                services.GetRequiredService<AskService>(), services.GetRequiredService<KnowledgeIndex>(), services.GetRequiredService<TimeProvider>());
            var run = GoldenRunDto.From(await evaluator.EvaluateAsync(path, questions, cancellationToken));
            if (parseResult.GetValue(json))
            {
                CliOutput.WriteJson(run);
            }
            else
            {
                Print(run);
            }

            if (run.Scored == 0)
            {
                Console.Error.WriteLine($"clinchat: no golden question applies to the knowledge base in {context.ResolveDataDir(parseResult)} (none of their documents is in it)");
                return 1;
            }

            return 0;
        });
        return command;
    }

    private static void Print(GoldenRunDto run)
    {
        var summary = new Table().AddColumns("measure", "value");
        summary.AddRow("golden set", Markup.Escape(run.File));
        summary.AddRow("questions", run.Questions.ToString());
        summary.AddRow("scored", run.Scored.ToString());
        summary.AddRow("skipped (documents not in the knowledge base)", run.Skipped.ToString());
        summary.AddRow("correct", run.Correct.ToString());
        foreach (var outcome in new[] { "wrong_source", "abstained", "answered" })
        {
            summary.AddRow(outcome, run.Outcomes.Count(o => o.Outcome == outcome).ToString());
        }

        summary.AddRow("accuracy", run.Score is { } score ? score.ToString("0.000") : "n/a");
        summary.AddRow("seconds", (run.FinishedAt - run.StartedAt).TotalSeconds.ToString("0.0"));
        AnsiConsole.Write(summary);

        var wrong = run.Outcomes.Where(o => o.Outcome is not ("correct" or "skipped")).ToList();
        if (wrong.Count > 0)
        {
            var misses = new Table().AddColumns("id", "outcome", "expected", "cited");
            foreach (var o in wrong)
            {
                misses.AddRow(Markup.Escape(o.Id), o.Outcome, Markup.Escape(string.Join(", ", o.Expected)), Markup.Escape(string.Join(", ", o.Cited)));
            }

            AnsiConsole.Write(misses);
        }
    }
}
