using System.Diagnostics;
using System.Globalization;
using ClinChat.Interactions;

// Stopwatch harness (not BenchmarkDotNet: a run must fit a shared 2-core CI box in seconds).
// Usage: dotnet run -c Release --project bench/ClinChat.Interactions.Bench [iterations]
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
var engine = InteractionEngine.Create();
string[] regimen =
[
    "warfarin", "Pacerone", "simvastatin 40 mg", "metoprolol succinate", "lisinopril", "spironolactone", "Lasix",
    "digoxin", "metformin", "Lantus", "omeprazole", "Zoloft", "tramadol", "gabapentin",
    "Percocet", "alprazolam", "levothyroxine sodium", "allopurinol", "Cipro", "Klor-Con",
];

Report("normalise + check, 20 names", () => engine.Checker.Check(regimen));
var normalized = regimen.Select(n => engine.Normalizer.Normalize(n)).ToArray();
Report("check only, 20 normalised", () => engine.Checker.Check(normalized));
foreach (var name in new[] { "warfarin", "metoprolol succinate", "simvastatin 40 mg", "clarithromicin" })
{
    Report($"normalise '{name}'", () => engine.Normalizer.Normalize(name));
}

var build = Stopwatch.StartNew();
_ = InteractionEngine.Create();
Console.WriteLine($"engine build (expand {engine.ExpandedPairCount} pairs): {build.Elapsed.TotalMilliseconds:F0} ms");

void Report(string label, Action action)
{
    for (var i = 0; i < Math.Min(500, iterations); i++)
    {
        action();
    }

    var samples = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    Array.Sort(samples);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label}: mean {samples.Average():F1} µs, median {samples[iterations / 2]:F1} µs, p99 {samples[(int)(iterations * 0.99)]:F1} µs"));
}
