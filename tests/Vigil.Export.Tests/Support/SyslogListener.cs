using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;

namespace Vigil.Export.Tests.Support;

/// <summary>
/// A syslog receiver on a free loopback TCP port that reads octet-counted frames (RFC 6587), in
/// plain TCP or inside TLS with the given server certificate, and hands each message to a channel.
/// </summary>
internal sealed class SyslogListener : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? certificate;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public SyslogListener(X509Certificate2? certificate = null)
    {
        this.certificate = certificate;
        listener.Start();
        loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public Channel<string> Messages { get; } = Channel.CreateUnbounded<string>();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The listener was stopped while it waited for a connection.
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = ReadAsync(client);
        }
    }

    private async Task ReadAsync(TcpClient client)
    {
        using (client)
        {
            Stream stream = client.GetStream();
            if (certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(certificate);
                stream = tls;
            }

            await using (stream)
            {
                while (await ReadFrameAsync(stream) is { } message)
                {
                    await Messages.Writer.WriteAsync(message);
                }
            }
        }
    }

    private static async Task<string?> ReadFrameAsync(Stream stream)
    {
        var length = 0;
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            if (one[0] == (byte)' ')
            {
                break;
            }

            length = (length * 10) + (one[0] - '0');
        }

        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer);
        return Encoding.UTF8.GetString(buffer);
    }
}
