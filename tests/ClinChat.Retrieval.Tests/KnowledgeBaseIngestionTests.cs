using ClinChat.Retrieval.Search;

namespace ClinChat.Retrieval.Tests;

[Collection(nameof(ModelCollection))]
public sealed class KnowledgeBaseIngestionTests(KnowledgeBaseFixture fixture)
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Ingest_Folder_UsesPathsRelativeToTheFolderAsIdsAndMakesDocumentsSearchable()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("cards/gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        kb.Sources.Write("notes.txt", "Asthma\n\nInhaled salbutamol relieves acute bronchospasm within minutes.");

        var report = await kb.IngestAsync(kb.Sources.Root);

        Assert.Equal((2, 0, 0, 0), (report.Added, report.Updated, report.Skipped, report.Failed));
        Assert.Equal(["cards/gout.md", "notes.txt"], report.DocumentIds);
        Assert.Equal("cards/gout.md", (await kb.SearchAsync("colchicine")).Hits[0].DocumentId);
        Assert.Equal("notes.txt", (await kb.SearchAsync("salbutamol bronchospasm")).Hits[0].DocumentId);
    }

    [Fact]
    public async Task Ingest_UnchangedDocumentAgain_IsSkippedAndKeepsItsChunks()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        await kb.IngestAsync(kb.Sources.Root);
        var keys = (await kb.StoredChunksAsync("gout.md")).Select(c => c.Key).ToList();
        var sequence = (await kb.Store.GetStatsAsync(Ct)).ChangeSequence;

        var report = await kb.IngestAsync(kb.Sources.Root);

        Assert.Equal((0, 0, 1, 0), (report.Added, report.Updated, report.Skipped, report.Failed));
        Assert.Equal(keys, (await kb.StoredChunksAsync("gout.md")).Select(c => c.Key));
        Assert.Equal(sequence, (await kb.Store.GetStatsAsync(Ct)).ChangeSequence);
    }

    [Fact]
    public async Task Ingest_ChangedDocument_ReplacesItsChunksInStoreAndIndexes()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        await kb.IngestAsync(kb.Sources.Root);

        kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with prednisolone when colchicine is not tolerated.");
        var report = await kb.IngestAsync(kb.Sources.Root);

        Assert.Equal((0, 1, 0, 0), (report.Added, report.Updated, report.Skipped, report.Failed));
        var chunk = Assert.Single(await kb.StoredChunksAsync("gout.md"));
        Assert.Contains("prednisolone", chunk.Text, StringComparison.Ordinal);
        Assert.Equal(1, kb.Index.ChunkCount);
        Assert.Equal(1, kb.Index.Dense.Count);
        Assert.Equal("gout.md", (await kb.SearchAsync("prednisolone", mode: RetrievalMode.Lexical)).Hits.Single().DocumentId);
        Assert.Empty((await kb.SearchAsync("started early", mode: RetrievalMode.Lexical)).Hits);
    }

    [Fact]
    public async Task Delete_Document_MakesItUnsearchableInBothIndexes()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        kb.Sources.Write("asthma.md", "# Asthma\n\nInhaled salbutamol relieves acute bronchospasm within minutes.");
        await kb.IngestAsync(kb.Sources.Root);

        Assert.True(await kb.KnowledgeBase.DeleteAsync("gout.md", Ct));

        Assert.Null(await kb.Store.GetDocumentAsync("gout.md", Ct));
        Assert.Empty(await kb.StoredChunksAsync("gout.md"));
        Assert.Empty((await kb.SearchAsync("colchicine", mode: RetrievalMode.Lexical)).Hits);
        Assert.Equal(["asthma.md"], (await kb.SearchAsync("How is a gout flare treated with colchicine?", mode: RetrievalMode.Dense)).Hits.Select(h => h.DocumentId));
        Assert.DoesNotContain((await kb.SearchAsync("colchicine for gout")).Hits, h => h.DocumentId == "gout.md");
    }

    [Fact]
    public async Task Delete_UnknownDocument_ReturnsFalse()
    {
        var kb = await fixture.CreateEmptyAsync();

        Assert.False(await kb.KnowledgeBase.DeleteAsync("never-ingested.md", Ct));
    }

    [Fact]
    public async Task Ingest_CorruptAndUnsupportedFilesInBatch_AreReportedOneByOneAndTheRestIsIngested()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("a-good.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        kb.Sources.WriteBytes("b-broken.pdf", [0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A, 0xFF, 0x00, 0x13, 0x37]);
        kb.Sources.WriteBytes("c-broken.docx", "PK\u0003\u0004 this is not a zip archive"u8.ToArray());
        kb.Sources.Write("d-program.exe", "MZ");
        kb.Sources.Write("e-good.txt", "Asthma\n\nInhaled salbutamol relieves acute bronchospasm within minutes.");

        var report = await kb.IngestAsync(kb.Sources.Root);

        Assert.Equal((2, 3), (report.Added, report.Failed));
        Assert.Equal(3, report.Errors.Count);
        Assert.Contains(report.Errors, e => e.StartsWith("b-broken.pdf: ", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.StartsWith("c-broken.docx: ", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.StartsWith("d-program.exe: ", StringComparison.Ordinal));
        Assert.Equal(["a-good.md", "e-good.txt"], (await kb.Store.ListDocumentsAsync(0, 10, Ct)).Select(d => d.Id));
        Assert.Equal("e-good.txt", (await kb.SearchAsync("salbutamol", mode: RetrievalMode.Lexical)).Hits.Single().DocumentId);
    }

    [Fact]
    public async Task Ingest_StoredDocumentReplacedByUnreadableFile_KeepsTheStoredVersion()
    {
        var kb = await fixture.CreateEmptyAsync();
        var path = kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        await kb.IngestAsync(kb.Sources.Root);
        var before = await kb.Store.GetDocumentAsync("gout.md", Ct);
        var chunksBefore = await kb.StoredChunksAsync("gout.md");

        // The same id now has no readable text: the batch reports it and must not touch what is stored.
        File.WriteAllText(path, "");
        kb.Sources.WriteBytes("other.pdf", [0x00, 0x01, 0x02]);
        var report = await kb.IngestAsync(kb.Sources.Root);

        Assert.Equal(2, report.Failed);
        Assert.Equal(before, await kb.Store.GetDocumentAsync("gout.md", Ct), new StoredDocumentComparer());
        Assert.Equal(chunksBefore.Select(c => (c.Key, c.Text)), (await kb.StoredChunksAsync("gout.md")).Select(c => (c.Key, c.Text)));
        Assert.Equal("gout.md", (await kb.SearchAsync("colchicine", mode: RetrievalMode.Lexical)).Hits.Single().DocumentId);
    }

    [Fact]
    public async Task Ingest_ChunksCarryTheirEmbeddingsSoARestartNeedsNoModel()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.\n\n## Prevention\n\nAllopurinol lowers urate over months.");
        await kb.IngestAsync(kb.Sources.Root);

        var chunks = await kb.StoredChunksAsync("gout.md");

        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal(384, c.Vector?.Length));
        Assert.All(chunks, c => Assert.Equal(1f, MathF.Sqrt(c.Vector!.Sum(v => v * v)), 3));
    }

    [Fact]
    public async Task Ingest_SameTextTwiceUnderNewIds_EmbedsItOnlyOnce()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("first/gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        await kb.IngestAsync(kb.Sources.Root);
        var embeddings = (await kb.Store.GetStatsAsync(Ct)).Embeddings;

        kb.Sources.Write("second/gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        var report = await kb.IngestAsync(kb.Sources.Root);

        Assert.Equal((1, 1), (report.Added, report.Skipped));
        Assert.Equal(embeddings, (await kb.Store.GetStatsAsync(Ct)).Embeddings);
    }

    [Fact]
    public async Task Index_RebuiltFromStore_FindsWhatWasIngested()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        await kb.IngestAsync(kb.Sources.Root);

        using var rebuilt = new Indexing.KnowledgeIndex(kb.Store);
        await rebuilt.EnsureLoadedAsync(Ct);

        Assert.Equal((1, kb.Index.ChunkCount, kb.Index.ChunkCount), (rebuilt.DocumentCount, rebuilt.ChunkCount, rebuilt.Dense.Count));
        var searcher = new HybridSearcher(rebuilt, kb.Embeddings, kb.Expander, new RankingOptions());
        Assert.Equal("gout.md", (await searcher.SearchAsync("colchicine", 5, RetrievalMode.Hybrid, Ct)).Hits[0].DocumentId);
    }

    [Fact]
    public async Task Index_ChangeWrittenByAnotherProcess_IsFollowedByCatchUp()
    {
        var kb = await fixture.CreateEmptyAsync();
        kb.Sources.Write("gout.md", "# Gout\n\nA gout flare is treated with colchicine started early.");
        await kb.IngestAsync(kb.Sources.Root);
        using var follower = new Indexing.KnowledgeIndex(kb.Store);
        await follower.EnsureLoadedAsync(Ct);

        await kb.KnowledgeBase.DeleteAsync("gout.md", Ct);
        var changed = await follower.CatchUpAsync(Ct);

        Assert.Equal(1, changed);
        Assert.Equal((0, 0), (follower.DocumentCount, follower.Dense.Count));
        Assert.Equal(kb.Index.Sequence, follower.Sequence);
    }

    private sealed class StoredDocumentComparer : IEqualityComparer<Storage.StoredDocument?>
    {
        public bool Equals(Storage.StoredDocument? x, Storage.StoredDocument? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Title == y.Title && x.Text == y.Text && x.ContentHash == y.ContentHash && x.UpdatedAt == y.UpdatedAt;

        public int GetHashCode(Storage.StoredDocument? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
