using System.CommandLine;
using ClinChat.Cli;
using ClinChat.Storage.Database;

namespace ClinChat.Database;

/// <summary>
/// `clinchat db migrate` applies every store's schema to the configured database (the only way a PostgreSQL schema
/// changes; the embedded store also migrates itself at start). `clinchat db status` prints the provider and the schema
/// versions. stdout: one JSON object; exit 0, or 1 with a one-line error.
/// </summary>
internal static class DatabaseCommands
{
    public static Command Create(CliContext context)
    {
        var db = new Command("db", "Database schema: migrate, status.");

        var migrate = new Command("migrate", "Create or upgrade every table ClinChat uses in the configured database (embedded SQLite or PostgreSQL).");
        migrate.SetAction(async (parseResult, cancellationToken) => await RunAsync(context, parseResult, async database =>
        {
            var applied = new List<string>();
            foreach (var schema in SchemaCatalog.All)
            {
                if (await database.MigrateAsync(schema, cancellationToken))
                {
                    applied.Add(schema.Component);
                }
            }

            CliOutput.WriteJson(new
            {
                provider = database.ProviderName,
                database = database.Describe(),
                applied,
                versions = await database.GetSchemaVersionsAsync(cancellationToken),
            });
        }));

        var status = new Command("status", "Print the database provider and the schema version of every store; exit 1 when any is missing or old.");
        status.SetAction(async (parseResult, cancellationToken) => await RunAsync(context, parseResult, async database =>
        {
            var versions = await database.GetSchemaVersionsAsync(cancellationToken);
            var current = SchemaCatalog.All.All(s => versions.TryGetValue(s.Component, out var v) && v >= s.Version);
            CliOutput.WriteJson(new
            {
                provider = database.ProviderName,
                database = database.Describe(),
                reachable = await database.PingAsync(cancellationToken),
                current,
                versions,
                required = SchemaCatalog.All.ToDictionary(s => s.Component, s => s.Version),
            });
            if (!current)
            {
                throw new DatabaseConfigurationException("database schema", "is missing or older than this version: run `clinchat db migrate`.");
            }
        }));

        db.Subcommands.Add(migrate);
        db.Subcommands.Add(status);
        return db;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, Func<StoreDatabase, Task> work)
    {
        try
        {
            await using var database = DatabaseServices.Create(CliServices.Configuration(), context.ResolveDataDir(parseResult));
            await work(database);
            return 0;
        }
        catch (DatabaseConfigurationException e)
        {
            CliOutput.Fail(e.Message);
            return 1;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            CliOutput.Fail($"the database cannot be reached or refused the change: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
