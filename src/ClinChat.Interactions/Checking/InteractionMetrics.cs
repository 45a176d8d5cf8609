using System.Diagnostics.Metrics;

namespace ClinChat.Interactions.Checking;

/// <summary>Counters on the shared "ClinChat" meter; the host's telemetry picks them up by meter name.</summary>
public sealed class InteractionMetrics
{
    public const string MeterName = "ClinChat";

    private readonly Counter<long> _checks;
    private readonly Counter<long> _detected;

    public InteractionMetrics(IMeterFactory meterFactory)
        : this(meterFactory.Create(MeterName))
    {
    }

    public InteractionMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _checks = meter.CreateCounter<long>("clinchat_drug_interaction_checks_total", description: "Regimens checked for drug-drug interactions.");
        _detected = meter.CreateCounter<long>("clinchat_drug_interactions_detected_total", description: "Interacting pairs reported, by severity.");
    }

    internal void Record(InteractionReport report)
    {
        _checks.Add(1);
        foreach (var finding in report.Interactions)
        {
            _detected.Add(1, new KeyValuePair<string, object?>("severity", finding.SeverityName));
        }
    }
}
