using System.CommandLine;
using ClinChat.Hosting;
using ClinChat.Retrieval.Search;
using ClinChat.Storage;

namespace ClinChat.Cli;

/// <summary>The engines for one CLI invocation, over the data directory the command was given.</summary>
internal static class CliServices
{
    public static async Task<ServiceProvider> CreateAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken, string? dataDirectory = null, RankingOptions? ranking = null)
    {
        var options = new KnowledgeOptions { DataDirectory = dataDirectory ?? context.ResolveDataDir(parseResult) };
        var collection = new ServiceCollection().AddLogging();
        if (ranking is not null)
        {
            collection.AddSingleton(ranking);
        }

        var services = collection.AddKnowledge(options).BuildServiceProvider();

        // The embedded store migrates itself; a server store is migrated by `clinchat db migrate`.
        await services.GetRequiredService<IKnowledgeStore>().MigrateAsync(cancellationToken);
        return services;
    }
}
