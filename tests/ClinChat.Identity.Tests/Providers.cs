using ClinChat.Testing;

namespace ClinChat.Identity.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = PostgresFixture.Collection;
}

public sealed class SqliteSignInTests : SignInTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => Task.FromResult(TestStoreDatabase.Sqlite("clinchat-identity"));

    [Fact]
    public async Task Storage_FileHoldsNoPasswordRefreshTokenOrRecoveryCodeInClear()
    {
        await using var identity = await CreateIdentityAsync();
        var admin = await identity.AddUserAsync("root-admin", Roles.Admin);
        var tokens = (await identity.SignIn.SignInAsync("root-admin", Password, identity.Code(admin.Mfa!.Secret), None)).Tokens!;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var path = identity.Database.SqlitePath!;
        var bytes = await File.ReadAllBytesAsync(path);
        var wal = path + "-wal";
        var all = System.Text.Encoding.Latin1.GetString(File.Exists(wal) ? [.. bytes, .. await File.ReadAllBytesAsync(wal)] : bytes);
        Assert.Contains("root-admin", all, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, all, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken, all, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.RecoveryCodes![0], all, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.RecoveryCodes![0].Replace("-", "", StringComparison.Ordinal), all, StringComparison.Ordinal);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSignInTests(PostgresFixture postgres) : SignInTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => TestStoreDatabase.PostgresAsync(postgres.Server, "identity");
}

public sealed class SqliteAdministrationTests : AdministrationTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => Task.FromResult(TestStoreDatabase.Sqlite("clinchat-identity"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAdministrationTests(PostgresFixture postgres) : AdministrationTests
{
    protected override Task<TestStoreDatabase> NewDatabaseAsync() => TestStoreDatabase.PostgresAsync(postgres.Server, "identity");
}
