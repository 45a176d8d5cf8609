using System.CommandLine;
using ClinChat.Cli;

namespace ClinChat.Drugs;

/// <summary>`clinchat interactions` (issue 4).</summary>
internal static class DrugCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        _ = context;
        return [];
    }

    /// <summary>The `clinchat eval interactions` subcommand, or null until it exists.</summary>
    public static Command? CreateEval(CliContext context)
    {
        _ = context;
        return null;
    }
}
