namespace ClinChat.Ingestion.Tests;

public sealed class DocumentLoaderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly DocumentLoader _loader = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Load_PlainText_TitleIsShortFirstLineAndTextNormalised()
    {
        var path = _folder.Write("notes.txt", "\r\nHypertension follow-up  \r\n\r\n\r\n\r\nRecheck blood pressure in 4 weeks.   \r\n");

        var document = await LoadOneAsync(path);

        Assert.Equal("notes.txt", document.Id);
        Assert.Equal("Hypertension follow-up", document.Title);
        Assert.Equal("Hypertension follow-up\n\nRecheck blood pressure in 4 weeks.", document.Text);
        Assert.Equal("text", document.Format);
    }

    [Fact]
    public async Task Load_PlainTextWithLongFirstLine_TitleIsFileName()
    {
        var path = _folder.Write("long-line.txt", new string('x', 300) + "\nmore");

        var document = await LoadOneAsync(path);

        Assert.Equal("long-line", document.Title);
    }

    [Fact]
    public async Task Load_MarkdownWithFrontMatter_TitleUrlMetadataAndPlainText()
    {
        var path = _folder.Write("guide.md", """
            ---
            title: "Asthma action plan"
            source: Synthetic Clinic
            url: https://example.org/asthma
            ---
            # Asthma

            Use your **reliever** inhaler when you have [symptoms](https://example.org/s).

            ## Daily care

            - Take the *preventer* inhaler every day.
            - Rinse your mouth after use.

            | Zone | Action |
            |------|--------|
            | Green | Continue |
            """);

        var document = await LoadOneAsync(path);

        Assert.Equal("Asthma action plan", document.Title);
        Assert.Equal("https://example.org/asthma", document.Url);
        Assert.Equal("Synthetic Clinic", document.Metadata["source"]);
        Assert.Equal("markdown", document.Format);
        Assert.Equal(
            "Asthma\n\nUse your reliever inhaler when you have symptoms.\n\nDaily care\n\n" +
            "- Take the preventer inhaler every day.\n- Rinse your mouth after use.\n\nZone | Action\nGreen | Continue",
            document.Text);
    }

    [Fact]
    public async Task Load_MarkdownWithoutFrontMatter_TitleFromFirstHeading()
    {
        var path = _folder.Write("gout.md", "Intro line.\n\n# Gout basics\n\nUric acid crystals.\n");

        var document = await LoadOneAsync(path);

        Assert.Equal("Gout basics", document.Title);
        Assert.Empty(document.Metadata);
    }

    [Fact]
    public async Task Load_Html_DropsChromeAndKeepsBlocksAndHeadings()
    {
        var path = _folder.Write("page.html", """
            <html><head><title>Influenza vaccine</title><style>p { color: red }</style>
            <link rel="canonical" href="https://example.org/flu"></head>
            <body>
              <header>Site banner</header><nav><a href="/">Home</a></nav>
              <h1>Flu shots</h1>
              <p>The vaccine is offered
                 every <b>autumn</b>.</p>
              <div>Adults over 65 receive a high-dose vaccine.<br>Ask your pharmacist.</div>
              <ul><li>Sore arm</li><li>Mild fever</li></ul>
              <table><tr><th>Age</th><th>Dose</th></tr><tr><td>65+</td><td>High</td></tr></table>
              <script>track();</script>
              <footer>Copyright</footer>
            </body></html>
            """);

        var document = await LoadOneAsync(path);

        Assert.Equal("Influenza vaccine", document.Title);
        Assert.Equal("https://example.org/flu", document.Url);
        Assert.Equal(
            "Flu shots\n\nThe vaccine is offered every autumn.\n\n" +
            "Adults over 65 receive a high-dose vaccine.\nAsk your pharmacist.\n\n" +
            "- Sore arm\n- Mild fever\n\nAge | Dose\n65+ | High",
            document.Text);
    }

    [Fact]
    public async Task Load_HtmlWithoutTitleElement_TitleFromFirstH1()
    {
        var path = _folder.Write("nohead.htm", "<body><h1>Shingles</h1><p>A painful rash.</p></body>");

        var document = await LoadOneAsync(path);

        Assert.Equal("Shingles", document.Title);
    }

    [Fact]
    public async Task Load_Pdf_TextPerPageWithWordSpacingAndTitleFromInfo()
    {
        var path = _folder.WriteBytes("leaflet.pdf", SampleFiles.Pdf(
            "Metformin leaflet",
            ["Metformin dosing", "Start with 500 mg once daily with food."],
            ["Page two mentions lactic acidosis."]));

        var document = await LoadOneAsync(path);

        Assert.Equal("Metformin leaflet", document.Title);
        Assert.Equal("pdf", document.Format);
        Assert.Contains("Start with 500 mg once daily with food.", document.Text);
        Assert.Contains("Page two mentions lactic acidosis.", document.Text);
        Assert.True(
            document.Text.IndexOf("food.", StringComparison.Ordinal) < document.Text.IndexOf("Page two", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Load_PdfWithoutInfoTitle_TitleFromFirstLine()
    {
        var path = _folder.WriteBytes("untitled.pdf", SampleFiles.Pdf(null, ["Warfarin monitoring", "Check INR weekly."]));

        var document = await LoadOneAsync(path);

        Assert.Equal("Warfarin monitoring", document.Title);
    }

    [Fact]
    public async Task Load_Docx_HeadingsParagraphsListsAndTablesAsLines()
    {
        var path = _folder.WriteBytes("protocol.docx", SampleFiles.Docx("Sepsis protocol", body =>
        {
            body.Append(SampleFiles.Paragraph("Recognition", style: "Heading1"));
            body.Append(SampleFiles.Paragraph("Screen every adult with a suspected infection."));
            body.Append(SampleFiles.Paragraph("Lactate", listItem: true));
            body.Append(SampleFiles.Paragraph("Blood cultures", listItem: true));
            body.Append(SampleFiles.Table(["Drug", "Dose"], ["Cefalexin", "500 mg"]));
        }));

        var document = await LoadOneAsync(path);

        Assert.Equal("Sepsis protocol", document.Title);
        Assert.Equal("docx", document.Format);
        Assert.Equal(
            "Recognition\n\nScreen every adult with a suspected infection.\n\n- Lactate\n- Blood cultures\n\n" +
            "Drug | Dose\nCefalexin | 500 mg",
            document.Text);
    }

    [Fact]
    public async Task Load_DocxWithoutCoreTitle_TitleFromFirstHeading()
    {
        var path = _folder.WriteBytes("notitle.docx", SampleFiles.Docx(null, body =>
        {
            body.Append(SampleFiles.Paragraph("Anaphylaxis", style: "Heading1"));
            body.Append(SampleFiles.Paragraph("Give intramuscular adrenaline."));
        }));

        var document = await LoadOneAsync(path);

        Assert.Equal("Anaphylaxis", document.Title);
    }

    [Fact]
    public async Task Load_JsonlWithBadLines_EachBadLineFailsAndTheRestLoad()
    {
        var path = _folder.Write("corpus.jsonl", string.Join('\n',
            """{"id":"a1","title":"Iron","text":"Take iron with vitamin C.","url":"https://example.org/iron","metadata":{"lang":"en","year":2024,"reviewed":true}}""",
            "",
            """{"id":"a2","title":"Broken",""",
            """{"title":"No id","text":"Orphan text."}""",
            """{"id":"a3","text":"   "}""",
            """["not","an","object"]""",
            """{"id":"a4","text":"Zinc lozenges.\r\n\r\n\r\nShort courses only."}"""));

        var items = await LoadAsync(path);

        Assert.Equal(
            ["corpus.jsonl:1", "corpus.jsonl:3", "corpus.jsonl:4", "corpus.jsonl:5", "corpus.jsonl:6", "corpus.jsonl:7"],
            items.Select(i => i.Source));
        var first = items[0].Document!;
        Assert.Equal(("a1", "Iron", "https://example.org/iron", "jsonl"), (first.Id, first.Title, first.Url, first.Format));
        Assert.Equal("en", first.Metadata["lang"]);
        Assert.Equal("2024", first.Metadata["year"]);
        Assert.Equal("true", first.Metadata["reviewed"]);
        Assert.StartsWith("invalid JSON", items[1].Error);
        Assert.Contains("\"id\"", items[2].Error);
        Assert.Equal("no text", items[3].Error);
        Assert.Equal("expected a JSON object", items[4].Error);
        Assert.Equal("Zinc lozenges.\n\nShort courses only.", items[5].Document!.Text);
        Assert.Equal("a4", items[5].Document!.Title);
    }

    [Fact]
    public async Task Load_MedQuadXml_OneDocumentPerAnsweredPair()
    {
        _folder.Write("medquad/9_SYNTH_QA/0000042.xml", SampleFiles.MedQuad(
            "0000042", "Frobnitz syndrome", "https://example.org/frobnitz",
            ("0000042-1", "information", "What is (are) Frobnitz syndrome ?",
                "Frobnitz syndrome is an invented condition.  It affects the left thumb.  \n   People with it (approx. 1 in 10) are fine."),
            ("0000042-2", "symptoms", "What are the symptoms of Frobnitz syndrome ?", "   "),
            ("0000042-3", "treatment", "What are the treatments for Frobnitz syndrome ?",
                "Options include:    - Rest.    - Warm water soaks.")));

        var items = await LoadAsync(Path.Combine(_folder.Root, "medquad"));

        Assert.Equal(2, items.Count);
        var first = items[0].Document!;
        Assert.Equal("medquad:9_SYNTH_QA/0000042-1", first.Id);
        Assert.Equal("Frobnitz syndrome", first.Title);
        Assert.Equal("https://example.org/frobnitz", first.Url);
        Assert.Equal("medquad", first.Format);
        Assert.Equal("Frobnitz syndrome is an invented condition.\n\nIt affects the left thumb.\nPeople with it (approx. 1 in 10) are fine.", first.Text);
        Assert.Equal("What is (are) Frobnitz syndrome ?", first.Metadata["question"]);
        Assert.Equal("information", first.Metadata["qtype"]);
        Assert.Equal("SYNTH", first.Metadata["source"]);
        Assert.Equal("9_SYNTH_QA", first.Metadata["collection"]);
        Assert.Equal("Frobnitz syndrome", first.Metadata["focus"]);
        Assert.Equal("medquad:9_SYNTH_QA/0000042-3", items[1].Document!.Id);
        Assert.Equal("Options include:\n- Rest.\n- Warm water soaks.", items[1].Document!.Text);
    }

    [Fact]
    public async Task Load_MedQuadFileNamedDifferentlyFromItsDocumentId_IdsTakeTheFileName()
    {
        var pair = ("0000013_2-1", "information", "What is (are) X ?", "X is invented.");
        _folder.Write("1_SYNTH_QA/0000013_2.xml", SampleFiles.MedQuad("0000013_2", "X", "https://example.org/x", pair));
        _folder.Write("1_SYNTH_QA/0000013_2_1.xml", SampleFiles.MedQuad("0000013_2", "Y", "https://example.org/x", pair));

        var items = await LoadAsync(_folder.Root);

        Assert.Equal(
            ["medquad:1_SYNTH_QA/0000013_2-1", "medquad:1_SYNTH_QA/0000013_2_1-1"],
            items.Select(i => i.Document?.Id));
    }

    [Fact]
    public async Task Load_XmlThatIsNotMedQuad_FailsAsUnsupportedXml()
    {
        var path = _folder.Write("feed.xml", "<rss><channel><title>News</title></channel></rss>");

        var item = Assert.Single(await LoadAsync(path));

        Assert.Null(item.Document);
        Assert.StartsWith("unsupported XML", item.Error);
    }

    [Fact]
    public async Task Load_Folder_RecursesInOrdinalOrderWithRelativeForwardSlashIds()
    {
        _folder.Write("kb/b.txt", "Bravo text.");
        _folder.Write("kb/a/z.md", "# Zulu\n\nZulu text.");
        _folder.Write("kb/a/deeper/c.txt", "Charlie text.");
        var single = _folder.Write("loose.txt", "Loose text.");

        var items = await LoadAsync(Path.Combine(_folder.Root, "kb"), single);

        Assert.Equal(["a/deeper/c.txt", "a/z.md", "b.txt", "loose.txt"], items.Select(i => i.Document!.Id));
        Assert.Equal(4, _loader.CountSources([Path.Combine(_folder.Root, "kb"), single]));
    }

    [Fact]
    public async Task Load_SameFileThroughFolderAndDirectly_LoadedOnce()
    {
        var file = _folder.Write("docs/one.txt", "One.");

        var items = await LoadAsync(Path.Combine(_folder.Root, "docs"), file);

        Assert.Equal("one.txt", Assert.Single(items).Document!.Id);
    }

    [Fact]
    public async Task Load_CorruptAndUnsupportedFiles_ReportedOneByOneWhileTheRestLoad()
    {
        _folder.Write("1-good.txt", "Aspirin reduces fever.");
        _folder.Write("2-fake.pdf", "this is not a pdf");
        _folder.WriteBytes("3-broken.docx", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x01, 0x02]);
        _folder.Write("4-image.png", "PNG");
        _folder.Write("5-bad.xml", "<Document><unclosed>");
        _folder.Write("6-empty.md", "---\ntitle: Empty\n---\n\n");
        _folder.Write("7-truncated.pdf", "%PDF-1.7\n1 0 obj << /Type /Catalog");
        _folder.Write("8-good.txt", "Ibuprofen reduces pain.");

        var items = await LoadAsync(_folder.Root, Path.Combine(_folder.Root, "missing.txt"));

        Assert.Equal(
            ["1-good.txt", "2-fake.pdf", "3-broken.docx", "4-image.png", "5-bad.xml", "6-empty.md", "7-truncated.pdf",
             "8-good.txt", Path.Combine(_folder.Root, "missing.txt")],
            items.Select(i => i.Source));
        Assert.NotNull(items[0].Document);
        Assert.NotNull(items[7].Document);
        Assert.Equal("not a PDF file (no %PDF header)", items[1].Error);
        Assert.StartsWith("not a readable DOCX file", items[2].Error);
        Assert.Equal("unsupported file type .png", items[3].Error);
        Assert.StartsWith("malformed XML", items[4].Error);
        Assert.Equal("no text", items[5].Error);
        Assert.StartsWith("not a readable PDF file", items[6].Error);
        Assert.Equal("file or folder not found", items[8].Error);
        Assert.All(items.Where(i => i.Error is not null), i => Assert.DoesNotContain(" at ", i.Error));
        Assert.Equal(9, _loader.CountSources([_folder.Root, Path.Combine(_folder.Root, "missing.txt")]));
    }

    [Fact]
    public async Task Load_DuplicateIdsAcrossFiles_SecondIsReported()
    {
        _folder.Write("a.jsonl", """{"id":"dup","text":"First."}""");
        _folder.Write("b.jsonl", """{"id":"dup","text":"Second."}""");

        var items = await LoadAsync(_folder.Root);

        Assert.NotNull(items[0].Document);
        Assert.Equal("duplicate document id 'dup' (first loaded from a.jsonl:1)", items[1].Error);
    }

    [Fact]
    public async Task Load_Cancelled_Throws()
    {
        _folder.Write("a.txt", "A.");
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _loader.LoadAsync([_folder.Root], cancellation.Token))
            {
            }
        });
    }

    private async Task<SourceDocument> LoadOneAsync(string path)
    {
        var item = Assert.Single(await LoadAsync(path));
        Assert.True(item.Document is not null, item.Error);
        return item.Document;
    }

    private async Task<List<LoadedItem>> LoadAsync(params string[] paths)
    {
        var items = new List<LoadedItem>();
        await foreach (var item in _loader.LoadAsync(paths, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }
}
