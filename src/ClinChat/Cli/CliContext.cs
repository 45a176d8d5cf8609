using System.CommandLine;

namespace ClinChat.Cli;

/// <summary>Options every command shares (the data directory), resolved once per invocation.</summary>
internal sealed class CliContext
{
    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Data directory (default: CLINCHAT_DATA_DIR, else ./data)",
        Recursive = true,
    };

    public string ResolveDataDir(ParseResult parseResult) =>
        Path.GetFullPath(parseResult.GetValue(DataDir)
            ?? Environment.GetEnvironmentVariable("CLINCHAT_DATA_DIR")
            ?? "data");
}
