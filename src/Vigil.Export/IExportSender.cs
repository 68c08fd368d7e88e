using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Export;

/// <summary>One finding version to send, with the document built for the destination's format.</summary>
public sealed record ExportDocument(Finding Finding, bool IsNew, string Body);

/// <summary>
/// What one send did: how many documents, counted from the first, the destination accepted, and
/// when that is fewer than all, the error and whether another try may succeed.
/// </summary>
public sealed record ExportSendResult(int Delivered, string? Error = null, bool Retryable = true);

/// <summary>Delivers documents to the destinations of one <see cref="ExportDestinationKind"/>.</summary>
public interface IExportSender
{
    ExportDestinationKind Kind { get; }

    /// <summary>
    /// Sends the documents in order. <paramref name="batchKey"/> is the same for every try of one
    /// batch, so a sender that names what it writes (S3 keys) overwrites instead of duplicating.
    /// </summary>
    Task<ExportSendResult> SendAsync(LeasedExportDestination destination, IReadOnlyList<ExportDocument> documents, string batchKey, CancellationToken cancellationToken);
}
