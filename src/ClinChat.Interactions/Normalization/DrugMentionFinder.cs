using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ClinChat.Interactions.Normalization;

/// <summary>A drug named in free text: where it is, what was written and what it resolved to.</summary>
public sealed record DrugMention(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("length")] int Length,
    [property: JsonPropertyName("ingredients")] IReadOnlyList<string> Ingredients,
    [property: JsonPropertyName("matched_by")] string MatchedBy);

/// <summary>
/// Spots drug names in a chat question with the same normaliser the checker uses, so anything the checker
/// understands (brands, salts, combinations, misspellings) is found in prose too.
/// </summary>
public sealed partial class DrugMentionFinder(DrugNameNormalizer normalizer)
{
    private const int MaxWordsPerName = 4;

    // Prose misspellings are riskier than typed medication lists: only long words are corrected, by one edit.
    private const int MinFuzzyWordLength = 7;

    public IReadOnlyList<DrugMention> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = Word().Matches(text);
        var mentions = new List<DrugMention>();
        var i = 0;
        while (i < words.Count)
        {
            var consumed = 0;
            for (var n = Math.Min(MaxWordsPerName, words.Count - i); n >= 1 && consumed == 0; n--)
            {
                var first = words[i];
                var last = words[i + n - 1];
                if (n > 1 && !OnlySpacesBetween(text, words, i, n))
                {
                    continue;
                }

                var span = text[first.Index..(last.Index + last.Length)];
                var clean = NameText.Clean(span);
                if (normalizer.TryExact(clean, out var ingredients, out var matchedBy))
                {
                    mentions.Add(new DrugMention(span, first.Index, span.Length, ingredients, matchedBy));
                    consumed = n;
                }
                else if (n == 1)
                {
                    var r = normalizer.Normalize(span, allowSpelling: false);
                    if (!r.IsKnown && span.Length >= MinFuzzyWordLength && DrugNameNormalizer.MaxEdits(span.Length) >= 1)
                    {
                        r = normalizer.Normalize(span, allowSpelling: true);
                        if (r.MatchedBy == MatchedBy.Spelling && r.MatchedName is { } name && Normalization.EditDistance.Bounded(clean, name, 1) > 1)
                        {
                            r = r with { Ingredients = [] };
                        }
                    }

                    if (r.IsKnown)
                    {
                        mentions.Add(new DrugMention(span, first.Index, span.Length, r.Ingredients, r.MatchedBy));
                        consumed = 1;
                    }
                }
            }

            i += Math.Max(consumed, 1);
        }

        return mentions;
    }

    /// <summary>Distinct ingredients mentioned, in order of first mention.</summary>
    public IReadOnlyList<string> FindIngredients(string text) =>
        Find(text).SelectMany(m => m.Ingredients).Distinct(StringComparer.Ordinal).ToArray();

    private static bool OnlySpacesBetween(string text, MatchCollection words, int start, int count)
    {
        for (var k = start; k < start + count - 1; k++)
        {
            var gapStart = words[k].Index + words[k].Length;
            var gap = text.AsSpan(gapStart, words[k + 1].Index - gapStart);
            if (!gap.IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"[\p{L}][\p{L}\p{N}]*(?:[-/][\p{L}\p{N}]+)*")]
    private static partial Regex Word();
}
