using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Contracts.Storage;

namespace Vigil.Export;

/// <summary>
/// Posts each document to the destination's URL once, signed with the destination's secret (see
/// <see cref="WebhookExporter"/>), and stops at the first failure. The dispatcher retries later.
/// </summary>
public sealed class WebhookSender(HttpClient http, TimeProvider clock) : IExportSender
{
    private readonly WebhookExporter exporter = new(http, clock, (_, _) => Task.CompletedTask, NullLogger<WebhookExporter>.Instance);

    public ExportDestinationKind Kind => ExportDestinationKind.Webhook;

    public async Task<ExportSendResult> SendAsync(LeasedExportDestination destination, IReadOnlyList<ExportDocument> documents, string batchKey, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(destination.Destination.Url, UriKind.Absolute, out var url))
        {
            return new ExportSendResult(0, $"the webhook URL '{destination.Destination.Url}' is not an absolute URL", Retryable: false);
        }

        var secret = Encoding.UTF8.GetBytes(destination.Secret ?? string.Empty);
        for (var i = 0; i < documents.Count; i++)
        {
            var (delivered, retryable, error) = await exporter.PostOnceAsync(documents[i].Body, url, secret, cancellationToken);
            if (!delivered)
            {
                return new ExportSendResult(i, error, retryable);
            }
        }

        return new ExportSendResult(documents.Count);
    }
}
