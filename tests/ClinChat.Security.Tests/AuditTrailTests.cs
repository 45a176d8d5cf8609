using ClinChat.Security.Audit;

using ClinChat.Testing;

namespace ClinChat.Security.Tests;

/// <summary>Runs on every store provider (see Providers.cs).</summary>
public abstract class AuditTrailTests : IAsyncLifetime
{
    private TempDatabase _db = null!;
    private readonly ManualTime _time = new(Keys.Start);
    private readonly AuditSigningKeys _keys = Keys.NewSigningKeys();

    /// <summary>A fresh, empty database of the provider under test.</summary>
    protected abstract Task<TestStoreDatabase> NewDatabaseAsync();

    public async Task InitializeAsync() => _db = await TempDatabase.CreateAsync(NewDatabaseAsync());

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<AuditTrail> TrailAsync(int events, int checkpointEvery = 0, AuditSigningKeys? keys = null)
    {
        var store = new AuditStore(_db.Database);
        await store.MigrateAsync(CancellationToken.None);
        var trail = new AuditTrail(store, keys ?? _keys, _time, new AuditOptions { CheckpointEveryEvents = checkpointEvery, VerifyPageSize = 3 });
        for (var i = 0; i < events; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await trail.AppendAsync(Keys.Event(_time.GetUtcNow(), user: i % 2 == 0 ? "dr.lee" : "ph.kim", action: i % 3 == 0 ? "documents.read" : "chat.ask"), CancellationToken.None);
        }

        return trail;
    }

    private static AuditProblem SingleFirst(AuditVerification result)
    {
        Assert.False(result.Intact);
        return result.Problems.OrderBy(p => p.Sequence ?? long.MaxValue).First();
    }

    [Fact]
    public async Task Verify_UntouchedChain_IsIntactWithHeadAndCheckpoints()
    {
        var trail = await TrailAsync(10, checkpointEvery: 4);

        var result = await trail.VerifyAsync(CancellationToken.None);

        Assert.True(result.Intact, result.Summary);
        Assert.Equal(10, result.EventsChecked);
        Assert.Equal(10, result.Head.Sequence);
        Assert.Equal(2, result.CheckpointsChecked);
        Assert.Equal(8, result.LastCheckpoint!.Sequence);
        Assert.Equal(2, result.UncheckpointedEvents);
        Assert.Null(result.FirstBadSequence);
    }

    [Fact]
    public async Task Append_ConcurrentWritersOnTwoDatabaseHandles_ProduceOneGaplessChain()
    {
        var trail = await TrailAsync(0, checkpointEvery: 7);
        // A second store over its own database handle (own connection pool) stands in for another replica or the CLI.
        await using var otherDatabase = _db.Store.OpenAnother();
        var other = new AuditTrail(new AuditStore(otherDatabase), _keys, _time, new AuditOptions { CheckpointEveryEvents = 7 });
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var appends = Enumerable.Range(0, 120).Select(i => Task.Run(async () =>
        {
            await go.Task;
            return await (i % 2 == 0 ? trail : other).AppendAsync(Keys.Event(Keys.Start.AddSeconds(i)), CancellationToken.None);
        })).ToList();
        go.SetResult();
        var records = await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), records.Select(r => r.Sequence).Order());
        var result = await trail.VerifyAsync(CancellationToken.None);
        Assert.True(result.Intact, result.Summary);
        Assert.Equal(120, result.EventsChecked);
        Assert.Equal(120, result.Head.Sequence);
        Assert.True(result.CheckpointsChecked >= 1);
        Assert.True((await other.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task Verify_AlteredEvent_NamesItsSequence()
    {
        var trail = await TrailAsync(8);
        await _db.ExecuteAsync("UPDATE audit_events SET user_id = 'mallory' WHERE seq = 5");

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal(AuditProblemKind.Altered, problem.Kind);
        Assert.Equal(5, problem.Sequence);
        Assert.DoesNotContain("mallory", problem.Reason);
    }

    [Fact]
    public async Task Verify_AlteredOutcomeToUnknownText_IsAltered()
    {
        var trail = await TrailAsync(4);
        await _db.ExecuteAsync("UPDATE audit_events SET outcome = 'Fine' WHERE seq = 2");

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal((AuditProblemKind.Altered, 2L), (problem.Kind, problem.Sequence));
    }

    [Fact]
    public async Task Verify_EventRewrittenWithRecomputedHash_NamesTheRewrittenEvent()
    {
        var trail = await TrailAsync(6);
        var records = await trail.Store.ReadAsync(0, 10, CancellationToken.None);
        var forged = AuditChain.Seal(3, records[2].Event with { Outcome = AuditOutcome.Denied }, records[1].Hash);
        await _db.ExecuteAsync("UPDATE audit_events SET outcome = 'Denied', hash = @h WHERE seq = 3", ("@h", forged.Hash));

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal((AuditProblemKind.Altered, 3L), (problem.Kind, problem.Sequence));
        Assert.Contains("rewritten", problem.Reason);
    }

    [Fact]
    public async Task Verify_DeletedEvent_ReportsTheGap()
    {
        var trail = await TrailAsync(8);
        await _db.ExecuteAsync("DELETE FROM audit_events WHERE seq = 4");

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal((AuditProblemKind.Deleted, 4L), (problem.Kind, problem.Sequence));
        Assert.Contains("event 4 is missing", problem.Reason);
    }

    [Fact]
    public async Task Verify_DeletedTailCoveredByCheckpoint_IsDetected()
    {
        var trail = await TrailAsync(6);
        await trail.CheckpointAsync(CancellationToken.None);
        await _db.ExecuteAsync("DELETE FROM audit_events WHERE seq >= 5");

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal((AuditProblemKind.Deleted, 5L), (problem.Kind, problem.Sequence));
    }

    [Fact]
    public async Task Verify_InsertedEventWithShiftedSequences_NamesTheInsertion()
    {
        var trail = await TrailAsync(6);
        var records = await trail.Store.ReadAsync(0, 10, CancellationToken.None);
        // Make room at 3 (shift in reverse so the primary key never collides) and insert a well-formed event there.
        for (var seq = 6; seq >= 3; seq--)
        {
            await _db.ExecuteAsync("UPDATE audit_events SET seq = seq + 1 WHERE seq = @s", ("@s", seq));
        }

        var inserted = AuditChain.Seal(3, Keys.Event(records[1].Event.OccurredAt.AddSeconds(1), user: "mallory"), records[1].Hash);
        await _db.ExecuteAsync("""
            INSERT INTO audit_events (seq, occurred_at, user_id, role, action, operation, resource, outcome, request_id, client_address, prev_hash, hash)
            VALUES (3, @at, 'mallory', 'clinician', 'chat.ask', 'Read', 'conversation:c1', 'Success', @req, '10.0.0.7', @prev, @hash)
            """, ("@at", inserted.Event.OccurredAtText), ("@req", inserted.Event.RequestId), ("@prev", inserted.PreviousHash), ("@hash", inserted.Hash));

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal(AuditProblemKind.Inserted, problem.Kind);
        Assert.Equal(3, problem.Sequence);
    }

    [Fact]
    public async Task Verify_SwappedEvents_ReportsReordering()
    {
        var trail = await TrailAsync(6);
        await _db.ExecuteAsync("UPDATE audit_events SET seq = -1 WHERE seq = 3");
        await _db.ExecuteAsync("UPDATE audit_events SET seq = 3 WHERE seq = 4");
        await _db.ExecuteAsync("UPDATE audit_events SET seq = 4 WHERE seq = -1");

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal((AuditProblemKind.Reordered, 3L), (problem.Kind, problem.Sequence));
    }

    [Fact]
    public async Task Verify_HistoryRewrittenConsistently_IsCaughtByTheSignedCheckpoint()
    {
        var trail = await TrailAsync(5);
        await trail.CheckpointAsync(CancellationToken.None);
        // Rewrite event 2 and re-chain everything after it: internally consistent, but not what was signed.
        var records = await trail.Store.ReadAsync(0, 10, CancellationToken.None);
        var previous = records[0].Hash;
        for (var i = 1; i < records.Count; i++)
        {
            var e = i == 1 ? records[i].Event with { User = "mallory" } : records[i].Event;
            var sealedRecord = AuditChain.Seal(records[i].Sequence, e, previous);
            await _db.ExecuteAsync("UPDATE audit_events SET user_id = @u, prev_hash = @p, hash = @h WHERE seq = @s",
                ("@u", e.User), ("@p", sealedRecord.PreviousHash), ("@h", sealedRecord.Hash), ("@s", records[i].Sequence));
            previous = sealedRecord.Hash;
        }

        var problem = SingleFirst(await trail.VerifyAsync(CancellationToken.None));

        Assert.Equal(AuditProblemKind.CheckpointMismatch, problem.Kind);
        Assert.Equal(5, problem.Sequence);
        Assert.Equal(1, problem.CheckpointId);
    }

    [Fact]
    public async Task Verify_CheckpointWithForgedHead_IsForged()
    {
        var trail = await TrailAsync(4);
        await trail.CheckpointAsync(CancellationToken.None);
        await _db.ExecuteAsync("UPDATE audit_checkpoints SET head_hash = @h WHERE id = 1", ("@h", new string('a', 64)));

        var result = await trail.VerifyAsync(CancellationToken.None);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((AuditProblemKind.CheckpointForged, 1L), (problem.Kind, problem.CheckpointId));
    }

    [Fact]
    public async Task Verify_CheckpointSignedWithAnotherKey_IsForged()
    {
        var trail = await TrailAsync(3);
        var attacker = new AuditTrail(new AuditStore(_db.Database), Keys.NewSigningKeys(), _time, new AuditOptions { CheckpointEveryEvents = 0 });
        await attacker.CheckpointAsync(CancellationToken.None);

        var result = await trail.VerifyAsync(CancellationToken.None);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(AuditProblemKind.CheckpointForged, problem.Kind);
        Assert.Contains("unknown key", problem.Reason);
    }

    [Fact]
    public async Task Verify_DeletedMiddleCheckpoint_IsMissing()
    {
        var trail = await TrailAsync(9, checkpointEvery: 3);
        await _db.ExecuteAsync("DELETE FROM audit_checkpoints WHERE id = 2");

        var result = await trail.VerifyAsync(CancellationToken.None);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((AuditProblemKind.CheckpointMissing, 2L), (problem.Kind, problem.CheckpointId));
    }

    [Fact]
    public async Task Verify_DeletedLatestCheckpoint_LeavesAnOldUncheckpointedTail()
    {
        var trail = await TrailAsync(6, checkpointEvery: 3);
        await _db.ExecuteAsync("DELETE FROM audit_checkpoints WHERE id = 2");
        _time.Advance(TimeSpan.FromHours(30));

        var result = await trail.VerifyAsync(CancellationToken.None);

        Assert.True(result.Intact); // the chain itself is fine…
        Assert.Equal(3, result.UncheckpointedEvents); // …but the tail lost its signature, which the compliance check flags.
        Assert.True(_time.GetUtcNow() - result.OldestUncheckpointedEventAt!.Value > TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task Verify_PreviousSigningKey_StillVerifiesOldCheckpoints()
    {
        var oldKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var newKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var trail = await TrailAsync(3, keys: new AuditSigningKeys(oldKey, Secrets.SecretOrigin.Supplied));
        await trail.CheckpointAsync(CancellationToken.None);

        var rotated = new AuditTrail(trail.Store, new AuditSigningKeys(newKey, Secrets.SecretOrigin.Supplied, oldKey), _time, new AuditOptions());
        await rotated.AppendAsync(Keys.Event(_time.GetUtcNow()), CancellationToken.None);
        await rotated.CheckpointAsync(CancellationToken.None);

        var result = await rotated.VerifyAsync(CancellationToken.None);
        Assert.True(result.Intact, result.Summary);
        Assert.Equal(2, result.CheckpointsChecked);
    }

    [Theory]
    [InlineData("Patient John Smith asked about warfarin")]
    [InlineData("line\nbreak")]
    public async Task Append_FreeTextInResource_IsRefusedWithoutEchoingIt(string resource)
    {
        var trail = await TrailAsync(0);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            trail.AppendAsync(Keys.Event(Keys.Start, resource: resource), CancellationToken.None));

        Assert.Contains("Resource", ex.Message);
        Assert.DoesNotContain("John", ex.Message);
    }

    [Fact]
    public async Task Query_FiltersByUserActionResourceAndTime_WithStablePaging()
    {
        var trail = await TrailAsync(12);

        var byUser = await trail.QueryAsync(new AuditQuery { User = "dr.lee", Limit = 4 }, CancellationToken.None);
        Assert.Equal([1L, 3, 5, 7], byUser.Events.Select(e => e.Sequence));
        var next = await trail.QueryAsync(new AuditQuery { User = "dr.lee", Limit = 4, Cursor = byUser.NextCursor }, CancellationToken.None);
        Assert.Equal([9L, 11], next.Events.Select(e => e.Sequence));
        Assert.Null(next.NextCursor);

        var byAction = await trail.QueryAsync(new AuditQuery { Action = "documents.*" }, CancellationToken.None);
        Assert.Equal([1L, 4, 7, 10], byAction.Events.Select(e => e.Sequence));

        var byResource = await trail.QueryAsync(new AuditQuery { Resource = "conversation:c1", Limit = 1000 }, CancellationToken.None);
        Assert.Equal(12, byResource.Events.Count);

        var window = await trail.QueryAsync(new AuditQuery { From = Keys.Start.AddMinutes(3), To = Keys.Start.AddMinutes(6) }, CancellationToken.None);
        Assert.Equal([3L, 4, 5], window.Events.Select(e => e.Sequence));

        var newest = await trail.QueryAsync(new AuditQuery { NewestFirst = true, Limit = 2 }, CancellationToken.None);
        Assert.Equal([12L, 11], newest.Events.Select(e => e.Sequence));
        var older = await trail.QueryAsync(new AuditQuery { NewestFirst = true, Limit = 2, Cursor = newest.NextCursor }, CancellationToken.None);
        Assert.Equal([10L, 9], older.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Export_JsonLines_OneObjectPerEventWithChainFields()
    {
        var trail = await TrailAsync(3);
        using var output = new MemoryStream();

        await AuditExport.WriteJsonLinesAsync(trail.ExportAsync(new AuditQuery(), CancellationToken.None), output, CancellationToken.None);

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal(1, first.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal(AuditChain.GenesisHash, first.RootElement.GetProperty("previousHash").GetString());
        Assert.Equal("dr.lee", first.RootElement.GetProperty("user").GetString());
    }

    [Fact]
    public async Task Export_Fhir_BundleOfR4AuditEventsThatParsesBack()
    {
        var trail = await TrailAsync(2);
        await trail.AppendAsync(new AuditEvent(_time.GetUtcNow(), "dr.lee", "clinician", "auth.login", AuditOperation.Execute, "", AuditOutcome.Denied, "req-9", "10.0.0.8"), CancellationToken.None);
        using var output = new MemoryStream();

        await AuditExport.WriteFhirBundleAsync(trail.ExportAsync(new AuditQuery(), CancellationToken.None), _time.GetUtcNow(), output, CancellationToken.None);

        output.Position = 0;
        var bundle = System.Text.Json.JsonSerializer.Deserialize<Hl7.Fhir.Model.Bundle>(output, AuditExport.FhirJsonOptions)!;
        Assert.Equal(Hl7.Fhir.Model.Bundle.BundleType.Collection, bundle.Type);
        var events = bundle.Entry.Select(e => Assert.IsType<Hl7.Fhir.Model.AuditEvent>(e.Resource)).ToList();
        Assert.Equal(3, events.Count);
        Assert.Equal(Hl7.Fhir.Model.AuditEvent.AuditEventAction.R, events[0].Action);
        Assert.Equal("dr.lee", events[0].Agent[0].Who!.Identifier!.Value);
        Assert.Equal("10.0.0.7", events[0].Agent[0].Network!.Address);
        Assert.Equal("conversation:c1", events[0].Entity[0].What!.Identifier!.Value);
        Assert.Equal("110114", events[2].Type!.Code);
        Assert.Equal(Hl7.Fhir.Model.AuditEvent.AuditEventOutcome.N4, events[2].Outcome);
        Assert.Equal("req-9", ((Hl7.Fhir.Model.FhirString)events[2].Entity[0].Detail[0].Value).Value);
    }

    [Fact]
    public void FromEnvironment_FileVariableWins_AndBadValuesNameTheVariableOnly()
    {
        var file = Path.Combine(_db.Directory, "audit.key");
        File.WriteAllText(file, AuditSigningKeys.GenerateBase64() + "\n");
        var env = new Dictionary<string, string> { ["CLINCHAT_AUDIT_SIGNING_KEY_FILE"] = file, ["CLINCHAT_AUDIT_SIGNING_KEY"] = "not base64 !!" };

        var keys = AuditSigningKeys.FromEnvironment(env.GetValueOrDefault);
        Assert.Equal(Secrets.SecretOrigin.File, keys.Origin);
        Assert.StartsWith("hmac-", keys.CurrentKeyId);

        env.Remove("CLINCHAT_AUDIT_SIGNING_KEY_FILE");
        var ex = Assert.Throws<Secrets.SecurityConfigurationException>(() => AuditSigningKeys.FromEnvironment(env.GetValueOrDefault));
        Assert.Equal("CLINCHAT_AUDIT_SIGNING_KEY", ex.Setting);
        Assert.DoesNotContain("not base64", ex.Message);
    }
}
