using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vigil.Export.Tests;

/// <summary>Syslog delivery to a real TCP listener on loopback, read back with octet-counting framing.</summary>
public sealed class SyslogExporterTests
{
    [Fact]
    public async Task Send_WritesFramedRfc5424Messages()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var receive = ReceiveAsync(listener);
        var second = TestFinding.Create() with { Id = "ffffffffffffffffffffffffffffffff", Severity = 2, Type = "Policy:IAMUser/Quote\"Rule]" };

        await SyslogExporter.SendAsync([TestFinding.Create(), second], new SyslogDestination { Host = "127.0.0.1", Port = port }, TimeProvider.System, CancellationToken.None);
        var messages = await receive;
        listener.Stop();

        Assert.Equal(2, messages.Count);
        Assert.StartsWith("<83>1 ", messages[0], StringComparison.Ordinal);
        Assert.Contains(" - vigil - finding [finding@32473 id=\"0123456789abcdef0123456789abcdef\" type=\"Persistence:IAMUser/SigmaRule.Custom\" severity=\"8\"] {", messages[0], StringComparison.Ordinal);
        Assert.StartsWith("<85>1 ", messages[1], StringComparison.Ordinal);
        Assert.Contains("type=\"Policy:IAMUser/Quote\\\"Rule\\]\"", messages[1], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(messages[0][messages[0].IndexOf("] {", StringComparison.Ordinal)..][2..]);
        Assert.Equal(2004, body.RootElement.GetProperty("class_uid").GetInt32());
    }

    /// <summary>Accepts one connection and reads octet-counted frames until the sender closes it.</summary>
    private static async Task<List<string>> ReceiveAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        using var buffer = new MemoryStream();
        await client.GetStream().CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var messages = new List<string>();
        var position = 0;
        while (position < bytes.Length)
        {
            var space = Array.IndexOf(bytes, (byte)' ', position);
            var length = int.Parse(Encoding.ASCII.GetString(bytes, position, space - position), System.Globalization.CultureInfo.InvariantCulture);
            messages.Add(Encoding.UTF8.GetString(bytes, space + 1, length));
            position = space + 1 + length;
        }

        return messages;
    }
}
