using System.CommandLine;
using ClinChat.Drugs;
using ClinChat.Hosting;
using ClinChat.Phi;
using ClinChat.Retrieval.Search;
using ClinChat.Database;
using ClinChat.Redis;
using ClinChat.Storage.Database;

namespace ClinChat.Cli;

/// <summary>The engines for one CLI invocation, over the data directory the command was given.</summary>
internal static class CliServices
{
    /// <summary>The same configuration sources as the web host: appsettings.json, then CLINCHAT-free environment keys.</summary>
    public static IConfiguration Configuration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    public static async Task<ServiceProvider> CreateAsync(
        CliContext context,
        ParseResult parseResult,
        CancellationToken cancellationToken,
        string? dataDirectory = null,
        RankingOptions? ranking = null)
    {
        var configuration = Configuration();
        var options = configuration.GetSection(KnowledgeOptions.Section).Get<KnowledgeOptions>() ?? new KnowledgeOptions();
        options.DataDirectory = dataDirectory ?? context.ResolveDataDir(parseResult);

        var collection = new ServiceCollection()
            .AddSingleton(configuration)
            .AddLogging()
            .AddMetrics()
            .AddStoreDatabase(configuration, options.DataDirectory)
            .AddRedisChangePublisher(configuration);
        if (ranking is not null)
        {
            collection.AddSingleton(ranking);
        }

        var services = collection
            .AddKnowledge(options)
            .AddPhi()
            .AddDrugs()
            .BuildServiceProvider();

        // The embedded store migrates itself; a server store is migrated by `clinchat db migrate`.
        await services.GetRequiredService<StoreDatabase>().PrepareSchemasAsync(cancellationToken);
        return services;
    }
}
