using ClinChat.Testing;

namespace ClinChat.Tests.Infrastructure;

/// <summary>The assembly's PostgreSQL server (<see cref="PostgresFixture"/>), shared by the classes of this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = PostgresFixture.Collection;
}
