using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using FhirAuditEvent = Hl7.Fhir.Model.AuditEvent;

namespace ClinChat.Security.Audit;

/// <summary>Exports audit records as JSON lines or as a FHIR R4 Bundle of <c>AuditEvent</c> resources.</summary>
public static class AuditExport
{
    /// <summary>Code system of ClinChat's action names in FHIR <c>AuditEvent.subtype</c>.</summary>
    public const string ActionSystem = "urn:clinchat:audit-action";
    /// <summary>Identifier system of users in <c>AuditEvent.agent.who</c>.</summary>
    public const string UserSystem = "urn:clinchat:user";
    /// <summary>Code system of ClinChat roles in <c>AuditEvent.agent.role</c>.</summary>
    public const string RoleSystem = "urn:clinchat:role";
    /// <summary>Identifier system of resources in <c>AuditEvent.entity.what</c>.</summary>
    public const string ResourceSystem = "urn:clinchat:resource";
    /// <summary>Extension carrying the chain position (sequence, previous hash, hash) on each exported event.</summary>
    public const string ChainExtension = "urn:clinchat:audit-chain";

    private static readonly JsonSerializerOptions LineOptions = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private static readonly JsonSerializerOptions FhirOptions = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static async System.Threading.Tasks.Task WriteJsonLinesAsync(IAsyncEnumerable<AuditRecord> records, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, leaveOpen: true);
        writer.NewLine = "\n";
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            var e = record.Event;
            var line = JsonSerializer.Serialize(new
            {
                sequence = record.Sequence,
                occurredAt = e.OccurredAtText,
                user = e.User,
                role = e.Role,
                action = e.Action,
                operation = e.Operation.ToString(),
                resource = e.Resource,
                outcome = e.Outcome.ToString(),
                requestId = e.RequestId,
                clientAddress = e.ClientAddress,
                previousHash = record.PreviousHash,
                hash = record.Hash,
            }, LineOptions);
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }

    public static async System.Threading.Tasks.Task WriteFhirBundleAsync(IAsyncEnumerable<AuditRecord> records, DateTimeOffset exportedAt, Stream output, CancellationToken cancellationToken)
    {
        var list = new List<AuditRecord>();
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            list.Add(record);
        }

        await JsonSerializer.SerializeAsync(output, ToBundle(list, exportedAt), FhirOptions, cancellationToken);
    }

    /// <summary>The options that (de)serialise the FHIR model, for callers that want the JSON themselves.</summary>
    public static JsonSerializerOptions FhirJsonOptions => FhirOptions;

    public static Bundle ToBundle(IEnumerable<AuditRecord> records, DateTimeOffset exportedAt)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = exportedAt };
        foreach (var record in records)
        {
            var resource = ToFhir(record);
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{DeterministicUuid(record.Hash)}", Resource = resource });
        }

        return bundle;
    }

    public static FhirAuditEvent ToFhir(AuditRecord record)
    {
        var e = record.Event;
        var isAuthentication = e.Action.StartsWith("auth.", StringComparison.Ordinal);
        var fhir = new FhirAuditEvent
        {
            Id = record.Sequence.ToString(CultureInfo.InvariantCulture),
            Type = isAuthentication
                ? new Coding("http://dicom.nema.org/resources/ontology/DCM", "110114", "User Authentication")
                : new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            Subtype = [new Coding(ActionSystem, e.Action)],
            Action = e.Operation switch
            {
                AuditOperation.Create => FhirAuditEvent.AuditEventAction.C,
                AuditOperation.Read => FhirAuditEvent.AuditEventAction.R,
                AuditOperation.Update => FhirAuditEvent.AuditEventAction.U,
                AuditOperation.Delete => FhirAuditEvent.AuditEventAction.D,
                _ => FhirAuditEvent.AuditEventAction.E,
            },
            Recorded = e.OccurredAt,
            Outcome = e.Outcome switch
            {
                AuditOutcome.Success => FhirAuditEvent.AuditEventOutcome.N0,
                AuditOutcome.Denied => FhirAuditEvent.AuditEventOutcome.N4,
                _ => FhirAuditEvent.AuditEventOutcome.N8,
            },
            Source = new FhirAuditEvent.SourceComponent
            {
                Site = "ClinChat",
                Observer = new ResourceReference { Display = "ClinChat" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };

        var agent = new FhirAuditEvent.AgentComponent
        {
            Who = new ResourceReference { Identifier = new Identifier(UserSystem, e.User) },
            Requestor = true,
        };
        if (e.Role.Length > 0)
        {
            agent.Role = [new CodeableConcept(RoleSystem, e.Role, e.Role)];
        }

        if (e.ClientAddress.Length > 0)
        {
            agent.Network = new FhirAuditEvent.NetworkComponent { Address = e.ClientAddress, Type = FhirAuditEvent.AuditEventAgentNetworkType.N2 };
        }

        fhir.Agent.Add(agent);

        var entity = new FhirAuditEvent.EntityComponent();
        if (e.Resource.Length > 0)
        {
            entity.What = new ResourceReference { Identifier = new Identifier(ResourceSystem, e.Resource) };
        }

        if (e.RequestId.Length > 0)
        {
            entity.Detail.Add(new FhirAuditEvent.DetailComponent { Type = "request-id", Value = new FhirString(e.RequestId) });
        }

        if (entity.What is not null || entity.Detail.Count > 0)
        {
            fhir.Entity.Add(entity);
        }

        var chain = new Extension { Url = ChainExtension };
        chain.Extension.Add(new Extension("sequence", new FhirString(record.Sequence.ToString(CultureInfo.InvariantCulture))));
        chain.Extension.Add(new Extension("previousHash", new FhirString(record.PreviousHash)));
        chain.Extension.Add(new Extension("hash", new FhirString(record.Hash)));
        fhir.Extension.Add(chain);
        return fhir;
    }

    private static Guid DeterministicUuid(string hash) => new(Convert.FromHexString(hash.AsSpan(0, 32)));
}
