using System.CommandLine;
using ClinChat.Hosting;

namespace ClinChat.Cli;

/// <summary>`clinchat serve`: the web host. ASP.NET Core options such as <c>--urls</c> pass straight through.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var urls = new Option<string?>("--urls") { Description = "Listen addresses (default http://localhost:3000)" };
        var command = new Command("serve", "Run the web server (chat UI, HTTP API, probes).") { urls };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var hostArgs = new List<string>(parseResult.UnmatchedTokens);
            if (parseResult.GetValue(urls) is { } listen)
            {
                hostArgs.Add("--urls");
                hostArgs.Add(listen);
            }

            try
            {
                var app = WebHost.Build([.. hostArgs], context.ResolveDataDir(parseResult));
                await app.RunAsync(cancellationToken);
            }
            catch (Security.Secrets.SecurityConfigurationException e)
            {
                // A missing or malformed key is a deployment error: one line naming the variable, no stack trace.
                Console.Error.WriteLine($"clinchat: {e.Message}");
                return 1;
            }
            catch (Database.DatabaseConfigurationException e)
            {
                // An unreadable connection setting or a schema `clinchat db migrate` has not applied: one line, no stack trace.
                Console.Error.WriteLine($"clinchat: {e.Message}");
                return 1;
            }

            return Environment.ExitCode;
        });
        return command;
    }
}
