namespace ClinChat.Retrieval.Knowledge;

/// <summary>
/// Tells other processes following the same store that the knowledge base changed (the server: a Redis channel every
/// replica subscribes to). Called after the change has committed; a publisher never fails the write that preceded it,
/// because followers also poll the change feed.
/// </summary>
public interface IKnowledgeChangePublisher
{
    /// <param name="sequence">The change-feed position the store had reached after the write.</param>
    Task PublishAsync(long sequence, CancellationToken cancellationToken);
}
