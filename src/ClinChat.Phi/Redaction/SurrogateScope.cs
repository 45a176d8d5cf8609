using System.Globalization;

namespace ClinChat.Phi.Redaction;

/// <summary>
/// One patient, document or conversation: the same real value always gets the same fake, and every date moves by the
/// same random number of days so intervals survive. Not thread-safe; one scope per unit of work.
/// </summary>
public sealed class SurrogateScope
{
    private static readonly string[] FirstNames = ["Alex", "Jordan", "Casey", "Morgan", "Riley", "Taylor", "Jamie", "Avery", "Quinn", "Rowan", "Emerson", "Harper"];
    private static readonly string[] LastNames = ["Ashdown", "Brightwater", "Calloway", "Dunmore", "Ellery", "Fairbanks", "Greystone", "Holloway", "Ingram", "Jessup", "Kingsley", "Larkspur"];
    private static readonly string[] Places = ["Riverton", "Maplewood", "Cedar Falls", "Brookhaven", "Fairview", "Oakridge", "Lakeside", "Hillcrest"];

    private static readonly string[] DateFormats =
    [
        // Zero-padded forms first, so a shifted date keeps the writer's padding.
        "MM/dd/yyyy", "M/d/yyyy", "MM/dd/yy", "M/d/yy", "yyyy-MM-dd", "yyyy-M-d", "MM-dd-yyyy", "M-d-yyyy", "M-d-yy", "dd.MM.yyyy", "d.M.yyyy", "MM/yyyy", "M/yyyy", "M/d",
        "dd MMM yyyy", "d MMM yyyy", "MMMM d, yyyy", "MMM d, yyyy", "MMMM d yyyy", "dddd, MMMM d, yyyy", "MMMM yyyy", "MMMM d", "MMM d", "d MMMM yyyy",
    ];

    private readonly Random _random;
    private readonly Dictionary<(PhiType, string), string> _assigned = [];

    public SurrogateScope(Random random)
    {
        _random = random ?? throw new ArgumentNullException(nameof(random));
        DateOffsetDays = _random.Next(-365, 366) is var d && d == 0 ? 17 : d;
    }

    public SurrogateScope()
        : this(new Random())
    {
    }

    /// <summary>Days every date in this scope moves by (never zero).</summary>
    public int DateOffsetDays { get; }

    internal string SurrogateFor(PhiType type, string original)
    {
        var key = (type, original.ToUpperInvariant());
        if (!_assigned.TryGetValue(key, out var fake))
        {
            fake = Make(type, original);
            _assigned[key] = fake;
        }

        return fake;
    }

    private string Make(PhiType type, string original) => type switch
    {
        PhiType.Name => original.Contains(' ', StringComparison.Ordinal)
            ? $"{Pick(FirstNames)} {Pick(LastNames)}"
            : Pick(LastNames),
        PhiType.Location when !original.Any(char.IsDigit) => Pick(Places),
        PhiType.Date => ShiftDate(original) ?? Scramble(original),
        PhiType.Age => "90+",
        PhiType.Email => $"person{_random.Next(1000, 9999)}@example.org",
        PhiType.Url => $"https://example.org/r/{_random.Next(1000, 9999)}",
        _ => Scramble(original),
    };

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private string? ShiftDate(string original)
    {
        var trimmed = original.Trim();
        var noOrdinal = System.Text.RegularExpressions.Regex.Replace(trimmed, @"(?<=\d)(st|nd|rd|th)\b", "", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        foreach (var format in DateFormats)
        {
            if (DateTime.TryParseExact(noOrdinal, format, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date))
            {
                // Day-less formats ("01/2025") shift by whole months so the fake stays well-formed.
                var shifted = format.Contains('d', StringComparison.Ordinal) ? date.AddDays(DateOffsetDays) : date.AddMonths(Math.Sign(DateOffsetDays) * Math.Max(1, Math.Abs(DateOffsetDays) / 30));
                var result = shifted.ToString(format, CultureInfo.InvariantCulture);
                return string.Equals(result, trimmed, StringComparison.OrdinalIgnoreCase) ? null : result;
            }
        }

        return null;
    }

    /// <summary>Keeps the shape (separators, letter/digit positions) and changes every letter and digit.</summary>
    private string Scramble(string original)
    {
        var chars = original.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsAsciiDigit(c))
            {
                chars[i] = (char)('0' + ((c - '0' + _random.Next(1, 10)) % 10));
            }
            else if (char.IsLetter(c))
            {
                var upper = char.IsUpper(c);
                var r = (char)('a' + _random.Next(26));
                chars[i] = upper ? char.ToUpperInvariant(r) : r;
                if (char.ToLowerInvariant(chars[i]) == char.ToLowerInvariant(c))
                {
                    chars[i] = upper ? 'Q' : 'q';
                }
            }
        }

        return new string(chars);
    }
}
