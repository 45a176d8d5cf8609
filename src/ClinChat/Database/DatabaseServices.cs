using ClinChat.Hosting;
using ClinChat.Storage;
using ClinChat.Storage.Database;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinChat.Database;

/// <summary>
/// Which database the stores use. No connection configured: the embedded SQLite file under the data directory, migrated
/// automatically at start. A PostgreSQL connection (<c>CLINCHAT_DB_CONNECTION_FILE</c>, <c>CLINCHAT_DB_CONNECTION</c> or
/// <c>ClinChat:Database:Connection</c>, in that order): several replicas share it, and its schema is changed only by
/// <c>clinchat db migrate</c>.
/// </summary>
internal static class DatabaseServices
{
    public const string ConnectionVariable = "CLINCHAT_DB_CONNECTION";
    public const string ConnectionSetting = "ClinChat:Database:Connection";

    public static IServiceCollection AddStoreDatabase(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.TryAddSingleton(_ => Create(configuration, dataDirectory));
        return services;
    }

    public static StoreDatabase Create(IConfiguration configuration, string dataDirectory) =>
        ResolveConnection(configuration) is { } connection
            ? new PostgresStoreDatabase(connection)
            : new SqliteStoreDatabase(new KnowledgeOptions { DataDirectory = dataDirectory }.DatabasePath);

    /// <summary>The PostgreSQL connection string, or null for the embedded store. Errors name the setting, never the value.</summary>
    public static string? ResolveConnection(IConfiguration configuration) =>
        ServerConnection.Read(configuration, ConnectionVariable, ConnectionSetting, (name, problem) => new DatabaseConfigurationException(name, problem))
            is { } found ? Validate(found.Setting, found.Value) : null;

    /// <summary>
    /// Embedded store: applies every schema. Server store: checks that <c>clinchat db migrate</c> has applied them, and
    /// fails naming the command when it has not.
    /// </summary>
    public static async Task PrepareSchemasAsync(this StoreDatabase database, CancellationToken cancellationToken)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            foreach (var schema in SchemaCatalog.All)
            {
                await database.MigrateAsync(schema, cancellationToken);
            }

            return;
        }

        var versions = await database.GetSchemaVersionsAsync(cancellationToken);
        var missing = SchemaCatalog.All.Where(s => !versions.TryGetValue(s.Component, out var v) || v < s.Version).Select(s => s.Component).ToList();
        if (missing.Count > 0)
        {
            throw new DatabaseConfigurationException(
                "database schema", $"{database.Describe()} lacks the current schema of {string.Join(", ", missing)}: run `clinchat db migrate` first.");
        }
    }

    private static string Validate(string setting, string connection)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connection);
            return connection;
        }
        catch (ArgumentException)
        {
            throw new DatabaseConfigurationException(setting, "is not a valid PostgreSQL connection string.");
        }
    }
}

/// <summary>Every store's schema, in the order <c>clinchat db migrate</c> applies them.</summary>
internal static class SchemaCatalog
{
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        KnowledgeStore.Schema,
        Identity.IdentitySchema.Schema,
        .. Security.SecurityEngineServices.Schemas,
        Storage.Feedback.AnswerFeedbackStore.Schema,
        ClinChat.Backup.BackupLog.Schema,
    ];
}

/// <summary>The database setting is missing, unreadable or malformed, or the schema is not migrated. Never carries the value.</summary>
internal sealed class DatabaseConfigurationException(string setting, string problem)
    : Exception($"Database configuration '{setting}': {problem}");
