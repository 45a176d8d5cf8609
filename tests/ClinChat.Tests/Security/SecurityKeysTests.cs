using ClinChat.Tests.Infrastructure;

namespace ClinChat.Tests.Security;

/// <summary>Keys: supplied in production (or no start), generated once under the data directory in development.</summary>
public sealed class SecurityKeysTests : IDisposable
{
    private static readonly Dictionary<string, string?> Development = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = null,
        ["DOTNET_ENVIRONMENT"] = null,
        ["CLINCHAT_MASTER_KEY_FILE"] = null,
        ["CLINCHAT_AUDIT_SIGNING_KEY_FILE"] = null,
    };

    private readonly TempDirectory _data = new("keys");

    [Theory]
    [InlineData("CLINCHAT_MASTER_KEY_FILE")]
    [InlineData("CLINCHAT_AUDIT_SIGNING_KEY_FILE")]
    public async Task Serve_InProductionWithoutAKey_RefusesWithOneLineNamingTheVariable(string variable)
    {
        var result = await ClinChatExecutable.RunAsync(
            ["--data-dir", _data.Root, "serve", "--urls", "http://127.0.0.1:0"], new Dictionary<string, string?> { [variable] = null });
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(variable, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_GeneratesOwnerOnlyKeysOnce_AndReusesThem()
    {
        var first = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, "audit", "verify"], Development);
        Assert.True(first.ExitCode == 0, first.ToString());
        var master = _data.PathOf("keys/master.key");
        var signing = _data.PathOf("keys/audit-signing.key");
        var masterKey = await File.ReadAllTextAsync(master);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(master));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(signing));
        }

        var second = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, "users", "add", "frank", "--role", "admin"], Development);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(masterKey, await File.ReadAllTextAsync(master));
        var verify = await ClinChatExecutable.RunAsync(["--data-dir", _data.Root, "audit", "verify"], Development);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    public void Dispose() => _data.Dispose();
}
