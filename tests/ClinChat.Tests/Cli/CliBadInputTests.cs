using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Cli;

/// <summary>Bad input: one line on stderr saying what is wrong, nothing on stdout, a non-zero exit code.</summary>
public sealed class CliBadInputTests : IDisposable
{
    private readonly TempDirectory _data = new("cli-bad");

    public static TheoryData<string[], string> BadInvocations => new()
    {
        { ["ask"], "give a question, or --batch FILE" },
        { ["search", "--json"], "give a question, or --batch FILE" },
        { ["search", "--top", "0", "sepsis"], "--top must be between 1 and 100" },
        { ["search", "--top", "101", "sepsis"], "--top must be between 1 and 100" },
        { ["ask", "--batch", "/no/such/questions.jsonl"], "no such file: /no/such/questions.jsonl" },
        { ["ingest", "/no/such/folder"], "no such file or folder: /no/such/folder" },
        { ["kb", "delete", "never-ingested.md"], "no document with id never-ingested.md" },
        { ["deid", "--places", "/no/such/places.txt"], "no such file: /no/such/places.txt" },
    };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public async Task Command_BadInput_FailsWithOneLineOnStderr(string[] args, string message)
    {
        var result = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, .. args]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("clinchat: " + message, Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout.Trim());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("search", "--tpo", "3", "sepsis")]
    [InlineData("search", "--top", "three", "sepsis")]
    public async Task Command_UnparsableArguments_FailsWithOneLineOnStderrAndNothingOnStdout(params string[] args)
    {
        var result = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, .. args]);

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("clinchat: ", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout.Trim());
    }

    [Fact]
    public async Task Help_IsPrintedOnStdoutWithSuccess()
    {
        var result = await ClinChatExecutable.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ingest", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("search", result.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();
}
