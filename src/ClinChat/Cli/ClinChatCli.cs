using System.CommandLine;
using ClinChat.Drugs;
using ClinChat.Phi;

namespace ClinChat.Cli;

/// <summary>The command tree: a table of contents of what `clinchat` can do.</summary>
internal static class ClinChatCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var context = new CliContext();
        var root = new RootCommand("ClinChat: grounded clinical question answering over the hospital's knowledge base.");
        root.Options.Add(context.DataDir);

        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(Identity.UserCommands.Create(context));
        Backup.BackupCommands.AddTo(root, context);
        root.Subcommands.Add(Database.DatabaseCommands.Create(context));
        foreach (var command in KnowledgeCommands.Create(context))
        {
            root.Subcommands.Add(command);
        }

        foreach (var command in PhiCommands.Create(context).Concat(DrugCommands.Create(context)).Concat(Security.SecurityCommands.Create(context)))
        {
            root.Subcommands.Add(command);
        }

        var eval = new Command("eval", "Evaluate an engine on a data set and print its figures.");
        eval.Subcommands.Add(EvalCommands.CreateRetrieval(context));
        eval.Subcommands.Add(EvalCommands.CreateAnswers(context));
        eval.Subcommands.Add(EvalCommands.CreateStartup(context));
        eval.Subcommands.Add(EvalCommands.CreateConvert());
        eval.Subcommands.Add(Accuracy.AccuracyCommands.CreateEval(context));
        foreach (var sub in new[] { PhiCommands.CreateEval(context), DrugCommands.CreateEval(context) })
        {
            if (sub is not null)
            {
                eval.Subcommands.Add(sub);
            }
        }

        root.Subcommands.Add(eval);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Bad arguments get the same one line on stderr as every command's own checks; help stays behind --help.
            return CliOutput.Fail($"{parseResult.Errors[0].Message} (see clinchat --help)");
        }

        return await parseResult.InvokeAsync();
    }
}
