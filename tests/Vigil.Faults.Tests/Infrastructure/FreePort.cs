using System.Net;
using System.Net.Sockets;

namespace Vigil.Faults.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>Returns a loopback TCP port that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
