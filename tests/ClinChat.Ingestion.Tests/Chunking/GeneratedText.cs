using System.Text;

namespace ClinChat.Ingestion.Tests;

/// <summary>Random clinical-looking text with the shapes that make splitting hard; deterministic for a seed.</summary>
internal static class GeneratedText
{
    private static readonly string[] Words =
    [
        "patient", "dose", "mg", "daily", "Dr.", "e.g.", "approx.", "2.5", "blood", "pressure", "renal", "(see", "below)",
        "\"stable\"", "U.S.", "vs.", "fever", "J.", "Smith", "No.", "5", "i.e.", "hepatitis", "B.", "...", "insulin",
        "monitor", "weekly", "3.14", "St.", "kidney", "CKD", "eGFR", "www.example.org", "Fig.", "1", "—", "x",
    ];

    private static readonly string[] Ends = [".", ".", ".", "?", "!", "...", ".\"", ".)", ""];

    public static string Create(Random random, int paragraphs)
    {
        var text = new StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            switch (random.Next(6))
            {
                case 0:
                    text.Append(Capitalised(Phrase(random, random.Next(1, 6)))).Append('\n');
                    break;
                case 1:
                    for (var i = random.Next(1, 5); i > 0; i--)
                    {
                        text.Append(random.Next(2) == 0 ? "- " : $"{i}. ").Append(Phrase(random, random.Next(1, 10))).Append('\n');
                    }

                    break;
            }

            var sentences = random.Next(1, 14);
            for (var s = 0; s < sentences; s++)
            {
                // Occasionally a run-on "sentence" far longer than any chunk.
                var length = random.Next(20) == 0 ? random.Next(150, 420) : random.Next(1, 30);
                text.Append(Capitalised(Phrase(random, length))).Append(Ends[random.Next(Ends.Length)]);
                text.Append(random.Next(8) switch { 0 => "\n", 1 => "  ", _ => " " });
            }

            text.Append(random.Next(4) == 0 ? "\n\n\n" : "\n\n");
        }

        return text.ToString();
    }

    private static string Phrase(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));

    private static string Capitalised(string phrase) =>
        phrase.Length == 0 ? phrase : char.ToUpperInvariant(phrase[0]) + phrase[1..];
}
