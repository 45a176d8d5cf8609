using System.Text.Json.Serialization;

namespace ClinChat.Interactions.Normalization;

/// <summary>How a typed name was resolved; the wire values of <c>matched_by</c>.</summary>
public static class MatchedBy
{
    public const string Generic = "generic";
    public const string Synonym = "synonym";
    public const string Brand = "brand";
    public const string Salt = "salt";
    public const string Combination = "combination";
    public const string Spelling = "spelling";
    public const string Unknown = "unknown";
}

/// <summary>One typed medication name and the active ingredients it resolved to (empty when unknown).</summary>
public sealed record DrugNormalization(
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("ingredients")] IReadOnlyList<string> Ingredients,
    [property: JsonPropertyName("matched_by")] string MatchedBy,
    [property: JsonIgnore] string? MatchedName = null)
{
    [JsonIgnore]
    public bool IsKnown => Ingredients.Count > 0;
}
