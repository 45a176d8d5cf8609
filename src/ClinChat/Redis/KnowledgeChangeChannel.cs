using System.Globalization;
using ClinChat.Hosting;
using ClinChat.Retrieval.Knowledge;
using StackExchange.Redis;

namespace ClinChat.Redis;

/// <summary>
/// The Redis channel <c>clinchat:kb-changed</c>: a replica that commits a knowledge base change publishes the change-feed
/// position (nothing else); every replica, the writer included, wakes its index follower at once. Polling the change feed
/// stays on as the backstop for messages lost while Redis is down (pub/sub does not queue).
/// </summary>
internal sealed partial class KnowledgeChangeChannel(RedisConnection redis, KnowledgeChangeSignal signal, TimeProvider time, ILogger<KnowledgeChangeChannel> logger)
    : BackgroundService, IKnowledgeChangePublisher
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("clinchat:kb-changed");

    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(5);

    public async Task PublishAsync(long sequence, CancellationToken cancellationToken)
    {
        try
        {
            await redis.Multiplexer!.GetSubscriber().PublishAsync(Channel, sequence).WaitAsync(cancellationToken);
        }
        catch (RedisException e)
        {
            // The write has committed; other replicas see it on their next poll.
            LogPublishFailed(logger, e.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Once a subscription is made the multiplexer restores it after every reconnect; only the first one may need retries.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.Multiplexer!.GetSubscriber().SubscribeAsync(Channel, (_, message) => OnMessage(message)).WaitAsync(stoppingToken);
                LogSubscribed(logger);
                return;
            }
            catch (RedisException e)
            {
                LogSubscribeFailed(logger, e.GetType().Name);
                await Task.Delay(SubscribeRetry, time, stoppingToken);
            }
        }
    }

    private void OnMessage(RedisValue message)
    {
        if (long.TryParse(message.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            signal.Notify(sequence);
        }
    }

    [LoggerMessage(EventId = 1611, Level = LogLevel.Information, Message = "Subscribed to knowledge base change notifications")]
    private static partial void LogSubscribed(ILogger logger);

    [LoggerMessage(EventId = 1612, Level = LogLevel.Warning, Message = "Subscribing to knowledge base change notifications failed ({Error}); polling meanwhile, retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 1613, Level = LogLevel.Warning, Message = "Publishing a knowledge base change failed ({Error}); other replicas will see it on their next poll")]
    private static partial void LogPublishFailed(ILogger logger, string error);
}
