using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinChat.Hosting;
using ClinChat.Retrieval.Answering;
using ClinChat.Retrieval.Embeddings;
using ClinChat.Retrieval.Indexing;
using ClinChat.Retrieval.Evaluation;
using ClinChat.Retrieval.Knowledge;
using ClinChat.Retrieval.Search;
using ClinChat.Redis;
using Microsoft.Extensions.Caching.Hybrid;
using Spectre.Console;

namespace ClinChat.Cli;

/// <summary>`eval retrieval`, `eval answers` and the converters that turn public data sets into their inputs.</summary>
internal static class EvalCommands
{
    public static Command CreateRetrieval(CliContext context)
    {
        var corpus = new Option<string>("--corpus") { Required = true, Description = "Corpus JSONL: {\"id\",\"title\",\"text\",\"url\"?}" };
        var queries = new Option<string>("--queries") { Required = true, Description = "Queries JSONL: {\"qid\",\"question\",\"gold_ids\":[…]}" };
        var limit = new Option<int>("--limit") { Description = "Evaluate only the first N queries (0: all)" };
        var json = new Option<bool>("--json") { Description = "Also print the figures as one JSON line" };
        var misses = new Option<string?>("--misses") { Description = "Write the first hybrid run's rank-1 misses (question, gold, top 3) to this JSONL file" };
        var skipIngest = new Option<bool>("--skip-ingest") { Description = "Use the evaluation store as it is; queries whose gold documents are missing are left out" };
        var weights = new Option<string?>("--weights") { Description = "Ranking overrides for calibration, e.g. AnswerTypeWeight=0.3,TitleWeight=0.2; several sets separated by ';'" };
        var cache = new Option<bool>("--cache") { Description = "Also time hybrid search through the server's result cache: miss, memory hit, and Redis hit when Redis is configured" };
        var command = new Command("retrieval", "Recall@1/5/10, MRR@10 and latency of hybrid, BM25-only and dense-only retrieval.")
        {
            corpus, queries, limit, json, weights, skipIngest, misses, cache,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (corpusPath, queriesPath) = (parseResult.GetValue(corpus)!, parseResult.GetValue(queries)!);
            if (!File.Exists(corpusPath) || !File.Exists(queriesPath))
            {
                return CliOutput.Fail($"no such file: {(File.Exists(corpusPath) ? queriesPath : corpusPath)}");
            }

            List<EvalQuery> evalQueries;
            try
            {
                evalQueries = EvalQuery.Load(queriesPath, parseResult.GetValue(limit));
            }
            catch (FormatException e)
            {
                return CliOutput.Fail(e.Message);
            }

            List<(string Name, RankingOptions Options)> rankings;
            try
            {
                rankings = ParseWeightSets(parseResult.GetValue(weights));
            }
            catch (FormatException e)
            {
                return CliOutput.Fail(e.Message);
            }

            await using var services = await OpenEvalStoreAsync(context, parseResult, corpusPath, new RankingOptions(), cancellationToken, ingest: !parseResult.GetValue(skipIngest));
            var ask = services.GetRequiredService<AskService>();
            var embeddings = services.GetRequiredService<CachingEmbeddingGenerator>();
            if (parseResult.GetValue(skipIngest))
            {
                var index = services.GetRequiredService<KnowledgeIndex>();
                await index.EnsureLoadedAsync(cancellationToken);
                evalQueries = evalQueries.Where(q => q.GoldIds.All(index.ContainsDocument)).ToList();
                CliOutput.Error.MarkupLineInterpolated($"store has {index.DocumentCount} documents; evaluating {evalQueries.Count} queries whose gold documents it holds");
            }
            await ask.SearchAsync("warm-up", 1, RetrievalMode.Hybrid, cancellationToken);

            var runs = new List<(string Name, RetrievalMode Mode, RankingOptions Options)>();
            runs.AddRange(rankings.Select(r => (r.Name, RetrievalMode.Hybrid, r.Options)));
            runs.Add(("bm25", RetrievalMode.Lexical, new RankingOptions()));
            runs.Add(("dense", RetrievalMode.Dense, new RankingOptions()));

            var results = new List<RetrievalFigures>();
            var missLines = new List<string>();
            foreach (var (name, mode, ranking) in runs)
            {
                // Each retriever starts with a cold query cache, so its latency includes embedding the question.
                embeddings.ClearQueryCache();
                var searcher = new HybridSearcher(
                    services.GetRequiredService<KnowledgeIndex>(), embeddings, services.GetRequiredService<QueryExpander>(), ranking);
                var evaluator = new RetrievalEvaluator();
                foreach (var query in evalQueries)
                {
                    var watch = Stopwatch.StartNew();
                    var outcome = await searcher.SearchAsync(query.Question, 10, mode, cancellationToken);
                    watch.Stop();
                    evaluator.Add(query.GoldIds, outcome.Hits.Select(h => h.DocumentId).ToList(), watch.Elapsed.TotalMilliseconds);
                    if (results.Count == 0 && outcome.Hits.Count > 0 && !query.GoldIds.Contains(outcome.Hits[0].DocumentId))
                    {
                        missLines.Add(JsonSerializer.Serialize(new
                        {
                            qid = query.Qid,
                            question = query.Question,
                            asked = outcome.AnswerTypes.Select(t => t.ToString()),
                            gold = query.GoldIds,
                            gold_rank = outcome.Hits.Select((h, i) => query.GoldIds.Contains(h.DocumentId) ? i + 1 : 0).FirstOrDefault(r => r > 0),
                            top = outcome.Hits.Take(3).Select(h => new { h.DocumentId, h.Title, score = Math.Round(h.Score, 3), dense = Math.Round(h.DenseSimilarity, 3), text = h.Chunk.Text[..Math.Min(160, h.Chunk.Text.Length)] }),
                        }, CliOutput.Json));
                    }
                }

                results.Add(evaluator.Figures(name));
            }

            if (parseResult.GetValue(cache))
            {
                results.AddRange(await CachedRunsAsync(services, evalQueries, cancellationToken));
            }

            if (parseResult.GetValue(misses) is { } missesPath)
            {
                await File.WriteAllLinesAsync(missesPath, missLines, cancellationToken);
            }

            var table = new Table().AddColumns("retriever", "queries", "recall@1", "recall@5", "recall@10", "MRR@10", "p50 ms", "p95 ms");
            foreach (var f in results)
            {
                table.AddRow(f.Name, f.Queries.ToString(), F(f.RecallAt1), F(f.RecallAt5), F(f.RecallAt10), F(f.MrrAt10), f.P50Milliseconds.ToString("0.0"), f.P95Milliseconds.ToString("0.0"));
            }

            AnsiConsole.Write(table);
            if (parseResult.GetValue(json))
            {
                CliOutput.WriteJson(results);
            }

            return 0;
        });

        return command;
    }

    /// <summary>
    /// Hybrid search through <see cref="SearchResultCache"/> as the server wires it (<c>AddRedis</c>: memory, plus Redis when
    /// <c>CLINCHAT_REDIS_CONNECTION[_FILE]</c> is set): a first pass of misses, a second of memory hits, and with Redis a
    /// third through a fresh memory level, as another replica would see it.
    /// </summary>
    private static async Task<List<RetrievalFigures>> CachedRunsAsync(IServiceProvider services, List<EvalQuery> queries, CancellationToken cancellationToken)
    {
        var configuration = CliServices.Configuration();
        var index = services.GetRequiredService<KnowledgeIndex>();
        var embeddings = services.GetRequiredService<CachingEmbeddingGenerator>();
        var searcher = new HybridSearcher(index, embeddings, services.GetRequiredService<QueryExpander>(), new RankingOptions());
        ServiceProvider Replica() => new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddRedis(configuration).BuildServiceProvider();

        await using var first = Replica();
        var redis = first.GetRequiredService<RedisConnection>().IsConfigured;
        if (redis)
        {
            // Entries left by an earlier run would turn the misses into hits.
            var multiplexer = first.GetRequiredService<RedisConnection>().Multiplexer!;
            foreach (var server in multiplexer.GetServers())
            {
                await foreach (var key in server.KeysAsync(pattern: "clinchat:cache:search:*").WithCancellation(cancellationToken))
                {
                    await multiplexer.GetDatabase().KeyDeleteAsync(key);
                }
            }
        }

        var cached = new SearchResultCache(first.GetRequiredService<HybridCache>(), index, searcher, services.GetRequiredService<QueryExpander>(), MiniLmEmbeddingGenerator.ModelId);
        embeddings.ClearQueryCache();
        var runs = new List<RetrievalFigures>
        {
            await TimeAsync("hybrid, cache miss" + (redis ? " (memory + Redis)" : " (memory)"), cached),
            await TimeAsync("hybrid, memory hit", cached),
        };
        if (redis)
        {
            await using var second = Replica();
            var other = new SearchResultCache(second.GetRequiredService<HybridCache>(), index, searcher, services.GetRequiredService<QueryExpander>(), MiniLmEmbeddingGenerator.ModelId);
            runs.Add(await TimeAsync("hybrid, Redis hit (other replica)", other));
        }

        return runs;

        async Task<RetrievalFigures> TimeAsync(string name, SearchResultCache cache)
        {
            var evaluator = new RetrievalEvaluator();
            foreach (var query in queries)
            {
                var watch = Stopwatch.StartNew();
                var outcome = await cache.SearchAsync(query.Question, 10, RetrievalMode.Hybrid, cancellationToken);
                watch.Stop();
                evaluator.Add(query.GoldIds, outcome.Hits.Select(h => h.DocumentId).ToList(), watch.Elapsed.TotalMilliseconds);
            }

            return evaluator.Figures(name);
        }
    }

    public static Command CreateAnswers(CliContext context)
    {
        var corpus = new Option<string>("--corpus") { Required = true, Description = "Corpus JSONL" };
        var queries = new Option<string>("--queries") { Required = true, Description = "Answerable queries JSONL with gold_ids" };
        var outOfScope = new Option<string>("--out-of-scope") { Required = true, Description = "JSONL of questions the knowledge base must not answer" };
        var limit = new Option<int>("--limit") { Description = "Evaluate only the first N answerable queries (0: all)" };
        var command = new Command("answers", "Abstention and citation quality of grounded answers, with the evidence calibration.")
        {
            corpus, queries, outOfScope, limit,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var corpusPath = parseResult.GetValue(corpus)!;
            foreach (var path in new[] { corpusPath, parseResult.GetValue(queries)!, parseResult.GetValue(outOfScope)! })
            {
                if (!File.Exists(path))
                {
                    return CliOutput.Fail($"no such file: {path}");
                }
            }

            var answerable = EvalQuery.Load(parseResult.GetValue(queries)!, parseResult.GetValue(limit));
            var unanswerable = EvalQuery.Load(parseResult.GetValue(outOfScope)!, 0);
            await using var services = await OpenEvalStoreAsync(context, parseResult, corpusPath, new RankingOptions(), cancellationToken);
            var ask = services.GetRequiredService<AskService>();
            var composer = services.GetRequiredService<AnswerComposer>();

            var inScope = new List<(float Evidence, bool Abstained, bool GoldInTop3)>();
            var latencies = new List<double>();
            foreach (var query in answerable)
            {
                var watch = Stopwatch.StartNew();
                var answer = (await ask.AskAsync(query.Question, cancellationToken)).Answer;
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                var top3 = answer.Citations.Take(3).Select(c => c.DocumentId).ToHashSet(StringComparer.Ordinal);
                inScope.Add((answer.Evidence, answer.Abstained, query.GoldIds.Any(top3.Contains)));
            }

            var outside = new List<(float Evidence, bool Abstained)>();
            foreach (var query in unanswerable)
            {
                var answer = (await ask.AskAsync(query.Question, cancellationToken)).Answer;
                outside.Add((answer.Evidence, answer.Abstained));
            }

            var answered = inScope.Where(r => !r.Abstained).ToList();
            var table = new Table().AddColumns("measure", "value");
            table.AddRow("answerable questions", answerable.Count.ToString());
            table.AddRow("answered", F(answered.Count / (double)Math.Max(1, inScope.Count)));
            table.AddRow("answered with gold in top-3 citations", F(answered.Count(r => r.GoldInTop3) / (double)Math.Max(1, answered.Count)));
            table.AddRow("out-of-scope questions", unanswerable.Count.ToString());
            table.AddRow("out-of-scope abstained", F(outside.Count(r => r.Abstained) / (double)Math.Max(1, outside.Count)));
            table.AddRow("evidence threshold", composer.Options.MinEvidence.ToString("0.00"));
            table.AddRow("ask p50 / p95 ms", $"{RetrievalEvaluator.Percentile(latencies, 0.5):0.0} / {RetrievalEvaluator.Percentile(latencies, 0.95):0.0}");
            AnsiConsole.Write(table);

            // Calibration: how the threshold trades answered questions against abstention outside the scope.
            var calibration = new Table().AddColumns("threshold", "answered (in scope)", "abstained (out of scope)");
            for (var threshold = 0.30f; threshold <= 0.601f; threshold += 0.02f)
            {
                var t = threshold;
                calibration.AddRow(t.ToString("0.00"),
                    F(inScope.Count(r => r.Evidence >= t) / (double)Math.Max(1, inScope.Count)),
                    F(outside.Count(r => r.Evidence < t) / (double)Math.Max(1, outside.Count)));
            }

            AnsiConsole.Write(calibration);
            return 0;
        });

        return command;
    }

    public static Command CreateStartup(CliContext context)
    {
        var command = new Command("startup", "Time what a restart costs on this data directory: opening the store, loading the indexes, the embedding model, the first answer.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var total = Stopwatch.StartNew();
            var step = Stopwatch.StartNew();
            await using var services = await CliServices.CreateAsync(context, parseResult, cancellationToken);
            var store = services.GetRequiredService<ClinChat.Storage.IKnowledgeStore>();
            var stats = await store.GetStatsAsync(cancellationToken);
            var open = step.Elapsed.TotalMilliseconds;

            step.Restart();
            var index = services.GetRequiredService<KnowledgeIndex>();
            await index.EnsureLoadedAsync(cancellationToken);
            var load = step.Elapsed.TotalMilliseconds;

            step.Restart();
            var embeddings = services.GetRequiredService<CachingEmbeddingGenerator>();
            await embeddings.EmbedQueryAsync("model warm-up", cancellationToken);
            var model = step.Elapsed.TotalMilliseconds;

            step.Restart();
            await services.GetRequiredService<AskService>().AskAsync("What are the symptoms of diabetes?", cancellationToken);
            var first = step.Elapsed.TotalMilliseconds;

            var table = new Table().AddColumns("step", "ms");
            table.AddRow("open store and migrate", open.ToString("0"));
            table.AddRow($"load indexes ({stats.Documents} documents, {index.ChunkCount} chunks)", load.ToString("0"));
            table.AddRow("load embedding model", model.ToString("0"));
            table.AddRow("first answer", first.ToString("0"));
            table.AddRow("ready (total)", total.Elapsed.TotalMilliseconds.ToString("0"));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command CreateConvert()
    {
        var xml = new Option<string>("--xml") { Required = true, Description = "MedQuAD xml folder (collections as sub-folders)" };
        var outDir = new Option<string>("--out") { Required = true, Description = "Output folder for corpus.jsonl and queries.jsonl" };
        var sample = new Option<int>("--sample") { Description = "Number of distinct questions to sample (0: all)", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 20261126 };
        var collections = new Option<string>("--collections") { Description = "Collection folder prefixes to use", DefaultValueFactory = _ => "1,2,3,4,5,6" };
        var medquad = new Command("medquad", "MedQuAD xml → corpus (one line per answered pair; text = the answer) and distinct-question queries.")
        {
            xml, outDir, sample, seed, collections,
        };
        medquad.SetAction((parseResult, cancellationToken) =>
        {
            var folder = parseResult.GetValue(xml)!;
            if (!Directory.Exists(folder))
            {
                return Task.FromResult(CliOutput.Fail($"no such folder: {folder}"));
            }

            var prefixes = parseResult.GetValue(collections)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (documents, queries) = DatasetConverters.ConvertMedQuad(folder, prefixes, parseResult.GetValue(sample), parseResult.GetValue(seed), cancellationToken);
            var target = parseResult.GetValue(outDir)!;
            DatasetConverters.Write(target, documents, queries);
            Console.Out.WriteLine($"wrote {documents.Count} documents and {queries.Count} queries to {target}");
            return Task.FromResult(0);
        });

        var pubmedDir = new Option<string>("--dir") { Required = true, Description = "PubMedQA folder with corpus.jsonl and queries.jsonl" };
        var pubmedOut = new Option<string>("--out") { Required = true, Description = "Output folder" };
        var pubmed = new Command("pubmedqa", "PubMedQA → one document per abstract and question → its abstract.") { pubmedDir, pubmedOut };
        pubmed.SetAction((parseResult, cancellationToken) =>
        {
            var folder = parseResult.GetValue(pubmedDir)!;
            if (!File.Exists(Path.Combine(folder, "corpus.jsonl")) || !File.Exists(Path.Combine(folder, "queries.jsonl")))
            {
                return Task.FromResult(CliOutput.Fail($"expected corpus.jsonl and queries.jsonl in {folder}"));
            }

            var (documents, queries) = DatasetConverters.ConvertPubMedQa(folder, cancellationToken);
            var target = parseResult.GetValue(pubmedOut)!;
            DatasetConverters.Write(target, documents, queries);
            Console.Out.WriteLine($"wrote {documents.Count} documents and {queries.Count} queries to {target}");
            return Task.FromResult(0);
        });

        return new Command("convert", "Turn public data sets into evaluation corpora and queries.") { medquad, pubmed };
    }

    /// <summary>Eval corpora live in their own store under the data directory, so they never mix with the real knowledge base.</summary>
    private static async Task<ServiceProvider> OpenEvalStoreAsync(
        CliContext context, ParseResult parseResult, string corpusPath, RankingOptions ranking, CancellationToken cancellationToken, bool ingest = true)
    {
        var evalDir = Path.Combine(context.ResolveDataDir(parseResult), "eval", Path.GetFileNameWithoutExtension(Path.GetDirectoryName(Path.GetFullPath(corpusPath)) + "-" + Path.GetFileNameWithoutExtension(corpusPath)));
        var services = await CliServices.CreateAsync(context, parseResult, cancellationToken, evalDir, ranking);
        if (!ingest)
        {
            return services;
        }

        var report = await KnowledgeCommands.IngestWithProgressAsync(services.GetRequiredService<KnowledgeBase>(), [corpusPath], cancellationToken);
        CliOutput.Error.MarkupLineInterpolated($"corpus: {report.Added} added, {report.Updated} updated, {report.Skipped} unchanged, {report.Failed} failed");
        return services;
    }

    /// <summary>Weight sets separated by ';' (each a comma list of Name=value), evaluated side by side; none: the defaults.</summary>
    private static List<(string Name, RankingOptions Options)> ParseWeightSets(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [("hybrid", new RankingOptions())];
        }

        var sets = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < sets.Length; i++)
        {
            CliOutput.Error.WriteLine($"hybrid#{i + 1}: {sets[i]}");
        }

        return sets.Select((set, i) => ($"hybrid#{i + 1}", ParseWeights(set))).ToList();
    }

    private static RankingOptions ParseWeights(string text)
    {
        var options = new RankingOptions();
        var node = JsonSerializer.SerializeToNode(options)!.AsObject();
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || !node.ContainsKey(parts[0]) || !double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"--weights: cannot read '{pair}' (known: {string.Join(", ", node.Select(n => n.Key))})");
            }

            node[parts[0]] = JsonValue.Create(value);
        }

        return node.Deserialize<RankingOptions>()!;
    }

    private static string F(double value) => value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
}
