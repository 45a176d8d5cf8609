namespace ClinChat.Phi.Detection;

internal static class Checksums
{
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        int sum = 0, count = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var c = digits[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            var d = c - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
            count++;
        }

        return count > 1 && sum % 10 == 0;
    }

    /// <summary>An NPI is Luhn-valid once prefixed with the card issuer 80840.</summary>
    public static bool Npi(ReadOnlySpan<char> tenDigits)
    {
        if (tenDigits.Length != 10 || tenDigits[0] is not ('1' or '2'))
        {
            return false;
        }

        Span<char> buffer = stackalloc char[15];
        "80840".CopyTo(buffer);
        tenDigits.CopyTo(buffer[5..]);
        return Luhn(buffer);
    }

    /// <summary>DEA: two letters, seven digits; (d1+d3+d5) + 2(d2+d4+d6) ends in d7.</summary>
    public static bool Dea(ReadOnlySpan<char> value)
    {
        if (value.Length != 9 || !char.IsAsciiLetter(value[0]) || !(char.IsAsciiLetter(value[1]) || value[1] == '9'))
        {
            return false;
        }

        Span<int> d = stackalloc int[7];
        for (var i = 0; i < 7; i++)
        {
            if (!char.IsAsciiDigit(value[i + 2]))
            {
                return false;
            }

            d[i] = value[i + 2] - '0';
        }

        return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6];
    }

    /// <summary>North American VIN check digit (position 9).</summary>
    public static bool Vin(ReadOnlySpan<char> vin)
    {
        if (vin.Length != 17)
        {
            return false;
        }

        ReadOnlySpan<int> weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        var sum = 0;
        var hasDigit = false;
        var hasLetter = false;
        for (var i = 0; i < 17; i++)
        {
            var c = char.ToUpperInvariant(vin[i]);
            int v;
            if (char.IsAsciiDigit(c))
            {
                v = c - '0';
                hasDigit = true;
            }
            else
            {
                v = c switch
                {
                    'A' or 'J' => 1, 'B' or 'K' or 'S' => 2, 'C' or 'L' or 'T' => 3, 'D' or 'M' or 'U' => 4,
                    'E' or 'N' or 'V' => 5, 'F' or 'W' => 6, 'G' or 'P' or 'X' => 7, 'H' or 'Y' => 8, 'R' or 'Z' => 9,
                    _ => -1,
                };
                if (v < 0)
                {
                    return false;
                }

                hasLetter = true;
            }

            sum += v * weights[i];
        }

        var check = sum % 11;
        var expected = check == 10 ? 'X' : (char)('0' + check);
        return hasDigit && hasLetter && char.ToUpperInvariant(vin[8]) == expected;
    }
}
