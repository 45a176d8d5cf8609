using System.CommandLine;
using ClinChat.Cli;

namespace ClinChat.Phi;

/// <summary>`clinchat deid` (issue 3).</summary>
internal static class PhiCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        _ = context;
        return [];
    }

    /// <summary>The `clinchat eval phi` subcommand, or null until it exists.</summary>
    public static Command? CreateEval(CliContext context)
    {
        _ = context;
        return null;
    }
}
