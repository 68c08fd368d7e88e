using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Vigil.Contracts.Findings;

namespace Vigil.Export;

/// <summary>A syslog receiver: host, TCP port, whether to use TLS, and the document format of the message.</summary>
public sealed record SyslogDestination
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public bool UseTls { get; init; }

    /// <summary>Checks the receiver's certificate when TLS is on; null uses the system's default validation.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    public FindingExportFormat Format { get; init; } = FindingExportFormat.Ocsf;
}

/// <summary>
/// Sends findings as RFC 5424 syslog messages over TCP, optionally inside TLS (RFC 5425), framed by
/// octet counting (RFC 6587): <c>LENGTH SP MESSAGE</c>. The message has facility 10 (security),
/// the severity mapped from the finding's, app-name <c>vigil</c>, msgid <c>finding</c>, structured
/// data with the finding id and type, and the exported JSON document as its body.
/// </summary>
public static class SyslogExporter
{
    /// <summary>Connects, sends the findings in order and closes the connection.</summary>
    public static Task SendAsync(IReadOnlyList<Finding> findings, SyslogDestination destination, TimeProvider clock, CancellationToken cancellationToken) =>
        SendAsync([.. findings.Select(finding => (finding, FindingExportFormats.Serialize(FindingExportFormats.Format(finding, destination.Format))))], destination, clock, cancellationToken);

    /// <summary>Connects, sends each finding with its exported document as the message body, in order, and closes the connection.</summary>
    public static async Task SendAsync(IReadOnlyList<(Finding Finding, string Body)> documents, SyslogDestination destination, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(destination.Host, destination.Port, cancellationToken);
        Stream stream = client.GetStream();
        if (destination.UseTls)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false, destination.CertificateValidation);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = destination.Host }, cancellationToken);
            stream = tls;
        }

        await using (stream)
        {
            foreach (var (finding, body) in documents)
            {
                var message = Encoding.UTF8.GetBytes(Format(finding, body, clock.GetUtcNow()));
                var frame = Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ");
                await stream.WriteAsync(frame, cancellationToken);
                await stream.WriteAsync(message, cancellationToken);
            }

            await stream.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Returns the RFC 5424 message for one finding, without framing.</summary>
    public static string Format(Finding finding, FindingExportFormat format, DateTimeOffset now) =>
        Format(finding, FindingExportFormats.Serialize(FindingExportFormats.Format(finding, format)), now);

    /// <summary>Returns the RFC 5424 message for one finding with <paramref name="body"/> as its message, without framing.</summary>
    public static string Format(Finding finding, string body, DateTimeOffset now)
    {
        const int SecurityFacility = 10;
        var priority = (SecurityFacility * 8) + SyslogSeverity(finding.Severity);
        var timestamp = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var data = $"[finding@32473 id=\"{Escape(finding.Id)}\" type=\"{Escape(finding.Type)}\" severity=\"{finding.Severity.ToString(CultureInfo.InvariantCulture)}\"]";
        return $"<{priority}>1 {timestamp} - vigil - finding {data} {body}";
    }

    /// <summary>Maps GuardDuty severity onto syslog severity: Critical 2, High 3, Medium 4, Low 5.</summary>
    public static int SyslogSeverity(double severity) => severity switch
    {
        >= 9 => 2,
        >= 7 => 3,
        >= 4 => 4,
        _ => 5,
    };

    /// <summary>Escapes a structured-data parameter value as RFC 5424 section 6.3.3 requires: '"', '\' and ']'.</summary>
    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);
}
