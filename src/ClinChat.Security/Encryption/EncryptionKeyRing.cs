using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinChat.Security.Encryption;

/// <summary>
/// Envelope encryption keys: data keys (AES-256) encrypt field values; the master key wraps the data keys with
/// AES-256-GCM. Unwrapped data keys live only in this process's memory. One instance per process (singleton);
/// call <see cref="InitializeAsync"/> at start.
/// </summary>
public sealed class EncryptionKeyRing
{
    public const string Algorithm = "AES-256-GCM";
    public const string KeyWrapAlgorithm = "AES-256-GCM key wrap";

    private readonly IDataKeyStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _encryptedFields = new(StringComparer.Ordinal);
    private volatile State? _state;
    private MasterKey _master;

    public EncryptionKeyRing(IDataKeyStore store, MasterKey master, TimeProvider time, ILogger<EncryptionKeyRing>? logger = null)
    {
        _store = store;
        _master = master;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string MasterKeyId => _master.Id;

    /// <summary>Loads and unwraps every data key, and creates the first data key on an empty store (the table must exist).</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => ReloadAsync(cancellationToken);

    /// <summary>Re-reads the data keys (another replica rotated or added one).</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await _store.ListAsync(cancellationToken);
            if (stored.Count == 0)
            {
                // Two replicas starting on an empty store: one first key wins, the other loads it.
                var first = NewDataKey(_master, active: true, out var plain);
                CryptographicOperations.ZeroMemory(plain);
                if (await _store.TryAddFirstAsync(first, cancellationToken))
                {
                    SecurityLog.DataKeyCreated(_logger, first.KeyId);
                }

                stored = await _store.ListAsync(cancellationToken);
            }

            _state = Unwrap(stored, _master);
            SecurityLog.KeysLoaded(_logger, _master.Id, stored.Count, _state.ActiveKeyId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Re-wraps every data key under <paramref name="newMaster"/> in one transaction and, when
    /// <paramref name="newDataKey"/> is set, adds a fresh data key for new writes (old ones stay readable).
    /// Afterwards only <paramref name="newMaster"/> opens the store: replace the secret before the next restart.
    /// </summary>
    public async Task<KeyRotationResult> RotateAsync(MasterKey newMaster, bool newDataKey, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await _store.ListAsync(cancellationToken);
            var current = Unwrap(stored, _master);
            var now = _time.GetUtcNow();
            var rewrapped = new List<WrappedDataKey>();
            foreach (var key in stored)
            {
                rewrapped.Add(key with
                {
                    Wrapped = Wrap(newMaster, key.KeyId, current.Keys[key.KeyId]),
                    MasterKeyId = newMaster.Id,
                    WrappedAt = now,
                    Active = key.Active && !newDataKey,
                });
            }

            string? addedKeyId = null;
            if (newDataKey || rewrapped.Count == 0)
            {
                var added = NewDataKey(newMaster, active: true, out var plain);
                CryptographicOperations.ZeroMemory(plain);
                rewrapped.Add(added);
                addedKeyId = added.KeyId;
            }

            await _store.SaveAsync(rewrapped, cancellationToken);
            var oldMasterId = _master.Id;
            _master = newMaster;
            _state = Unwrap(rewrapped, newMaster);
            SecurityLog.MasterKeyRotated(_logger, oldMasterId, newMaster.Id, stored.Count);
            if (addedKeyId is not null)
            {
                SecurityLog.DataKeyCreated(_logger, addedKeyId);
            }

            return new KeyRotationResult(oldMasterId, newMaster.Id, stored.Count, addedKeyId, _state.ActiveKeyId, now);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Declares a stored field as encrypted, so the status report lists it (e.g. <c>conversation_turns.question</c>).</summary>
    public void RegisterEncryptedField(string field)
    {
        lock (_encryptedFields)
        {
            _encryptedFields.Add(field);
        }
    }

    public async Task<EncryptionStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ListAsync(cancellationToken);
        var state = RequireState();
        var now = _time.GetUtcNow();
        var active = stored.FirstOrDefault(k => k.KeyId == state.ActiveKeyId);
        var lastRotation = stored.Count == 0 ? (DateTimeOffset?)null : stored.Max(k => k.WrappedAt > k.CreatedAt ? k.WrappedAt : k.CreatedAt);
        string[] fields;
        lock (_encryptedFields)
        {
            fields = _encryptedFields.Order(StringComparer.Ordinal).ToArray();
        }

        return new EncryptionStatus(
            Enabled: true,
            Algorithm,
            KeyWrapAlgorithm,
            _master.Id,
            _master.Origin.ToString().ToLowerInvariant(),
            state.ActiveKeyId,
            stored.Select(k => new DataKeyInfo(k.KeyId, k.MasterKeyId, k.CreatedAt, k.WrappedAt, k.Active)).ToList(),
            active?.CreatedAt,
            lastRotation,
            lastRotation is { } at ? now - at : null,
            fields);
    }

    internal (string KeyId, byte[] Key) ActiveKey
    {
        get
        {
            var state = RequireState();
            return (state.ActiveKeyId, state.Keys[state.ActiveKeyId]);
        }
    }

    internal bool TryGetKey(string keyId, out byte[] key)
    {
        var state = RequireState();
        return state.Keys.TryGetValue(keyId, out key!);
    }

    private State RequireState() =>
        _state ?? throw new InvalidOperationException("The encryption key ring is not initialised; call InitializeAsync at start.");

    private WrappedDataKey NewDataKey(MasterKey master, bool active, out byte[] plain)
    {
        plain = RandomNumberGenerator.GetBytes(32);
        var keyId = "dk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var now = _time.GetUtcNow();
        return new WrappedDataKey(keyId, Wrap(master, keyId, plain), master.Id, now, now, active);
    }

    private static State Unwrap(IReadOnlyList<WrappedDataKey> stored, MasterKey master)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in stored)
        {
            if (key.MasterKeyId != master.Id)
            {
                throw new EncryptionKeyException(
                    $"Data key {key.KeyId} is wrapped by master key {key.MasterKeyId}, but the configured master key is {master.Id}. " +
                    $"Supply the matching key through {MasterKey.Variable}_FILE or {MasterKey.Variable}.");
            }

            keys[key.KeyId] = UnwrapOne(master, key);
        }

        var active = stored.Where(k => k.Active).OrderByDescending(k => k.CreatedAt).FirstOrDefault()
            ?? stored.OrderByDescending(k => k.CreatedAt).First();
        return new State(keys, active.KeyId);
    }

    private static byte[] Wrap(MasterKey master, string keyId, byte[] plain)
    {
        var output = new byte[12 + 16 + plain.Length];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(master.Bytes, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(28), output.AsSpan(12, 16), WrapAad(keyId, master.Id));
        return output;
    }

    private static byte[] UnwrapOne(MasterKey master, WrappedDataKey key)
    {
        if (key.Wrapped.Length != 12 + 16 + 32)
        {
            throw new EncryptionKeyException($"Data key {key.KeyId} is malformed in the key store.");
        }

        var plain = new byte[32];
        try
        {
            using var aes = new AesGcm(master.Bytes, 16);
            aes.Decrypt(key.Wrapped.AsSpan(0, 12), key.Wrapped.AsSpan(28), key.Wrapped.AsSpan(12, 16), plain, WrapAad(key.KeyId, master.Id));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new EncryptionKeyException(
                $"Master key {master.Id} cannot unwrap data key {key.KeyId}: the wrapped key was altered or the master key is wrong.");
        }

        return plain;
    }

    private static byte[] WrapAad(string keyId, string masterKeyId) =>
        Encoding.ASCII.GetBytes($"clinchat-dek/v1;{keyId};{masterKeyId}");

    private sealed record State(IReadOnlyDictionary<string, byte[]> Keys, string ActiveKeyId);
}

public sealed record KeyRotationResult(
    string PreviousMasterKeyId,
    string MasterKeyId,
    int DataKeysRewrapped,
    string? NewDataKeyId,
    string ActiveDataKeyId,
    DateTimeOffset RotatedAt);

public sealed record DataKeyInfo(string KeyId, string MasterKeyId, DateTimeOffset CreatedAt, DateTimeOffset WrappedAt, bool Active);

/// <summary>What <c>GET /api/admin/encryption/status</c> reports. Key ids only; never key material.</summary>
public sealed record EncryptionStatus(
    bool Enabled,
    string Algorithm,
    string KeyWrapAlgorithm,
    string MasterKeyId,
    string MasterKeySource,
    string ActiveDataKeyId,
    IReadOnlyList<DataKeyInfo> DataKeys,
    DateTimeOffset? ActiveDataKeyCreatedAt,
    DateTimeOffset? LastRotatedAt,
    TimeSpan? RotationAge,
    IReadOnlyList<string> EncryptedFields);

/// <summary>A key problem (wrong master key, altered key store). Messages carry key ids, never key material.</summary>
public sealed class EncryptionKeyException(string message) : CryptographicException(message);
