namespace ClinChat.Ingestion;

/// <param name="FullPath">Null when the path given does not exist.</param>
/// <param name="Id">Document id and report name: relative to the ingested folder, or the bare file name.</param>
internal sealed record SourceFile(string? FullPath, string Id)
{
    public string FileNameWithoutExtension => Path.GetFileNameWithoutExtension(FullPath ?? Id);

    /// <summary>Name of the folder that holds the file (the MedQuAD collection).</summary>
    public string FolderName => Path.GetFileName(Path.GetDirectoryName(FullPath)) ?? "";

    /// <summary>Files in a stable order; a file reached twice (folder and file both given) is read once.</summary>
    public static IEnumerable<SourceFile> Enumerate(IReadOnlyList<string> paths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var root = Path.GetFullPath(path);
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
                var files = Directory.EnumerateFiles(root, "*", options)
                    .Select(full => new SourceFile(full, Path.GetRelativePath(root, full).Replace('\\', '/')))
                    .OrderBy(f => f.Id, StringComparer.Ordinal);
                foreach (var file in files)
                {
                    if (seen.Add(file.FullPath!))
                    {
                        yield return file;
                    }
                }
            }
            else if (File.Exists(path))
            {
                var full = Path.GetFullPath(path);
                if (seen.Add(full))
                {
                    yield return new SourceFile(full, Path.GetFileName(full));
                }
            }
            else
            {
                yield return new SourceFile(null, path);
            }
        }
    }
}
