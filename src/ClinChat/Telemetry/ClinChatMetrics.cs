using System.Diagnostics.Metrics;
using ClinChat.Phi.Diagnostics;
using ClinChat.Storage;

namespace ClinChat.Telemetry;

/// <summary>
/// The metrics of the deployment guide, on the "ClinChat" meter. Labels carry only fixed vocabularies
/// (outcome, severity), never question text, document text or identifiers.
/// </summary>
internal sealed class ClinChatMetrics
{
    public const string MeterName = "ClinChat";

    private readonly Counter<long> _queries;
    private readonly Histogram<double> _queryDuration;
    private long _knowledgeBaseLastUpdate;
    private double _complianceScore = double.NaN;
    private double _accuracyScore = double.NaN;

    public ClinChatMetrics(IMeterFactory meterFactory, PhiDetectionMonitor phiMonitor)
    {
        var meter = meterFactory.Create(MeterName);
        _queries = meter.CreateCounter<long>("clinchat_clinical_queries_total", description: "Clinical questions answered or abstained");
        _queryDuration = meter.CreateHistogram<double>(
            "clinchat_clinical_query_duration_seconds",
            unit: "s",
            description: "Time from question to grounded answer",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5] });
        meter.CreateObservableCounter("clinchat_phi_detection_failures", () => phiMonitor.Failures, description: "PHI screenings that failed closed");
        meter.CreateObservableGauge("clinchat_knowledge_base_last_update", () => Volatile.Read(ref _knowledgeBaseLastUpdate), unit: "s", description: "Unix time of the last knowledge base change");
        meter.CreateObservableGauge("clinchat_hipaa_compliance_score", ComplianceScore, description: "Fraction of HIPAA compliance self-check controls passing (0..1)");
        meter.CreateObservableGauge(
            "clinchat_clinical_accuracy_score",
            AccuracyScore,
            description: "Golden question set accuracy blended with clinician feedback of the last days (0..1; see docs/operations.md)");
    }

    public void RecordQuery(bool abstained, TimeSpan duration)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", abstained ? "abstained" : "answered");
        _queries.Add(1, outcome);
        _queryDuration.Record(duration.TotalSeconds, outcome);
    }

    /// <summary>The latest compliance self-check score (0..1); the gauge reports nothing until the first evaluation.</summary>
    public void RecordComplianceScore(double score) => Volatile.Write(ref _complianceScore, score);

    private IEnumerable<Measurement<double>> ComplianceScore() =>
        Volatile.Read(ref _complianceScore) is var score && !double.IsNaN(score) ? [new Measurement<double>(score)] : [];

    /// <summary>The latest clinical accuracy score (0..1), or null when there is nothing to score yet (the gauge reports nothing).</summary>
    public void RecordAccuracyScore(double? score) => Volatile.Write(ref _accuracyScore, score ?? double.NaN);

    private IEnumerable<Measurement<double>> AccuracyScore() =>
        Volatile.Read(ref _accuracyScore) is var score && !double.IsNaN(score) ? [new Measurement<double>(score)] : [];

    public void RecordKnowledgeBase(KnowledgeStats stats)
    {
        if (stats.LastUpdate is { } last)
        {
            Volatile.Write(ref _knowledgeBaseLastUpdate, last.ToUnixTimeSeconds());
        }
    }
}
