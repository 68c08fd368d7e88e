using System.Text.Json;

namespace Vigil.Ingestion;

/// <summary>Formats System.Text.Json errors for people.</summary>
internal static class JsonErrors
{
    /// <summary>
    /// Returns the message without the reader's own " LineNumber: … | BytePositionInLine: …" suffix,
    /// which counts from zero and from the start of the current buffer. Callers add the real position.
    /// </summary>
    public static string WithoutPosition(JsonException exception)
    {
        var message = exception.Message;
        var position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return position > 0 ? message[..position].TrimEnd() : message;
    }
}
