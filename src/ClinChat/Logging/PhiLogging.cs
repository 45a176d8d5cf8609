using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace ClinChat.Logging;

/// <summary>The data classification of protected health information in ClinChat's logs.</summary>
internal static class ClinChatTaxonomy
{
    public const string Name = "ClinChat";

    public static DataClassification Phi { get; } = new(Name, "PHI");
}

/// <summary>Marks a log parameter as PHI: the logging pipeline erases it, whatever the log level.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class PhiDataAttribute() : DataClassificationAttribute(ClinChatTaxonomy.Phi);

/// <summary>
/// The logging guard: redaction is on in the logging pipeline, and anything classified as PHI is erased.
/// Screened text is still classified PHI, because the detector can miss an identifier.
/// </summary>
internal static class PhiLogging
{
    public static ILoggingBuilder AddPhiRedaction(this ILoggingBuilder logging)
    {
        logging.EnableRedaction();
        logging.Services.AddRedaction(redaction =>
        {
            redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(ClinChatTaxonomy.Phi));
            redaction.SetFallbackRedactor<ErasingRedactor>();
        });
        return logging;
    }
}

internal static partial class ChatLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Question screened ({Length} characters, identifiers removed: {Removed}): {Question}")]
    public static partial void QuestionScreened(ILogger logger, int length, string removed, [PhiData] string question);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Answered in {Milliseconds} ms: abstained {Abstained}, {Citations} citations")]
    public static partial void Answered(ILogger logger, long milliseconds, bool abstained, int citations);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "PHI screening failed; the request was refused")]
    public static partial void ScreeningFailed(ILogger logger);
}
