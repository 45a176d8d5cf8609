using System.Runtime.CompilerServices;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinChat.Security.Audit;

/// <summary>
/// The tamper-evident audit trail: appends (serialised in-process, atomic in the store), signed checkpoints,
/// verification, queries and exports. One instance per process (singleton).
/// </summary>
public sealed class AuditTrail
{
    private readonly IAuditStore _store;
    private readonly AuditSigningKeys _keys;
    private readonly TimeProvider _time;
    private readonly AuditOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastCheckpointSequence = -1;

    public AuditTrail(IAuditStore store, AuditSigningKeys keys, TimeProvider time, AuditOptions options, ILogger<AuditTrail>? logger = null)
    {
        options.Validate();
        _store = store;
        _keys = keys;
        _time = time;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public IAuditStore Store => _store;

    /// <summary>
    /// Appends one event to the chain. Once the audited action has taken effect, pass a token that the request's
    /// abort does not cancel (for example <see cref="CancellationToken.None"/> or the host's stopping token), so the
    /// record is not lost with the request.
    /// </summary>
    public async Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        auditEvent.Validate();
        AuditRecord record;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            record = await _store.AppendAsync(auditEvent, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        await MaybeCheckpointAsync(record.Sequence, cancellationToken);
        return record;
    }

    /// <summary>Records an event stamped now (the trail's <see cref="TimeProvider"/>).</summary>
    public Task<AuditRecord> RecordAsync(
        string user, string role, string action, AuditOperation operation, string resource, AuditOutcome outcome,
        string requestId, string clientAddress, CancellationToken cancellationToken) =>
        AppendAsync(new AuditEvent(_time.GetUtcNow(), user, role, action, operation, resource, outcome, requestId, clientAddress), cancellationToken);

    /// <summary>Signs the current head. The host calls this on a timer (hourly is plenty) as well as the automatic per-N-events checkpoints.</summary>
    public async Task<AuditCheckpoint> CheckpointAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                var checkpoints = await _store.ListCheckpointsAsync(cancellationToken);
                var previous = checkpoints.Count > 0 ? checkpoints[^1] : null;
                var head = await _store.GetHeadAsync(cancellationToken);
                var id = (previous?.Id ?? 0) + 1;
                var createdAt = _time.GetUtcNow();
                var previousSignature = previous?.Signature ?? string.Empty;
                var payload = AuditChain.CheckpointPayload(id, head.Sequence, head.Hash, createdAt, _keys.CurrentKeyId, previousSignature);
                var checkpoint = new AuditCheckpoint(id, head.Sequence, head.Hash, AuditEvent.ParseTime(AuditEvent.FormatTime(createdAt)), _keys.CurrentKeyId, previousSignature, _keys.Sign(payload));
                if (!await _store.TryAddCheckpointAsync(checkpoint, cancellationToken))
                {
                    if (attempt >= 3)
                    {
                        throw new InvalidOperationException($"Audit checkpoint {id} kept being taken by another writer.");
                    }

                    SecurityLog.CheckpointRace(_logger, id);
                    continue;
                }

                _lastCheckpointSequence = head.Sequence;
                SecurityLog.CheckpointWritten(_logger, id, head.Sequence, _keys.CurrentKeyId);
                return checkpoint;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// Walks the whole chain and every checkpoint. Detects altered, deleted, inserted and reordered events, rewritten
    /// history (against signed checkpoints), forged and missing checkpoints, and reports where.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var problems = new List<AuditProblem>();
        var checkpoints = await _store.ListCheckpointsAsync(cancellationToken);
        var trusted = VerifyCheckpoints(checkpoints, problems);
        var bySequence = trusted.GroupBy(c => c.Sequence).ToDictionary(g => g.Key, g => g.ToList());
        var lastCheckpoint = trusted.Count > 0 ? trusted.MaxBy(c => c.Sequence) : null;
        var coveredUpTo = lastCheckpoint?.Sequence ?? 0;

        if (bySequence.TryGetValue(0, out var genesisCheckpoints))
        {
            foreach (var c in genesisCheckpoints.Where(c => c.HeadHash != AuditChain.GenesisHash))
            {
                problems.Add(new AuditProblem(AuditProblemKind.CheckpointMismatch, 1, c.Id, $"checkpoint {c.Id} records a non-empty chain at sequence 0."));
            }
        }

        long expected = 1;
        var previousHash = AuditChain.GenesisHash;
        long checkedCount = 0;
        DateTimeOffset? oldestUncovered = null;
        AuditChainHead head = new(0, AuditChain.GenesisHash, null);
        var eventProblem = false;
        while (!eventProblem)
        {
            var page = await _store.ReadAsync(expected - 1, _options.VerifyPageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var record in page)
            {
                var problem = await CheckEventAsync(record, expected, previousHash, cancellationToken);
                if (problem is null && bySequence.TryGetValue(record.Sequence, out var atThisPoint))
                {
                    var mismatch = atThisPoint.FirstOrDefault(c => c.HeadHash != record.Hash);
                    if (mismatch is not null)
                    {
                        problem = new AuditProblem(AuditProblemKind.CheckpointMismatch, record.Sequence, mismatch.Id,
                            $"the chain up to event {record.Sequence} differs from signed checkpoint {mismatch.Id}: events at or before {record.Sequence} were rewritten.");
                    }
                }

                if (problem is not null)
                {
                    problems.Add(problem);
                    eventProblem = true;
                    break;
                }

                checkedCount++;
                if (record.Sequence > coveredUpTo && oldestUncovered is null)
                {
                    oldestUncovered = record.Event.OccurredAt;
                }

                head = new AuditChainHead(record.Sequence, record.Hash, record.Event.OccurredAt);
                previousHash = record.Hash;
                expected = record.Sequence + 1;
            }
        }

        if (!eventProblem && lastCheckpoint is not null && lastCheckpoint.Sequence > head.Sequence)
        {
            problems.Add(new AuditProblem(AuditProblemKind.Deleted, head.Sequence + 1, lastCheckpoint.Id,
                $"signed checkpoint {lastCheckpoint.Id} covers event {lastCheckpoint.Sequence} but the chain ends at {head.Sequence}: events {head.Sequence + 1}..{lastCheckpoint.Sequence} were deleted."));
        }

        var result = new AuditVerification(
            problems.Count == 0,
            checkedCount,
            checkpoints.Count,
            head,
            lastCheckpoint,
            Math.Max(0, head.Sequence - coveredUpTo),
            oldestUncovered,
            problems,
            _time.GetUtcNow());
        if (result.Intact)
        {
            SecurityLog.ChainIntact(_logger, checkedCount, checkpoints.Count);
        }
        else
        {
            foreach (var p in problems)
            {
                SecurityLog.ChainBroken(_logger, p.Kind, p.Sequence, p.CheckpointId);
            }
        }

        return result;
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => _store.QueryAsync(query, cancellationToken);

    /// <summary>Every event matching <paramref name="filter"/> (its cursor and limit are the starting point and page size).</summary>
    public async IAsyncEnumerable<AuditRecord> ExportAsync(AuditQuery filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = filter with { Limit = AuditQuery.MaxLimit };
        while (true)
        {
            var page = await _store.QueryAsync(query, cancellationToken);
            foreach (var record in page.Events)
            {
                yield return record;
            }

            if (page.NextCursor is null)
            {
                yield break;
            }

            query = query with { Cursor = page.NextCursor };
        }
    }

    private async Task<AuditProblem?> CheckEventAsync(AuditRecord record, long expected, string previousHash, CancellationToken cancellationToken)
    {
        var n = record.Sequence;
        if (n != expected)
        {
            return new AuditProblem(AuditProblemKind.Deleted, expected,
                null, n == expected + 1 ? $"event {expected} is missing (deleted)." : $"events {expected}..{n - 1} are missing (deleted).");
        }

        var contentIntact = AuditChain.ComputeHash(n, record.Event, record.PreviousHash) == record.Hash;
        if (contentIntact && record.PreviousHash == previousHash)
        {
            return null;
        }

        if (record.PreviousHash != previousHash)
        {
            var chainedAfter = await _store.FindSequenceByHashAsync(record.PreviousHash, cancellationToken);
            if (chainedAfter is { } m && m != n - 1)
            {
                return m < n - 1
                    ? new AuditProblem(AuditProblemKind.Inserted, m + 1, null,
                        $"event {n} was recorded directly after event {m}: events {m + 1}..{n - 1} were inserted or the chain was shifted.")
                    : new AuditProblem(AuditProblemKind.Reordered, n, null,
                        $"event {n} was recorded directly after event {m}: events were reordered.");
            }

            if (contentIntact)
            {
                // The event itself is intact but its predecessor's hash changed: the predecessor was rewritten.
                return n == 1
                    ? new AuditProblem(AuditProblemKind.Altered, 1, null, "event 1 does not start from the genesis hash.")
                    : new AuditProblem(AuditProblemKind.Altered, n - 1, null,
                        $"event {n - 1} was rewritten: its hash no longer matches the one event {n} recorded.");
            }
        }

        return new AuditProblem(AuditProblemKind.Altered, n, null, $"event {n} does not match its recorded hash (altered).");
    }

    private List<AuditCheckpoint> VerifyCheckpoints(IReadOnlyList<AuditCheckpoint> checkpoints, List<AuditProblem> problems)
    {
        var trusted = new List<AuditCheckpoint>();
        long expectedId = 1;
        var previousSignature = string.Empty;
        long previousSequence = 0;
        foreach (var c in checkpoints)
        {
            if (c.Id != expectedId)
            {
                problems.Add(new AuditProblem(AuditProblemKind.CheckpointMissing, null, expectedId,
                    c.Id == expectedId + 1 ? $"checkpoint {expectedId} is missing (deleted)." : $"checkpoints {expectedId}..{c.Id - 1} are missing (deleted)."));
            }
            else if (c.PreviousSignature != previousSignature)
            {
                problems.Add(new AuditProblem(AuditProblemKind.CheckpointMissing, null, c.Id,
                    $"checkpoint {c.Id} does not follow checkpoint {c.Id - 1}: a checkpoint was replaced or removed."));
            }

            var payload = AuditChain.CheckpointPayload(c.Id, c.Sequence, c.HeadHash, c.CreatedAt, c.KeyId, c.PreviousSignature);
            switch (_keys.Verify(c.KeyId, payload, c.Signature))
            {
                case null:
                    problems.Add(new AuditProblem(AuditProblemKind.CheckpointForged, null, c.Id,
                        $"checkpoint {c.Id} is signed with unknown key {c.KeyId} (forged, or the signing key was rotated without {AuditSigningKeys.PreviousVariable})."));
                    break;
                case false:
                    problems.Add(new AuditProblem(AuditProblemKind.CheckpointForged, null, c.Id,
                        $"checkpoint {c.Id} has an invalid signature (forged or altered)."));
                    break;
                default:
                    if (c.Sequence < previousSequence)
                    {
                        problems.Add(new AuditProblem(AuditProblemKind.CheckpointForged, null, c.Id,
                            $"checkpoint {c.Id} covers sequence {c.Sequence}, before its predecessor's {previousSequence}."));
                    }
                    else
                    {
                        trusted.Add(c);
                        previousSequence = c.Sequence;
                    }

                    break;
            }

            previousSignature = c.Signature;
            expectedId = c.Id + 1;
        }

        return trusted;
    }

    private async Task MaybeCheckpointAsync(long sequence, CancellationToken cancellationToken)
    {
        if (_options.CheckpointEveryEvents == 0)
        {
            return;
        }

        if (_lastCheckpointSequence < 0)
        {
            var checkpoints = await _store.ListCheckpointsAsync(cancellationToken);
            _lastCheckpointSequence = checkpoints.Count > 0 ? checkpoints[^1].Sequence : 0;
        }

        if (sequence - _lastCheckpointSequence < _options.CheckpointEveryEvents)
        {
            return;
        }

        try
        {
            await CheckpointAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or IOException or InvalidOperationException)
        {
            // The event is safely appended; a failed checkpoint only widens the unsigned tail until the next one.
            SecurityLog.AutoCheckpointFailed(_logger, sequence, ex.GetType().Name);
        }
    }
}
