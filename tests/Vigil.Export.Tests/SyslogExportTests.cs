using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Contracts.Storage;
using Vigil.Export.Tests.Support;
using Vigil.Testing;

namespace Vigil.Export.Tests;

/// <summary>Findings sent through the outbox to a syslog listener on loopback, over TCP and over TLS.</summary>
public sealed class SyslogExportTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string FindingA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public async Task Tcp_SendsRfc5424Message()
    {
        await using var listener = new SyslogListener();
        using var harness = new ExportHarness(database.DataSource, new SyslogSender(TimeProvider.System));
        await harness.AddDestinationAsync(Syslog(listener.Port, useTls: false, pin: null));

        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        var message = await listener.Messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("<83>1 ", message, StringComparison.Ordinal);
        Assert.Contains($"[finding@32473 id=\"{FindingA}\"", message, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(message[message.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.Equal(2004, document.RootElement.GetProperty("class_uid").GetInt32());
    }

    [Fact]
    public async Task Tls_PinnedCertificate_SendsMessage()
    {
        using var certificate = SelfSigned();
        await using var listener = new SyslogListener(certificate);
        using var harness = new ExportHarness(database.DataSource, new SyslogSender(TimeProvider.System));
        await harness.AddDestinationAsync(Syslog(listener.Port, useTls: true, pin: Convert.ToHexStringLower(SHA256.HashData(certificate.RawData))));

        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        var message = await listener.Messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(FindingA, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_UntrustedCertificate_RecordsFailure()
    {
        using var certificate = SelfSigned();
        await using var listener = new SyslogListener(certificate);
        using var harness = new ExportHarness(database.DataSource, new SyslogSender(TimeProvider.System));
        var destination = await harness.AddDestinationAsync(Syslog(listener.Port, useTls: true, pin: new string('0', 64)));

        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        var state = (await harness.Store.GetAsync(harness.TenantId, destination.Id, CancellationToken.None))!.State;
        Assert.Equal(1, state.Attempts);
        Assert.NotNull(state.LastError);
        Assert.Null(state.LastDeliveryAt);
    }

    private static ExportDestination Syslog(int port, bool useTls, string? pin) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = "",
        Name = "siem",
        Kind = ExportDestinationKind.Syslog,
        Format = ExportDocumentFormat.Ocsf,
        Host = "127.0.0.1",
        Port = port,
        UseTls = useTls,
        TlsCertificateSha256 = pin,
        UpdatedAt = default,
        UpdatedBy = "",
    };

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
