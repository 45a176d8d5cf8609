using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClinChat.Hosting;
using ClinChat.Identity;
using ClinChat.Identity.Users;
using ClinChat.Tests.Identity;
using ClinChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinChat.Tests.Security;

/// <summary>The logging guard: a chat question full of synthetic PHI leaves none of it in any log record, at any level.</summary>
public sealed class PhiInLogsTests
{
    // Invented values: a fake name, a specimen SSN, a 555 number, an e-mail at an example domain.
    private static readonly string[] Needles = ["Quentin Abernathy-Vole", "Abernathy", "078-05-1120", "555-867-5309", "q.vole@example.org"];

    [Fact]
    public async Task ChatQuestionFullOfPhi_LeavesNoneInTheLogsEvenAtTraceLevel()
    {
        using var data = new TempDirectory("phi-logs");
        var capture = new CapturingLoggerProvider();
        await using var app = WebHost.Build(
            ["--urls", "http://127.0.0.1:0", "--ClinChat:SeedStarterKnowledgeBase=false", "--Logging:LogLevel:Default=Trace"],
            data.Root,
            builder => builder.Logging.AddProvider(capture));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        await app.Services.GetRequiredService<UserAdministration>().CreateAsync("log-clinician", [Roles.Clinician], IdentityTestHost.Password, CancellationToken.None);
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "log-clinician", password = IdentityTestHost.Password });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)JsonNode.Parse(await login.Content.ReadAsStringAsync())!["access_token"]!);

        using var response = await client.PostAsJsonAsync("/api/chat", new
        {
            question = "Patient Quentin Abernathy-Vole, SSN 078-05-1120, phone 555-867-5309, q.vole@example.org: how is gout treated?",
        });
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The screened-question event is logged (so this test sees the chat path), with its PHI-classified text erased
        // even though it was already screened: the guard does not rely on the detector having caught everything.
        var screened = Assert.Single(capture.Records, r => r.EventId == 2001);
        Assert.Equal("", screened.Values["Question"]);
        foreach (var record in capture.Records)
        {
            foreach (var needle in Needles)
            {
                Assert.False(record.Text.Contains(needle, StringComparison.OrdinalIgnoreCase), $"event {record.EventId} ({record.Category}) logged '{needle}'");
            }
        }
    }

    private sealed record LogRecord(string Category, int EventId, string Text, IReadOnlyDictionary<string, string?> Values);

    /// <summary>Keeps every record with its message, its structured values and any exception text.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogRecord> _records = new();

        public IReadOnlyCollection<LogRecord> Records => _records;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _records);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogRecord> records) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value?.ToString())
                    : [];
                var text = $"{formatter(state, exception)}|{string.Join(";", values.Select(p => $"{p.Key}={p.Value}"))}|{exception}";
                records.Enqueue(new LogRecord(category, eventId.Id, text, values));
            }
        }
    }
}
