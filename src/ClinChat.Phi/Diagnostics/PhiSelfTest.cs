namespace ClinChat.Phi.Diagnostics;

public sealed record PhiProbeResult(string Probe, bool Passed);

public sealed record PhiSelfTestReport(bool Passed, IReadOnlyList<PhiProbeResult> Probes);

/// <summary>Built-in synthetic probes: each identifier kind must be found and each clinical look-alike left alone.</summary>
public static class PhiSelfTest
{
    private static readonly (string Name, string Text, string Value, PhiType? Expected)[] Probes =
    [
        ("name-title", "Seen by Dr. Okonkwo today.", "Okonkwo", PhiType.Name),
        ("name-signature", "Hortense Rushton, RN", "Hortense Rushton", PhiType.Name),
        ("date-numeric", "Admitted 10/02/2024.", "10/02/2024", PhiType.Date),
        ("date-text", "Seen March 3rd, 2025.", "March 3rd, 2025", PhiType.Date),
        ("phone", "Call (410) 555-0123.", "(410) 555-0123", PhiType.Phone),
        ("email", "Write to jane.roe@example.org.", "jane.roe@example.org", PhiType.Email),
        ("ssn", "SSN 123-45-6789.", "123-45-6789", PhiType.Ssn),
        ("mrn", "MRN: 00481516.", "00481516", PhiType.Mrn),
        ("address", "Lives at 2214 Quenby St.", "2214 Quenby St", PhiType.Location),
        ("ip", "From 192.168.10.24.", "192.168.10.24", PhiType.Ip),
        ("lookalike-bp", "BP 120/80.", "120/80", null),
        ("lookalike-murmur", "2/6 murmur.", "2/6", null),
        ("lookalike-eponym", "Parkinson disease, Foley catheter.", "Parkinson", null),
    ];

    public static PhiSelfTestReport Run(PhiDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var results = new List<PhiProbeResult>(Probes.Length);
        foreach (var (name, text, value, expected) in Probes)
        {
            var start = text.IndexOf(value, StringComparison.Ordinal);
            var end = start + value.Length;
            var spans = detector.Detect(text);
            var passed = expected is { } type
                ? spans.Any(s => s.Start <= start && s.End >= end && s.Type == type)
                : !spans.Any(s => s.Overlaps(start, end));
            results.Add(new PhiProbeResult(name, passed));
        }

        return new PhiSelfTestReport(results.TrueForAll(r => r.Passed), results);
    }
}
