using System.Text.Json.Serialization;
using ClinChat.Interactions.Normalization;

namespace ClinChat.Interactions.Checking;

/// <summary>
/// The interaction payload shared by HTTP and CLI; the evaluation tools parse these exact JSON names.
/// </summary>
public sealed record InteractionReport(
    [property: JsonPropertyName("medications")] IReadOnlyList<DrugNormalization> Medications,
    [property: JsonPropertyName("unknown")] IReadOnlyList<string> Unknown,
    [property: JsonPropertyName("interactions")] IReadOnlyList<InteractionFinding> Interactions);

/// <summary>One interacting pair of ingredients, with the two medications as the user typed them.</summary>
public sealed record InteractionFinding(
    [property: JsonPropertyName("inputs"), JsonPropertyOrder(0)] IReadOnlyList<string> Inputs,
    [property: JsonPropertyName("ingredients"), JsonPropertyOrder(1)] IReadOnlyList<string> Ingredients,
    [property: JsonIgnore] InteractionSeverity Severity,
    [property: JsonPropertyName("mechanism"), JsonPropertyOrder(3)] string Mechanism,
    [property: JsonPropertyName("effect"), JsonPropertyOrder(4)] string Effect,
    [property: JsonPropertyName("management"), JsonPropertyOrder(5)] string Management,
    [property: JsonPropertyName("source"), JsonPropertyOrder(6)] string Source,
    [property: JsonIgnore] string RuleId)
{
    [JsonPropertyName("severity")]
    [JsonPropertyOrder(2)]
    public string SeverityName => Severity.ToWireName();
}
