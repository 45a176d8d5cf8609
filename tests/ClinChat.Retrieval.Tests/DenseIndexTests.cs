using ClinChat.Retrieval.Indexing;

namespace ClinChat.Retrieval.Tests;

public sealed class DenseIndexTests
{
    private const int Dimensions = 4;

    [Fact]
    public void Search_ReturnsTopKBestFirst()
    {
        var index = new DenseIndex(Dimensions);
        index.Add(1, "a", Unit(1, 0, 0, 0));
        index.Add(2, "b", Unit(0.6f, 0.8f, 0, 0));
        index.Add(3, "c", Unit(0, 1, 0, 0));
        index.Add(4, "d", Unit(0.8f, 0.6f, 0, 0));

        var hits = index.Search(Unit(1, 0, 0, 0), top: 3);

        Assert.Equal([1L, 4L, 2L], hits.Select(h => h.Key));
        Assert.Equal(["a", "d", "b"], hits.Select(h => h.DocumentId));
        Assert.Equal(1f, hits[0].Score, 5);
        Assert.Equal(0.8f, hits[1].Score, 5);
        Assert.Equal(0.6f, hits[2].Score, 5);
    }

    [Fact]
    public void Search_TopLargerThanIndex_ReturnsEverythingSorted()
    {
        var index = new DenseIndex(Dimensions);
        index.Add(1, "a", Unit(0, 1, 0, 0));
        index.Add(2, "b", Unit(1, 0, 0, 0));

        var hits = index.Search(Unit(1, 0.1f, 0, 0), top: 10);

        Assert.Equal([2L, 1L], hits.Select(h => h.Key));
    }

    [Fact]
    public void Search_EmptyIndex_ReturnsNothing() => Assert.Empty(new DenseIndex(Dimensions).Search(Unit(1, 0, 0, 0), 5));

    [Fact]
    public void Add_WrongDimensions_Throws()
    {
        var index = new DenseIndex(Dimensions);

        Assert.Throws<ArgumentException>(() => index.Add(1, "a", new float[3]));
    }

    [Fact]
    public void DeleteDocument_RemovesAllItsRowsFromSearchAndCount()
    {
        var index = new DenseIndex(Dimensions);
        index.Add(1, "a", Unit(1, 0, 0, 0));
        index.Add(2, "a", Unit(0.9f, 0.1f, 0, 0));
        index.Add(3, "b", Unit(0, 1, 0, 0));

        index.DeleteDocument("a");

        Assert.Equal(1, index.Count);
        Assert.Equal([3L], index.Search(Unit(1, 0, 0, 0), 10).Select(h => h.Key));
    }

    [Fact]
    public void DeleteDocument_Unknown_ChangesNothing()
    {
        var index = new DenseIndex(Dimensions);
        index.Add(1, "a", Unit(1, 0, 0, 0));

        index.DeleteDocument("zzz");

        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Add_AfterDelete_DocumentIsSearchableAgainWithNewRows()
    {
        var index = new DenseIndex(Dimensions);
        index.Add(1, "a", Unit(1, 0, 0, 0));
        index.DeleteDocument("a");

        index.Add(7, "a", Unit(0, 0, 1, 0));

        Assert.Equal([7L], index.Search(Unit(0, 0, 1, 0), 10).Select(h => h.Key));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Add_BeyondInitialCapacity_KeepsEveryVector()
    {
        var index = new DenseIndex(Dimensions);
        for (var i = 0; i < 3000; i++)
        {
            index.Add(i, "doc" + i, Spread(i));
        }

        Assert.Equal(3000, index.Count);
        foreach (var probe in new[] { 0, 1023, 1024, 2047, 2999 })
        {
            Assert.Equal(probe, index.Search(Spread(probe), 1)[0].Key);
        }
    }

    [Fact]
    public void DeleteDocument_ManyTombstones_CompactsAndKeepsSurvivorsSearchableAndDeletable()
    {
        var index = new DenseIndex(Dimensions);
        for (var i = 0; i < 2400; i++)
        {
            // Documents of two rows each, interleaved so compaction has to move survivors.
            index.Add(i, "doc" + (i % 1200), Spread(i));
        }

        for (var d = 0; d < 1200; d += 2)
        {
            index.DeleteDocument("doc" + d);
        }

        Assert.Equal(1200, index.Count);
        foreach (var probe in new[] { 1, 3, 1201, 1203, 2399 })
        {
            var hit = index.Search(Spread(probe), 1)[0];
            Assert.Equal((long)probe, hit.Key);
            Assert.Equal("doc" + (probe % 1200), hit.DocumentId);
        }

        Assert.DoesNotContain(index.Search(Spread(0), 2400), h => h.Key % 2 == 0);

        // Row bookkeeping after compaction must still find every row of a surviving document.
        index.DeleteDocument("doc1");
        Assert.Equal(1198, index.Count);
        Assert.DoesNotContain(index.Search(Spread(1), 2400), h => h.DocumentId == "doc1");
    }

    private static float[] Unit(float x, float y, float z, float w)
    {
        var length = MathF.Sqrt((x * x) + (y * y) + (z * z) + (w * w));
        return [x / length, y / length, z / length, w / length];
    }

    /// <summary>Distinct unit vectors on a circle: the nearest vector to Spread(i) is itself.</summary>
    private static float[] Spread(int i)
    {
        var angle = i * (2 * MathF.PI / 3001f);
        return [MathF.Cos(angle), MathF.Sin(angle), 0, 0];
    }
}
