using System.Collections.Frozen;
using System.Text.RegularExpressions;
using ClinChat.Interactions.Knowledge;

namespace ClinChat.Interactions.Normalization;

/// <summary>
/// Resolves what a clinician typed (generic, brand, salt form, combination, misspelling; any case or spacing)
/// to active ingredients, and says how. It never guesses between two drugs: an ambiguous misspelling is unknown.
/// </summary>
public sealed partial class DrugNameNormalizer
{
    // Dose-form and strength words say nothing about the active moiety.
    private static readonly FrozenSet<string> NoiseWords = new[]
    {
        "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "cap", "caps", "injection", "injectable", "inj",
        "solution", "soln", "suspension", "susp", "syrup", "elixir", "oral", "po", "iv", "im", "sc", "subcut",
        "subcutaneous", "intravenous", "topical", "cream", "ointment", "gel", "patch", "transdermal", "inhaler",
        "inhalation", "nebulizer", "nebulised", "nebulized", "spray", "nasal", "ophthalmic", "drops", "suppository",
        "er", "xr", "sr", "xl", "cr", "dr", "la", "ir", "cd", "odt", "ec", "extended-release", "extended",
        "delayed-release", "delayed", "release", "immediate-release", "immediate", "film-coated", "chewable",
        "liquid", "powder", "vial", "pen", "prefilled", "syringe", "mg", "mcg", "g", "ml", "units", "unit", "iu", "meq",
        "daily", "bid", "tid", "qid", "qd", "prn", "once", "twice", "dose", "generic",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Entry> _names;
    private readonly FrozenSet<string> _saltWords;
    private readonly Entry[][] _byLength;

    public DrugNameNormalizer(DrugKnowledgeBase knowledgeBase, IEnumerable<string>? extraGenerics = null)
    {
        ArgumentNullException.ThrowIfNull(knowledgeBase);
        var names = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var generic in knowledgeBase.DrugClasses.Keys)
        {
            names[generic] = new Entry(generic, [generic], MatchedBy.Generic);
        }

        foreach (var extra in extraGenerics ?? [])
        {
            var name = NameText.Clean(extra);
            names.TryAdd(name, new Entry(name, [name], MatchedBy.Generic));
        }

        foreach (var (alias, ingredients) in knowledgeBase.Synonyms)
        {
            names.TryAdd(alias, new Entry(alias, ingredients, MatchedBy.Synonym));
        }

        foreach (var (brand, ingredients) in knowledgeBase.Brands)
        {
            names.TryAdd(brand, new Entry(brand, ingredients, MatchedBy.Brand));
        }

        _names = names.ToFrozenDictionary(StringComparer.Ordinal);
        _saltWords = knowledgeBase.SaltWords.ToFrozenSet(StringComparer.Ordinal);
        var maxLength = names.Keys.Max(k => k.Length);
        _byLength = new Entry[maxLength + 3][];
        foreach (var group in names.Values.GroupBy(e => e.Name.Length))
        {
            _byLength[group.Key] = [.. group];
        }

        for (var i = 0; i < _byLength.Length; i++)
        {
            _byLength[i] ??= [];
        }
    }

    /// <summary>Every name this normaliser resolves exactly (generic, synonym, brand).</summary>
    public IEnumerable<string> KnownNames => _names.Keys;

    /// <summary>Resolves one typed name; unknown names come back with no ingredients and <c>matched_by</c> "unknown".</summary>
    public DrugNormalization Normalize(string input) => Normalize(input, allowSpelling: true);

    public DrugNormalization Normalize(string input, bool allowSpelling)
    {
        ArgumentNullException.ThrowIfNull(input);
        var clean = NameText.Clean(input);
        var resolved = Resolve(clean, allowSpelling, allowCombination: true);
        return resolved is { } r
            ? new DrugNormalization(input, r.Ingredients, r.MatchedBy, r.Name)
            : new DrugNormalization(input, [], MatchedBy.Unknown);
    }

    /// <summary>Exact lookup only (generic, synonym, brand, salt form), for spotting names in free text.</summary>
    internal bool TryExact(string clean, out IReadOnlyList<string> ingredients, out string matchedBy)
    {
        if (ResolveExact(clean) is { } r)
        {
            ingredients = r.Ingredients;
            matchedBy = r.MatchedBy;
            return true;
        }

        ingredients = [];
        matchedBy = MatchedBy.Unknown;
        return false;
    }

    private Entry? Resolve(string clean, bool allowSpelling, bool allowCombination)
    {
        if (clean.Length == 0)
        {
            return null;
        }

        if (ResolveExact(clean) is { } exact)
        {
            return exact;
        }

        if (allowCombination && ResolveCombination(clean, allowSpelling) is { } combination)
        {
            return combination;
        }

        return allowSpelling ? ResolveSpelling(clean) : null;
    }

    private Entry? ResolveExact(string clean)
    {
        if (_names.TryGetValue(clean, out var entry))
        {
            return entry;
        }

        var withoutParens = Parenthetical().Replace(clean, " ").Trim();
        var tokens = withoutParens.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(t => !NoiseWords.Contains(t) && !Strength().IsMatch(t))
            .ToList();
        if (tokens.Count == 0)
        {
            return null;
        }

        var denoised = string.Join(' ', tokens);
        if (denoised != clean && _names.TryGetValue(denoised, out entry))
        {
            return entry;
        }

        return ResolveSalt(tokens);
    }

    private Entry? ResolveSalt(List<string> tokens)
    {
        // Trailing salt words first ("calcium acetate" → calcium), then salt words anywhere ("sodium valproate").
        var trimmed = new List<string>(tokens);
        while (trimmed.Count > 1 && _saltWords.Contains(trimmed[^1]))
        {
            trimmed.RemoveAt(trimmed.Count - 1);
            if (_names.TryGetValue(string.Join(' ', trimmed), out var e))
            {
                return e with { MatchedBy = MatchedBy.Salt };
            }
        }

        var stripped = tokens.Where(t => !_saltWords.Contains(t)).ToList();
        if (stripped.Count > 0 && stripped.Count < tokens.Count && _names.TryGetValue(string.Join(' ', stripped), out var s))
        {
            return s with { MatchedBy = MatchedBy.Salt };
        }

        return null;
    }

    private Entry? ResolveCombination(string clean, bool allowSpelling)
    {
        foreach (var separator in new[] { CombinationSeparator(), Hyphen() })
        {
            var parts = separator.Split(clean).Select(p => p.Trim()).Where(p => p.Length > 0).ToArray();
            if (parts.Length < 2)
            {
                continue;
            }

            var ingredients = new List<string>();
            foreach (var part in parts)
            {
                if (Resolve(part, allowSpelling, allowCombination: false) is not { } r)
                {
                    ingredients.Clear();
                    break;
                }

                ingredients.AddRange(r.Ingredients);
            }

            if (ingredients.Count > 0)
            {
                return new Entry(clean, ingredients.Distinct(StringComparer.Ordinal).ToArray(), MatchedBy.Combination);
            }
        }

        return null;
    }

    private Entry? ResolveSpelling(string clean)
    {
        if (ClosestName(clean) is { } direct)
        {
            return direct with { MatchedBy = MatchedBy.Spelling };
        }

        // "metoprolol sucinate": drop words that are (near) salt or noise words and retry the rest.
        var tokens = clean.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (tokens.Count < 2)
        {
            return null;
        }

        var kept = tokens.Where(t => !IsNearSaltOrNoise(t) && !Strength().IsMatch(t)).ToList();
        if (kept.Count == 0 || kept.Count == tokens.Count)
        {
            return null;
        }

        var rest = string.Join(' ', kept);
        var resolved = ResolveExact(rest) ?? ClosestName(rest);
        return resolved is { } r ? r with { MatchedBy = MatchedBy.Spelling } : null;
    }

    private bool IsNearSaltOrNoise(string token)
    {
        if (_saltWords.Contains(token) || NoiseWords.Contains(token))
        {
            return true;
        }

        return token.Length >= 6 && _saltWords.Any(s => EditDistance.Bounded(token, s, 1) <= 1);
    }

    /// <summary>Unique nearest known name within the length-dependent bound, or null when none or ambiguous.</summary>
    private Entry? ClosestName(string clean)
    {
        var max = MaxEdits(clean.Length);
        if (max == 0)
        {
            return null;
        }

        Entry? best = null;
        var bestDistance = max + 1;
        var ambiguous = false;
        for (var len = Math.Max(1, clean.Length - max); len <= Math.Min(_byLength.Length - 1, clean.Length + max); len++)
        {
            foreach (var candidate in _byLength[len])
            {
                // A two-edit match must at least start like the name; it keeps "cefuroxime" from becoming "cefotaxime"-like neighbours.
                var d = EditDistance.Bounded(clean, candidate.Name, max);
                if (d > max || (d == 2 && candidate.Name[0] != clean[0]))
                {
                    continue;
                }

                if (d < bestDistance)
                {
                    best = candidate;
                    bestDistance = d;
                    ambiguous = false;
                }
                else if (d == bestDistance && best is not null && !best.Ingredients.SequenceEqual(candidate.Ingredients))
                {
                    ambiguous = true;
                }
            }
        }

        return ambiguous ? null : best;
    }

    internal static int MaxEdits(int length) => length switch
    {
        < 5 => 0,
        < 12 => 1,
        _ => 2,
    };

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthetical();

    [GeneratedRegex(@"^[\d.,/]+(mg|mcg|g|ml|%|units?|iu|meq|mmol)?(/[\w.]+)?$")]
    private static partial Regex Strength();

    [GeneratedRegex(@"\s*(?:/|\+|&|,|;|\bwith\b|\band\b|\bplus\b)\s*")]
    private static partial Regex CombinationSeparator();

    [GeneratedRegex(@"\s*-\s*")]
    private static partial Regex Hyphen();

    private sealed record Entry(string Name, IReadOnlyList<string> Ingredients, string MatchedBy);
}
