using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace ClinChat.Cli;

/// <summary>Machine output goes to stdout as JSON lines; people output (progress, tables, errors) to stderr.</summary>
internal static class CliOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A one-line error on stderr and the exit code for bad input.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"clinchat: {message}");
        return 2;
    }
}
