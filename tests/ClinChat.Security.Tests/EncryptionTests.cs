using System.Security.Cryptography;
using ClinChat.Security.Encryption;
using ClinChat.Security.Secrets;

using ClinChat.Testing;

namespace ClinChat.Security.Tests;

/// <summary>Runs on every store provider (see Providers.cs).</summary>
public abstract class EncryptionTests : IAsyncLifetime
{
    private const string Phi = "Jane Roe, DOB 1961-04-12, MRN 4471902, asks whether apixaban interacts with her clarithromycin";
    private TempDatabase _db = null!;
    private readonly ManualTime _time = new(Keys.Start);

    /// <summary>A fresh, empty database of the provider under test.</summary>
    protected abstract Task<TestStoreDatabase> NewDatabaseAsync();

    public async Task InitializeAsync() => _db = await TempDatabase.CreateAsync(NewDatabaseAsync());

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<FieldProtector> ProtectorAsync(MasterKey master)
    {
        var store = new DataKeyStore(_db.Database);
        await store.MigrateAsync(CancellationToken.None);
        var ring = new EncryptionKeyRing(store, master, _time);
        await ring.InitializeAsync(CancellationToken.None);
        return new FieldProtector(ring);
    }

    [Fact]
    public async Task Protect_RoundTrip_ReturnsTheTextAndHidesIt()
    {
        var protector = await ProtectorAsync(Keys.NewMasterKey());

        var ciphertext = protector.Protect(Phi, "turns.question:c1:1");

        Assert.Equal(Phi, protector.Unprotect(ciphertext, "turns.question:c1:1"));
        Assert.Equal(FieldProtector.FormatVersion, ciphertext[0]);
        Assert.Equal(protector.Keys.ActiveKey.KeyId, FieldProtector.KeyIdOf(ciphertext));
        Assert.DoesNotContain("4471902", System.Text.Encoding.UTF8.GetString(ciphertext));
        Assert.NotEqual(ciphertext, protector.Protect(Phi, "turns.question:c1:1")); // fresh nonce every time
        Assert.Equal("", protector.UnprotectString(protector.ProtectToString("", "x"), "x"));
    }

    [Fact]
    public async Task Unprotect_TamperedCiphertext_FailsAuthenticationWithoutLeakingText()
    {
        var protector = await ProtectorAsync(Keys.NewMasterKey());
        var ciphertext = protector.Protect(Phi, "ctx");

        foreach (var index in new[] { ciphertext.Length - 1, ciphertext.Length - 20, 5 })
        {
            var tampered = ciphertext.ToArray();
            tampered[index] ^= 0x01;
            var ex = Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "ctx"));
            Assert.DoesNotContain("Jane", ex.Message);
        }

        var auth = Assert.Throws<FieldDecryptionException>(() => protector.Unprotect(ciphertext, "other-row"));
        Assert.Equal(FieldDecryptionFailure.AuthenticationFailed, auth.Failure);
        Assert.Equal(FieldDecryptionFailure.Malformed, Assert.Throws<FieldDecryptionException>(() => protector.Unprotect([1], "ctx")).Failure);
        Assert.Equal(FieldDecryptionFailure.UnsupportedVersion, Assert.Throws<FieldDecryptionException>(() => protector.Unprotect([9, 0, 0], "ctx")).Failure);
    }

    [Fact]
    public async Task Initialize_WrongMasterKey_FailsClearlyNamingKeyIdsOnly()
    {
        var right = Keys.NewMasterKey();
        await ProtectorAsync(right);
        var wrong = Keys.NewMasterKey();

        var ex = await Assert.ThrowsAsync<EncryptionKeyException>(() => ProtectorAsync(wrong));

        Assert.Contains(right.Id, ex.Message);
        Assert.Contains(wrong.Id, ex.Message);
        Assert.Contains("CLINCHAT_MASTER_KEY_FILE", ex.Message);
    }

    [Fact]
    public async Task Initialize_AlteredWrappedKey_FailsClearly()
    {
        var master = Keys.NewMasterKey();
        await ProtectorAsync(master);
        await _db.ExecuteAsync("UPDATE encryption_keys SET wrapped = @w", ("@w", new byte[60]));

        var ex = await Assert.ThrowsAsync<EncryptionKeyException>(() => ProtectorAsync(master));

        Assert.Contains("cannot unwrap", ex.Message);
    }

    [Fact]
    public async Task Unprotect_DataFromAnotherStore_ReportsUnknownKey()
    {
        var protector = await ProtectorAsync(Keys.NewMasterKey());
        await using var otherDb = await TempDatabase.CreateAsync(NewDatabaseAsync());
        var otherStore = new DataKeyStore(otherDb.Database);
        await otherStore.MigrateAsync(CancellationToken.None);
        var otherRing = new EncryptionKeyRing(otherStore, Keys.NewMasterKey(), _time);
        await otherRing.InitializeAsync(CancellationToken.None);
        var foreign = new FieldProtector(otherRing).Protect(Phi, "ctx");

        var ex = Assert.Throws<FieldDecryptionException>(() => protector.Unprotect(foreign, "ctx"));

        Assert.Equal(FieldDecryptionFailure.UnknownKey, ex.Failure);
    }

    [Fact]
    public async Task Rotate_NewMasterAndDataKey_OldDataStaysReadableAndOnlyNewMasterOpensTheStore()
    {
        var oldMaster = Keys.NewMasterKey();
        var protector = await ProtectorAsync(oldMaster);
        var oldKeyId = protector.Keys.ActiveKey.KeyId;
        var before = protector.Protect(Phi, "ctx");
        _time.Advance(TimeSpan.FromDays(40));
        var newMaster = Keys.NewMasterKey();

        var result = await protector.Keys.RotateAsync(newMaster, newDataKey: true, CancellationToken.None);

        Assert.Equal((oldMaster.Id, newMaster.Id, 1), (result.PreviousMasterKeyId, result.MasterKeyId, result.DataKeysRewrapped));
        Assert.NotEqual(oldKeyId, result.ActiveDataKeyId);
        var after = protector.Protect("new text", "ctx");
        Assert.Equal(result.ActiveDataKeyId, FieldProtector.KeyIdOf(after));
        Assert.Equal(Phi, protector.Unprotect(before, "ctx"));

        // A restart with the new master reads old and new data; the old master no longer opens the store.
        var restarted = await ProtectorAsync(newMaster);
        Assert.Equal(Phi, restarted.Unprotect(before, "ctx"));
        Assert.Equal("new text", restarted.Unprotect(after, "ctx"));
        await Assert.ThrowsAsync<EncryptionKeyException>(() => ProtectorAsync(oldMaster));

        var status = await restarted.Keys.GetStatusAsync(CancellationToken.None);
        Assert.Equal(newMaster.Id, status.MasterKeyId);
        Assert.Equal(2, status.DataKeys.Count);
        Assert.All(status.DataKeys, k => Assert.Equal(newMaster.Id, k.MasterKeyId));
        Assert.Equal(result.ActiveDataKeyId, status.ActiveDataKeyId);
        Assert.Equal(TimeSpan.Zero, status.RotationAge);
    }

    [Fact]
    public async Task Rotate_MasterOnly_KeepsTheActiveDataKey()
    {
        var protector = await ProtectorAsync(Keys.NewMasterKey());
        var active = protector.Keys.ActiveKey.KeyId;

        var result = await protector.Keys.RotateAsync(Keys.NewMasterKey(), newDataKey: false, CancellationToken.None);

        Assert.Null(result.NewDataKeyId);
        Assert.Equal(active, result.ActiveDataKeyId);
    }

    [Fact]
    public async Task Status_ReportsAlgorithmKeysAgeAndRegisteredFields()
    {
        var protector = await ProtectorAsync(Keys.NewMasterKey());
        protector.Keys.RegisterEncryptedField("conversation_turns.question");
        _time.Advance(TimeSpan.FromDays(3));

        var status = await protector.Keys.GetStatusAsync(CancellationToken.None);

        Assert.True(status.Enabled);
        Assert.Equal("AES-256-GCM", status.Algorithm);
        Assert.Equal("supplied", status.MasterKeySource);
        Assert.StartsWith("mk-", status.MasterKeyId);
        Assert.StartsWith("dk-", status.ActiveDataKeyId);
        Assert.Equal(TimeSpan.FromDays(3), status.RotationAge);
        Assert.Equal(["conversation_turns.question"], status.EncryptedFields);
    }

    [Fact]
    public void MasterKey_FromEnvironment_ReadsFileOrVariableAndRejectsWrongLengths()
    {
        var file = Path.Combine(_db.Directory, "master.key");
        var base64 = MasterKey.GenerateBase64();
        File.WriteAllText(file, base64);

        using var fromFile = MasterKey.FromEnvironment(new Dictionary<string, string> { ["CLINCHAT_MASTER_KEY_FILE"] = file }.GetValueOrDefault);
        using var fromVariable = MasterKey.FromEnvironment(new Dictionary<string, string> { ["CLINCHAT_MASTER_KEY"] = base64 }.GetValueOrDefault);
        Assert.Equal(SecretOrigin.File, fromFile.Origin);
        Assert.Equal(SecretOrigin.Environment, fromVariable.Origin);
        Assert.Equal(fromFile.Id, fromVariable.Id);

        var shortKey = Convert.ToBase64String(new byte[16]);
        var ex = Assert.Throws<SecurityConfigurationException>(() =>
            MasterKey.FromEnvironment(new Dictionary<string, string> { ["CLINCHAT_MASTER_KEY"] = shortKey }.GetValueOrDefault));
        Assert.Contains("exactly 32", ex.Message);
        Assert.DoesNotContain(shortKey, ex.Message);
        var missing = Assert.Throws<SecurityConfigurationException>(() => MasterKey.FromEnvironment(_ => null));
        Assert.Equal("CLINCHAT_MASTER_KEY", missing.Setting);
        var unreadable = Assert.Throws<SecurityConfigurationException>(() =>
            MasterKey.FromEnvironment(new Dictionary<string, string> { ["CLINCHAT_MASTER_KEY_FILE"] = file + ".missing" }.GetValueOrDefault));
        Assert.Equal("CLINCHAT_MASTER_KEY_FILE", unreadable.Setting);
    }
}
