using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinChat.Chat;
using ClinChat.Hosting;
using ClinChat.Phi;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Retrieval.Search;
using ClinChat.Storage;
using Spectre.Console;

namespace ClinChat.Cli;

/// <summary>`ingest`, `kb status|delete`, `search`, `ask`: the knowledge base from the command line.</summary>
internal static class KnowledgeCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Ingest(context);
        yield return KnowledgeBaseCommand(context);
        yield return Search(context);
        yield return Ask(context);
    }

    private static Command Ingest(CliContext context)
    {
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.OneOrMore, Description = "Files or folders (recursive): txt, md, html, pdf, docx, jsonl, MedQuAD xml" };
        var command = new Command("ingest", "Add or update documents in the knowledge base.") { paths };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var inputs = parseResult.GetValue(paths)!;
            var missing = inputs.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p));
            if (missing is not null)
            {
                return CliOutput.Fail($"no such file or folder: {missing}");
            }

            await using var services = await CliServices.CreateAsync(context, parseResult, cancellationToken);
            var knowledgeBase = services.GetRequiredService<KnowledgeBase>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var phi = services.GetRequiredService<PhiScreen>();
            var report = await IngestWithProgressAsync(knowledgeBase, inputs, cancellationToken, DocumentScreens.For(phi, phi.Options.CliPolicy));
            var seconds = watch.Elapsed.TotalSeconds;
            foreach (var error in report.Errors)
            {
                Console.Error.WriteLine($"clinchat: skipped {error}");
            }

            Console.Out.WriteLine($"ingested {report.Added} added, {report.Updated} updated, {report.Skipped} unchanged, {report.Failed} failed");
            Console.Error.WriteLine($"clinchat: {report.ChunksWritten} chunks in {seconds:0.0} s ({report.ChunksWritten / Math.Max(seconds, 0.001):0.0} chunks/s)");
            return report.Failed > 0 && report.Added + report.Updated + report.Skipped == 0 ? 1 : 0;
        });
        return command;
    }

    internal static async Task<IngestionReport> IngestWithProgressAsync(
        KnowledgeBase knowledgeBase, IReadOnlyList<string> paths, CancellationToken cancellationToken, DocumentScreen? screen = null)
    {
        IngestionReport? report = null;
        await CliOutput.Error.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progressContext =>
            {
                var task = progressContext.AddTask("ingesting", maxValue: 1);
                var progress = new SynchronousProgress<IngestionProgress>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Processed;
                });
                report = await knowledgeBase.IngestPathsAsync(paths, progress, cancellationToken, screen);
                task.Value = task.MaxValue;
            });
        return report!;
    }

    private static Command KnowledgeBaseCommand(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var status = new Command("status", "Documents, chunks and last update of the knowledge base.") { json };
        status.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliServices.CreateAsync(context, parseResult, cancellationToken);
            var stats = await services.GetRequiredService<IKnowledgeStore>().GetStatsAsync(cancellationToken);
            if (parseResult.GetValue(json))
            {
                CliOutput.WriteJson(new { documents = stats.Documents, chunks = stats.Chunks, embeddings = stats.Embeddings, last_update = stats.LastUpdate });
            }
            else
            {
                Console.Out.WriteLine($"documents  {stats.Documents}");
                Console.Out.WriteLine($"chunks     {stats.Chunks}");
                Console.Out.WriteLine($"embeddings {stats.Embeddings}");
                Console.Out.WriteLine($"updated    {stats.LastUpdate?.ToString("u") ?? "never"}");
            }

            return 0;
        });

        var id = new Argument<string>("id") { Description = "Document id, as ingested" };
        var delete = new Command("delete", "Delete a document and its chunks.") { id };
        delete.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = await CliServices.CreateAsync(context, parseResult, cancellationToken);
            var documentId = parseResult.GetValue(id)!;
            if (!await services.GetRequiredService<KnowledgeBase>().DeleteAsync(documentId, cancellationToken))
            {
                return CliOutput.Fail($"no document with id {documentId}");
            }

            Console.Out.WriteLine($"deleted {documentId}");
            return 0;
        });

        return new Command("kb", "Inspect and maintain the knowledge base.") { status, delete };
    }

    private static Command Search(CliContext context)
    {
        var options = new QueryOptions(withTop: true);
        var command = new Command("search", "Hybrid search: the best matching documents and passages.");
        options.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
            await options.RunAsync(context, parseResult, cancellationToken, async (ask, question, top, ct) =>
            {
                var outcome = await ask.SearchAsync(question, top, RetrievalMode.Hybrid, ct);
                return SearchResponse.From(outcome);
            }, response =>
            {
                foreach (var (result, i) in response.Results.Select((r, i) => (r, i)))
                {
                    Console.Out.WriteLine($"{i + 1}. {result.Title} [{result.DocumentId}] {result.Score:0.000}");
                    Console.Out.WriteLine($"   {Shorten(result.Chunk, 200)}");
                }
            }));
        return command;
    }

    private static Command Ask(CliContext context)
    {
        var options = new QueryOptions(withTop: false);
        var command = new Command("ask", "A grounded answer with numbered citations, or an abstention.");
        options.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
            await options.RunAsync(context, parseResult, cancellationToken, async (ask, question, _, ct) =>
            {
                var result = await ask.AskAsync(question, ct);
                if (result.PhiRemoved.Count > 0)
                {
                    Console.Error.WriteLine($"clinchat: removed identifiers from the question before searching: {string.Join(", ", result.PhiRemoved)}");
                }

                return AnswerDto.From(result.Answer);
            }, answer =>
            {
                Console.Out.WriteLine(answer.Answer);
                foreach (var citation in answer.Citations)
                {
                    Console.Out.WriteLine($"[{citation.N}] {citation.Title} ({citation.Url ?? citation.DocumentId}): \"{Shorten(citation.Quote, 160)}\"");
                }

                Console.Out.WriteLine();
                Console.Out.WriteLine(answer.Disclaimer);
            }));
        return command;
    }

    private static string Shorten(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : flat[..max] + "…";
    }

    /// <summary>The options `search` and `ask` share: one question, or a batch file of them, as text or JSON.</summary>
    private sealed class QueryOptions
    {
        private readonly Argument<string?> _question = new("question") { Arity = ArgumentArity.ZeroOrOne, Description = "The question" };
        private readonly Option<bool> _json = new("--json") { Description = "Print the JSON contract" };
        private readonly Option<string?> _batch = new("--batch") { Description = "File of JSON lines {\"qid\",\"question\"}; one output line per query" };
        private readonly Option<int>? _top;

        public QueryOptions(bool withTop)
        {
            if (withTop)
            {
                _top = new Option<int>("--top") { Description = "Number of results", DefaultValueFactory = _ => 10 };
            }
        }

        public void AddTo(Command command)
        {
            command.Arguments.Add(_question);
            command.Options.Add(_json);
            command.Options.Add(_batch);
            if (_top is not null)
            {
                command.Options.Add(_top);
            }
        }

        public async Task<int> RunAsync<T>(
            CliContext context,
            ParseResult parseResult,
            CancellationToken cancellationToken,
            Func<AskService, string, int, CancellationToken, Task<T>> run,
            Action<T> print)
        {
            var question = parseResult.GetValue(_question);
            var batch = parseResult.GetValue(_batch);
            var top = _top is null ? 10 : parseResult.GetValue(_top);
            if (top is < 1 or > 100)
            {
                return CliOutput.Fail("--top must be between 1 and 100");
            }

            if (batch is null && string.IsNullOrWhiteSpace(question))
            {
                return CliOutput.Fail("give a question, or --batch FILE");
            }

            if (batch is not null && !File.Exists(batch))
            {
                return CliOutput.Fail($"no such file: {batch}");
            }

            await using var services = await CliServices.CreateAsync(context, parseResult, cancellationToken);
            var ask = services.GetRequiredService<AskService>();
            if (batch is null)
            {
                var result = await run(ask, question!, top, cancellationToken);
                if (parseResult.GetValue(_json))
                {
                    CliOutput.WriteJson(result);
                }
                else
                {
                    print(result);
                }

                return 0;
            }

            var lineNumber = 0;
            foreach (var line in await File.ReadAllLinesAsync(batch, cancellationToken))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                JsonNode? qid = null;
                string? text = null;
                try
                {
                    var node = JsonNode.Parse(line) as JsonObject;
                    qid = node?["qid"]?.DeepClone();
                    text = node?["question"]?.GetValue<string>();
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    text = null;
                }

                var output = new JsonObject { ["qid"] = qid };
                if (string.IsNullOrWhiteSpace(text))
                {
                    output["error"] = $"line {lineNumber}: expected a JSON object with a \"question\" string";
                }
                else
                {
                    var result = await run(ask, text, top, cancellationToken);
                    foreach (var (key, value) in JsonSerializer.SerializeToNode(result, CliOutput.Json)!.AsObject().ToList())
                    {
                        output[key] = value?.DeepClone();
                    }
                }

                Console.Out.WriteLine(output.ToJsonString(CliOutput.Json));
            }

            return 0;
        }
    }
}

/// <summary>Reports progress on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
