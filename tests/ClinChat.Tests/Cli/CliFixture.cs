using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Cli;

/// <summary>A data directory with a small synthetic folder ingested once by `clinchat ingest`; tests read it.</summary>
public sealed class CliFixture : IAsyncLifetime
{
    public const string GoutTreatment = "cards/gout-treatment.md";
    public const string GoutSymptoms = "cards/gout-symptoms.md";
    public const string Hyperkalaemia = "protocols/renal/hyperkalaemia.txt";
    public const string BadFile = "protocols/broken.pdf";

    public TempDirectory Sources { get; } = new("cli-sources");

    public TempDirectory Data { get; } = new("cli-data");

    /// <summary>Batch files and extra documents that must not land in the ingested folder.</summary>
    public TempDirectory Scratch { get; } = new("cli-scratch");

    public CliResult Ingest { get; private set; } = null!;

    public static IReadOnlyDictionary<string, string> Files { get; } = new Dictionary<string, string>
    {
        [GoutTreatment] = """
            ---
            title: Gout treatment
            url: https://example.org/gout/treatment
            ---
            A gout flare is treated with colchicine, a nonsteroidal anti-inflammatory drug or a short course of corticosteroid, started as early as possible.
            Long-term therapy with allopurinol lowers serum urate below 360 micromol/L and prevents further flares.
            """,
        [GoutSymptoms] = """
            ---
            title: Gout symptoms
            ---
            An attack of gout starts suddenly at night with intense pain in a single joint, most often at the base of the big toe.
            The affected joint becomes hot, swollen and red.
            """,
        [Hyperkalaemia] = """
            Hyperkalaemia emergency treatment

            Intravenous calcium gluconate is given first when the electrocardiogram shows changes of hyperkalaemia.
            Insulin with glucose moves potassium into cells within thirty minutes.
            Blood glucose is monitored for several hours after insulin because hypoglycaemia is common.
            """,
    };

    public async Task InitializeAsync()
    {
        foreach (var (path, text) in Files)
        {
            Sources.Write(path, text);
        }

        Sources.WriteBytes(BadFile, [0x00, 0x01, 0x02, 0x03]);
        Ingest = await RunAsync("ingest", Sources.Root);
        if (Ingest.ExitCode != 0)
        {
            throw new InvalidOperationException("ingest failed: " + Ingest);
        }
    }

    /// <summary>Runs `clinchat --data-dir DATA args…`.</summary>
    public Task<CliResult> RunAsync(params string[] args) => ClinChatExecutable.RunAsync(["--data-dir", Data.Root, .. args]);

    public Task DisposeAsync()
    {
        Sources.Dispose();
        Data.Dispose();
        Scratch.Dispose();
        return Task.CompletedTask;
    }
}
