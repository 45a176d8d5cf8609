using ClinChat.Phi.Redaction;

namespace ClinChat.Phi.Tests;

[Collection(nameof(DetectorCollection))]
public sealed class PhiRedactorTests(DetectorFixture fixture)
{
    private readonly PhiRedactor _redactor = new(fixture.Detector);

    private static readonly string[] Names = ["Okonkwo", "Marisol Vantreese", "Lucile Quigg", "Bertrand Osei", "Ilse Brandvold"];
    private static readonly string[] Dates = ["10/02/2024", "2024-11-30", "08 Mar 2024", "March 3rd, 2025", "3/14", "7/22/1993"];
    private static readonly string[] Phones = ["(410) 555-0123", "617.555.0199", "410-555-0187"];
    private static readonly string[] Templates =
    [
        "Seen by Dr. {name} on {date}. Call {phone} with questions. MRN: {mrn}. BP 120/80, 2/6 murmur.",
        "Pt's daughter {first} called {date}; her number is {phone}. SSN {ssn} on file. Parkinson disease, Foley catheter in place.",
        "{name}, RN\nDischarged {date} to 2214 Quenby St, Dunmore, PA 18512. E-mail {email}.",
        "MR. {last} WAS TRANSFERRED FROM ALLERTON HOSPITAL ON {date}. PAGER #41736. 5/5 STRENGTH.",
    ];

    [Fact]
    public void Redact_AnyMode_NeverReturnsDetectedText()
    {
        // A seeded generator keeps the property test reproducible while covering many combinations.
        var random = new Random(20241130);
        for (var run = 0; run < 300; run++)
        {
            var text = Generate(random);
            var detected = fixture.Detector.Detect(text);
            var originals = detected.Select(s => text.Substring(s.Start, s.Length)).Where(o => o.Length >= 3).ToList();
            foreach (var mode in new[] { RedactionMode.Tag, RedactionMode.Mask, RedactionMode.Surrogate })
            {
                var redacted = _redactor.Redact(text, mode, new SurrogateScope(new Random(run))).Text;
                foreach (var original in originals)
                {
                    Assert.False(redacted.Contains(original, StringComparison.OrdinalIgnoreCase), $"run {run}, mode {mode}: a detected span survived");
                }
            }

            var mapping = new PlaceholderMapping();
            var reversible = _redactor.RedactReversible(text, mapping).Text;
            Assert.DoesNotContain(originals, o => reversible.Contains(o, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(text, mapping.Restore(reversible));
        }
    }

    [Fact]
    public void Redact_Tag_ReplacesWithTypeTags()
    {
        var result = _redactor.Redact("Seen by Dr. Okonkwo on 10/02/2024, SSN 123-45-6789.", RedactionMode.Tag);
        Assert.Equal("Seen by Dr. [NAME] on [DATE], SSN [SSN].", result.Text);
        Assert.Equal(["NAME", "DATE", "SSN"], result.Types);
    }

    [Fact]
    public void Redact_PhoneWithExtension_MasksWholeNumber()
    {
        var result = _redactor.Redact("Call 318.555.0142x217 today", RedactionMode.Mask);
        Assert.Equal("Call **************** today", result.Text);
    }

    [Fact]
    public void Redact_Surrogate_SameValueSameFakeWithinScope()
    {
        var scope = new SurrogateScope(new Random(7));
        var first = _redactor.Redact("Dr. Okonkwo called.", RedactionMode.Surrogate, scope).Text;
        var second = _redactor.Redact("Later Dr. Okonkwo called again.", RedactionMode.Surrogate, scope).Text;
        var fake = first["Dr. ".Length..first.IndexOf(" called", StringComparison.Ordinal)];
        Assert.NotEqual("Okonkwo", fake);
        Assert.Contains("Dr. " + fake + " called again", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_Surrogate_ShiftsDatesKeepingIntervals()
    {
        var scope = new SurrogateScope(new Random(11));
        var text = _redactor.Redact("Admitted 03/01/2024, discharged 03/11/2024.", RedactionMode.Surrogate, scope).Text;
        var dates = System.Text.RegularExpressions.Regex.Matches(text, @"\d{2}/\d{2}/\d{4}")
            .Select(m => DateTime.ParseExact(m.Value, "MM/dd/yyyy", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, dates.Count);
        Assert.Equal(10, (dates[1] - dates[0]).Days);
        Assert.Equal(new DateTime(2024, 3, 1).AddDays(scope.DateOffsetDays), dates[0]);
    }

    [Fact]
    public void RedactReversible_SameValue_GetsOnePlaceholder()
    {
        var mapping = new PlaceholderMapping();
        var result = _redactor.RedactReversible("Dr. Okonkwo saw her. Okonkwo will call.", mapping);
        Assert.Equal("Dr. [NAME_1] saw her. [NAME_1] will call.", result.Text);
        Assert.Equal("PlaceholderMapping(1 entries)", mapping.ToString());
    }

    [Fact]
    public void Redact_PlaceholderWithoutMapping_IsRejected() =>
        Assert.Throws<ArgumentException>(() => _redactor.Redact("x", RedactionMode.Placeholder));

    private static string Generate(Random random)
    {
        string Pick(string[] values) => values[random.Next(values.Length)];
        var name = Pick(Names);
        return Pick(Templates)
            .Replace("{name}", name, StringComparison.Ordinal)
            .Replace("{first}", name.Split(' ')[0], StringComparison.Ordinal)
            .Replace("{last}", name.Split(' ')[^1].ToUpperInvariant(), StringComparison.Ordinal)
            .Replace("{date}", Pick(Dates), StringComparison.Ordinal)
            .Replace("{phone}", Pick(Phones), StringComparison.Ordinal)
            .Replace("{mrn}", random.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{ssn}", $"{random.Next(100, 899)}-{random.Next(10, 99)}-{random.Next(1000, 9999)}", StringComparison.Ordinal)
            .Replace("{email}", name.Split(' ')[0].ToLowerInvariant() + "@example.org", StringComparison.Ordinal);
    }
}
