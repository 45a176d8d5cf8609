namespace ClinChat.Interactions.Normalization;

/// <summary>Optimal-string-alignment Damerau–Levenshtein distance with an early exit once the bound is exceeded.</summary>
internal static class EditDistance
{
    /// <returns>The distance, or <c>max + 1</c> when it is larger than <paramref name="max"/>.</returns>
    public static int Bounded(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var cols = b.Length + 1;
        Span<int> prev2 = cols <= 128 ? stackalloc int[cols] : new int[cols];
        Span<int> prev = cols <= 128 ? stackalloc int[cols] : new int[cols];
        Span<int> cur = cols <= 128 ? stackalloc int[cols] : new int[cols];
        for (var j = 0; j < cols; j++)
        {
            prev[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            var rowMin = cur[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, prev2[j - 2] + 1);
                }

                cur[j] = v;
                rowMin = Math.Min(rowMin, v);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            var t = prev2;
            prev2 = prev;
            prev = cur;
            cur = t;
        }

        return Math.Min(prev[b.Length], max + 1);
    }
}
