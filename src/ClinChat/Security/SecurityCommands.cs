using System.CommandLine;
using System.Text.Json;
using ClinChat.Cli;
using ClinChat.Phi;
using ClinChat.Security.Audit;
using ClinChat.Security.Compliance;
using ClinChat.Security.Encryption;
using ClinChat.Security.Secrets;
using Spectre.Console;

namespace ClinChat.Security;

/// <summary>`clinchat audit verify|export`, `clinchat keys rotate`, `clinchat compliance check`.</summary>
internal static class SecurityCommands
{
    /// <summary>The same names as the HTTP API (snake_case), so scripts read both alike.</summary>
    private static readonly JsonSerializerOptions Json = new(CliOutput.Json) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEnumerable<Command> Create(CliContext context)
    {
        var audit = new Command("audit", "The tamper-evident audit trail.");
        audit.Subcommands.Add(CreateVerify(context));
        audit.Subcommands.Add(CreateExport(context));
        yield return audit;

        var keys = new Command("keys", "Encryption keys.");
        keys.Subcommands.Add(CreateRotate(context));
        yield return keys;

        var compliance = new Command("compliance", "The HIPAA technical-safeguards self-check.");
        compliance.Subcommands.Add(CreateCheck(context));
        yield return compliance;
    }

    /// <summary>The security engine over the data directory's database (keys as the server resolves them), plus PHI for the self-test.</summary>
    internal static async Task<ServiceProvider> CreateServicesAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configuration = CliServices.Configuration();
        var dataDirectory = context.ResolveDataDir(parseResult);
        Directory.CreateDirectory(dataDirectory);
        var services = new ServiceCollection()
            .AddSingleton(configuration)
            .AddLogging()
            .AddPhi()
            .AddSecurityCore(configuration, dataDirectory)
            .BuildServiceProvider();
        await services.InitializeHostSecurityAsync(cancellationToken);
        return services;
    }

    private static Command CreateVerify(CliContext context)
    {
        var command = new Command("verify", "Check the hash chain and the signed checkpoints; exit 0 when intact, 1 otherwise, naming the first bad event.");
        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(async () =>
        {
            await using var services = await CreateServicesAsync(context, parseResult, cancellationToken);
            var trail = services.GetRequiredService<AuditTrail>();
            var result = await trail.VerifyAsync(cancellationToken);
            Console.Out.WriteLine(JsonSerializer.Serialize(AuditVerifyResponse.From(result), Json));
            if (result.Intact)
            {
                Console.Error.WriteLine(result.Summary);
                return 0;
            }

            Console.Error.WriteLine($"clinchat: {result.Summary}");
            if (result.FirstBadSequence is { } sequence && (await trail.Store.ReadAsync(sequence - 1, 1, cancellationToken)) is [var bad] && bad.Sequence == sequence)
            {
                Console.Error.WriteLine($"first bad event: #{bad.Sequence} {bad.Event.OccurredAtText} user={bad.Event.User} action={bad.Event.Action} resource={bad.Event.Resource}");
            }

            return 1;
        }));
        return command;
    }

    private static Command CreateExport(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "jsonl (default) or fhir (an R4 Bundle of AuditEvent resources)", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "fhir");
        var output = new Option<FileInfo?>("--out") { Description = "Output file (default: stdout)" };
        var command = new Command("export", "Export every audit event.") { format, output };
        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(async () =>
        {
            await using var services = await CreateServicesAsync(context, parseResult, cancellationToken);
            var trail = services.GetRequiredService<AuditTrail>();
            var file = parseResult.GetValue(output);
            await using var stream = file is null ? Console.OpenStandardOutput() : File.Create(file.FullName);
            var records = trail.ExportAsync(new AuditQuery(), cancellationToken);
            if (parseResult.GetValue(format) == "fhir")
            {
                await AuditExport.WriteFhirBundleAsync(records, services.GetRequiredService<TimeProvider>().GetUtcNow(), stream, cancellationToken);
            }
            else
            {
                await AuditExport.WriteJsonLinesAsync(records, stream, cancellationToken);
            }

            return 0;
        }));
        return command;
    }

    private static Command CreateRotate(CliContext context)
    {
        var newKeyFile = new Option<FileInfo>("--new-key-file") { Description = "File holding the new master key (base64 of 32 bytes)", Required = true };
        var command = new Command("rotate", "Re-wrap every data key under a new master key and start a new data key for new writes.") { newKeyFile };
        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(async () =>
        {
            var file = parseResult.GetValue(newKeyFile)!;
            var newMaster = MasterKey.FromFile(file.FullName, "--new-key-file");
            await using var services = await CreateServicesAsync(context, parseResult, cancellationToken);
            var result = await services.GetRequiredService<EncryptionKeyRing>().RotateAsync(newMaster, newDataKey: true, cancellationToken);
            var keys = services.GetRequiredService<SecurityKeys>();
            if (keys.DevelopmentMasterKeyFile(CliServices.Configuration()) is { } developmentFile)
            {
                // Development keys live under the data directory: keep them the one the store now opens with.
                SecurityKeys.ReplaceKeyFile(developmentFile, (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim());
            }
            else
            {
                Console.Error.WriteLine($"Rotated to master key {result.MasterKeyId}: replace the secret behind {MasterKey.Variable}_FILE with the new key before the next start.");
            }

            CliOutput.WriteJson(new
            {
                previous_master_key_id = result.PreviousMasterKeyId,
                master_key_id = result.MasterKeyId,
                data_keys_rewrapped = result.DataKeysRewrapped,
                new_data_key_id = result.NewDataKeyId,
                active_data_key_id = result.ActiveDataKeyId,
                rotated_at = result.RotatedAt,
            });
            return 0;
        }));
        return command;
    }

    private static Command CreateCheck(CliContext context)
    {
        var environment = new Option<string?>("--environment") { Description = "Evaluate as 'production' (warnings fail) or 'development' (default: the deployment mode)" };
        environment.AcceptOnlyFromAmong("production", "development");
        var json = new Option<bool>("--json") { Description = "One JSON object on stdout instead of the table" };
        var command = new Command("check", "Evaluate each control; exit 0 when all pass, 1 otherwise.") { environment, json };
        command.SetAction(async (parseResult, cancellationToken) => await RunAsync(async () =>
        {
            await using var services = await CreateServicesAsync(context, parseResult, cancellationToken);
            var production = parseResult.GetValue(environment) is { } mode ? mode == "production" : (bool?)null;
            var report = await services.GetRequiredService<ComplianceSnapshotBuilder>().EvaluateAsync(cancellationToken, production);
            if (parseResult.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(ComplianceResponse.From(report), Json));
            }
            else
            {
                var table = new Table().AddColumns("control", "status", "reason");
                foreach (var control in report.Controls)
                {
                    table.AddRow(Markup.Escape(control.Id), control.Status.ToString().ToUpperInvariant(), Markup.Escape(control.Reason));
                }

                AnsiConsole.Write(table);
                AnsiConsole.WriteLine($"{report.Mode}: {report.Controls.Count(c => c.Status == ControlStatus.Pass)} of {report.Controls.Count} controls pass (score {report.Score:0.00}).");
            }

            return report.Controls.All(c => c.Status == ControlStatus.Pass) ? 0 : 1;
        }));
        return command;
    }

    /// <summary>A key, setting or database problem is one line naming the setting, exit 2 as for other bad input.</summary>
    private static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (SecurityConfigurationException e)
        {
            return CliOutput.Fail(e.Message);
        }
        catch (EncryptionKeyException e)
        {
            return CliOutput.Fail(e.Message);
        }
        catch (Database.DatabaseConfigurationException e)
        {
            return CliOutput.Fail(e.Message);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return CliOutput.Fail($"the database cannot be reached: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
