namespace ClinChat.Ingestion;

internal static class PlainTextFormat
{
    public static async Task<SourceDocument> ReadAsync(SourceFile file, CancellationToken cancellationToken)
    {
        var text = TextNormalizer.Normalize(await File.ReadAllTextAsync(file.FullPath!, cancellationToken));
        var title = TextNormalizer.ShortFirstLine(text) ?? file.FileNameWithoutExtension;
        return new SourceDocument(file.Id, title, text, null, new Dictionary<string, string>(), "text");
    }
}
