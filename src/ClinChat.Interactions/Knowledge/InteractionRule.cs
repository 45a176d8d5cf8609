namespace ClinChat.Interactions.Knowledge;

/// <summary>
/// One clinical statement: every member of <see cref="A"/> interacts with every member of <see cref="B"/>.
/// Members are drug names (generic) or class ids from the knowledge base. <see cref="Overrides"/> marks a
/// deliberate downgrade: without it a more severe, less specific rule of the same source still wins.
/// </summary>
public sealed record InteractionRule(
    string Id,
    IReadOnlyList<string> A,
    IReadOnlyList<string> B,
    InteractionSeverity Severity,
    string Mechanism,
    string Effect,
    string Management,
    string Source,
    string SourceSet,
    bool Overrides = false);

/// <summary>A drug class as written in classes.yaml; <see cref="Includes"/> pulls in whole other classes.</summary>
public sealed record DrugClass(string Id, string Description, IReadOnlyList<string> Includes);
