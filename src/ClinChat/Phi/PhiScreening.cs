using ClinChat.Phi.Diagnostics;
using ClinChat.Phi.Redaction;

namespace ClinChat.Phi;

/// <summary>Settings of PHI screening where text enters ClinChat (<c>ClinChat:Phi</c>).</summary>
internal sealed class PhiScreeningOptions
{
    public const string Section = "ClinChat:Phi";

    /// <summary>Scan and redact every question before it is searched, embedded, cached, logged or sent anywhere.</summary>
    public bool ScreenQuestions { get; set; } = true;

    /// <summary>What happens to an uploaded document that contains patient identifiers: Reject (default), Deidentify or Allow.</summary>
    public DocumentPhiPolicy UploadPolicy { get; set; } = DocumentPhiPolicy.Reject;

    /// <summary>The same for `clinchat ingest` (an operator loading curated reference corpora).</summary>
    public DocumentPhiPolicy CliPolicy { get; set; } = DocumentPhiPolicy.Allow;

    /// <summary>
    /// Identifier kinds that mark a document as patient data. Reference texts legitimately contain dates, places,
    /// author names and help-line numbers, so by default only kinds that belong to a patient's record count.
    /// </summary>
    public List<string> PatientIdentifierTypes { get; set; } = ["SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "DEVICE", "VEHICLE", "BIOMETRIC", "AGE"];

    /// <summary>
    /// A text file of the site's own place names (wards, units, clinics, affiliated sites, nearby towns), one a line, that the
    /// detector redacts wherever they occur. Unset: none. A set path that cannot be read stops the server at start.
    /// </summary>
    public string? SitePlacesFile { get; set; }
}

internal enum DocumentPhiPolicy
{
    Reject,
    Deidentify,
    Allow,
}

/// <summary>Text after screening: the redacted text and the kinds of identifiers that were removed (never their values).</summary>
/// <param name="Screened">False when screening is switched off: the text may hold PHI and must not be cached.</param>
internal sealed record ScreenedText(string Text, IReadOnlyList<string> RemovedTypes, bool Screened = true);

/// <summary>Thrown when screening cannot vouch for a text; the request fails closed and nothing unscanned passes.</summary>
internal sealed class PhiScreeningFailedException() : Exception("PHI screening failed; the text was not processed.");

/// <summary>
/// The one place questions and documents pass through the PHI detector. Any failure counts in
/// <c>clinchat_phi_detection_failures</c> and fails closed.
/// </summary>
internal sealed class PhiScreen(PhiRedactor redactor, PhiDetector detector, PhiDetectionMonitor monitor, PhiScreeningOptions options)
{
    public PhiScreeningOptions Options => options;

    public ScreenedText ScreenQuestion(string question)
    {
        if (!options.ScreenQuestions)
        {
            return new ScreenedText(question, [], Screened: false);
        }

        try
        {
            var result = redactor.Redact(question, RedactionMode.Tag);
            return new ScreenedText(result.Text, result.Types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            monitor.RecordFailure();
            throw new PhiScreeningFailedException();
        }
    }

    /// <summary>The patient-identifier kinds a document contains (empty when none), for the ingestion policy.</summary>
    public IReadOnlyList<string> PatientIdentifiers(string text)
    {
        try
        {
            var blocking = options.PatientIdentifierTypes.ToHashSet(StringComparer.OrdinalIgnoreCase);
            return detector.Detect(text)
                .Select(s => s.Type.ToWireName())
                .Where(blocking.Contains)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            monitor.RecordFailure();
            throw new PhiScreeningFailedException();
        }
    }

    public string Deidentify(string text)
    {
        try
        {
            return redactor.Redact(text, RedactionMode.Tag).Text;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            monitor.RecordFailure();
            throw new PhiScreeningFailedException();
        }
    }
}

/// <summary>The ingestion side of screening: a document screen that applies one source's PHI policy.</summary>
internal static class DocumentScreens
{
    public static Retrieval.Knowledge.DocumentScreen? For(PhiScreen phi, DocumentPhiPolicy policy) => policy switch
    {
        DocumentPhiPolicy.Allow => null,
        DocumentPhiPolicy.Reject => document =>
        {
            var found = phi.PatientIdentifiers(document.Title + "\n" + document.Text);
            return found.Count == 0
                ? Retrieval.Knowledge.ScreeningVerdict.Accept(document)
                : Retrieval.Knowledge.ScreeningVerdict.Reject($"rejected: contains patient identifiers ({string.Join(", ", found)})");
        },
        _ => document => Retrieval.Knowledge.ScreeningVerdict.Accept(document with
        {
            Title = phi.Deidentify(document.Title),
            Text = phi.Deidentify(document.Text),
        }),
    };
}
