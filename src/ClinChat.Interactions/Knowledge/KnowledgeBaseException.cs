namespace ClinChat.Interactions.Knowledge;

/// <summary>The curated data files are inconsistent; the message names the file and the entry.</summary>
public sealed class KnowledgeBaseException(string message) : Exception(message);
