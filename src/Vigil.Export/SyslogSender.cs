using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Vigil.Contracts.Storage;

namespace Vigil.Export;

/// <summary>
/// Sends the documents as RFC 5424 messages over one TCP or TLS connection (see
/// <see cref="SyslogExporter"/>). Syslog has no acknowledgement, so a batch counts as delivered
/// when every byte was written and flushed without an error.
/// </summary>
public sealed class SyslogSender(TimeProvider clock) : IExportSender
{
    public ExportDestinationKind Kind => ExportDestinationKind.Syslog;

    public async Task<ExportSendResult> SendAsync(LeasedExportDestination destination, IReadOnlyList<ExportDocument> documents, string batchKey, CancellationToken cancellationToken)
    {
        var settings = destination.Destination;
        if (string.IsNullOrEmpty(settings.Host) || settings.Port is not { } port)
        {
            return new ExportSendResult(0, "the syslog destination has no host or port", Retryable: false);
        }

        var target = new SyslogDestination
        {
            Host = settings.Host,
            Port = port,
            UseTls = settings.UseTls,
            CertificateValidation = PinnedCertificate(settings.TlsCertificateSha256),
            Format = settings.Format == ExportDocumentFormat.Ocsf ? FindingExportFormat.Ocsf : FindingExportFormat.EventBridge,
        };
        try
        {
            await SyslogExporter.SendAsync([.. documents.Select(document => (document.Finding, document.Body))], target, clock, cancellationToken);
            return new ExportSendResult(documents.Count);
        }
        catch (Exception exception) when (exception is SocketException or IOException or AuthenticationException)
        {
            return new ExportSendResult(0, $"sending to {settings.Host}:{port} failed: {exception.Message}");
        }
    }

    /// <summary>Trusts exactly the certificate with this SHA-256 (lower-case hex), or the system's validation when null.</summary>
    private static RemoteCertificateValidationCallback? PinnedCertificate(string? sha256)
    {
        if (string.IsNullOrEmpty(sha256))
        {
            return null;
        }

        return (_, certificate, _, _) =>
            certificate is not null && string.Equals(Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData())), sha256, StringComparison.OrdinalIgnoreCase);
    }
}
