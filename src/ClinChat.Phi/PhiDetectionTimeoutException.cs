namespace ClinChat.Phi;

/// <summary>Detection ran out of its time budget. The text was not (fully) scanned and must not pass: fail closed.</summary>
public sealed class PhiDetectionTimeoutException : TimeoutException
{
    // The message names no text: exceptions get logged, the text is PHI.
    public PhiDetectionTimeoutException()
        : base("PHI detection exceeded its time budget; the text was not released.")
    {
    }

    public PhiDetectionTimeoutException(string message)
        : base(message)
    {
    }

    public PhiDetectionTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
