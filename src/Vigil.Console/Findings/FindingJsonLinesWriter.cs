using Vigil.Contracts.Findings;

namespace Vigil.Console.Findings;

/// <summary>Writes findings as JSON Lines: one GuardDuty finding document per line.</summary>
public static class FindingJsonLinesWriter
{
    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<Finding> findings, CancellationToken cancellationToken)
    {
        await foreach (var finding in findings.WithCancellation(cancellationToken))
        {
            // The serialiser escapes control characters inside strings, so a document is always one line.
            await writer.WriteAsync(FindingJson.Serialize(finding));
            await writer.WriteAsync('\n');
        }

        await writer.FlushAsync(cancellationToken);
    }
}
