using System.IO.Compression;
using System.Text;

namespace Vigil.Tests.Firehose;

internal static class FirehosePayloads
{
    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    public static string Envelope(string messageType, string owner, params string[] messages) =>
        "{\"messageType\":\"" + messageType + "\",\"owner\":\"" + owner + "\",\"logGroup\":\"flows\",\"logStream\":\"eni-1-all\"," +
        "\"subscriptionFilters\":[\"f\"],\"logEvents\":[" +
        string.Join(",", messages.Select((message, i) => "{\"id\":\"" + i + "\",\"timestamp\":1764583200000,\"message\":" + System.Text.Json.JsonSerializer.Serialize(message) + "}")) +
        "]}";
}
