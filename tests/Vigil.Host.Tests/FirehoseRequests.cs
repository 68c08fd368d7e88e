using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.Host.Tests;

/// <summary>Builds Firehose delivery requests the way Firehose and CloudWatch Logs write them.</summary>
internal static class FirehoseRequests
{
    public const string AccountId = "111122223333";
    public const string OtherAccountId = "444455556666";

    /// <summary>Returns a CloudTrail event JSON in which the root user of <paramref name="accountId"/> calls <paramref name="eventName"/>.</summary>
    public static string RootEvent(string eventId, string eventName = "ListUsers", string accountId = AccountId) => new JsonObject
    {
        ["eventVersion"] = "1.08",
        ["userIdentity"] = new JsonObject
        {
            ["type"] = "Root",
            ["principalId"] = accountId,
            ["arn"] = $"arn:aws:iam::{accountId}:root",
            ["accountId"] = accountId,
        },
        ["eventTime"] = "2026-12-01T10:00:00Z",
        ["eventSource"] = "iam.amazonaws.com",
        ["eventName"] = eventName,
        ["awsRegion"] = "us-east-1",
        ["sourceIPAddress"] = "198.51.100.7",
        ["userAgent"] = "aws-cli/2.15.0",
        ["eventID"] = eventId,
        ["eventType"] = "AwsApiCall",
        ["recipientAccountId"] = accountId,
    }.ToJsonString();

    /// <summary>A flow log line in the AWS default version 2 format.</summary>
    public static string FlowLine(string accountId = AccountId, string sourceAddress = "10.0.0.5") =>
        $"2 {accountId} eni-0a1b2c3d4e5f60001 {sourceAddress} 198.51.100.7 49152 443 6 10 840 1764583200 1764583260 ACCEPT OK";

    /// <summary>A Route 53 Resolver query log record.</summary>
    public static string ResolverQuery(string accountId = AccountId) => new JsonObject
    {
        ["version"] = "1.100000",
        ["account_id"] = accountId,
        ["region"] = "us-east-1",
        ["vpc_id"] = "vpc-0a1b2c3d",
        ["query_timestamp"] = "2026-12-01T10:00:05Z",
        ["query_name"] = "www.example.com.",
        ["query_type"] = "A",
        ["query_class"] = "IN",
        ["rcode"] = "NOERROR",
        ["answers"] = new JsonArray(),
        ["srcaddr"] = "10.0.0.5",
        ["srcport"] = "53111",
        ["transport"] = "UDP",
        ["srcids"] = new JsonObject { ["instance"] = "i-0a1b2c3d4e5f60001" },
    }.ToJsonString();

    /// <summary>Returns a CloudWatch Logs subscription payload, gzip-compressed as CloudWatch Logs sends it to Firehose.</summary>
    public static byte[] Subscription(string owner, params string[] messages) => Gzip(SubscriptionJson("DATA_MESSAGE", owner, messages));

    public static byte[] ControlMessage() => Gzip(SubscriptionJson("CONTROL_MESSAGE", "CloudwatchLogs", ["CWL CONTROL MESSAGE: Checking health of destination Firehose."]));

    public static string SubscriptionJson(string messageType, string owner, IReadOnlyList<string> messages)
    {
        var events = new JsonArray();
        for (var i = 0; i < messages.Count; i++)
        {
            events.Add(new JsonObject
            {
                ["id"] = $"3720000000000000000000000000000000000000000000000{i:D7}",
                ["timestamp"] = 1764583200000L + i,
                ["message"] = messages[i],
            });
        }

        return new JsonObject
        {
            ["messageType"] = messageType,
            ["owner"] = owner,
            ["logGroup"] = "vigil-test",
            ["logStream"] = "stream-1",
            ["subscriptionFilters"] = new JsonArray("to-firehose"),
            ["logEvents"] = events,
        }.ToJsonString();
    }

    /// <summary>Returns a request body with each record's data base64-encoded, or with the given JSON values when a record is a string starting with '!'.</summary>
    public static byte[] Body(string requestId, long timestamp, params byte[][] records)
    {
        var array = new JsonArray();
        foreach (var record in records)
        {
            array.Add(new JsonObject { ["data"] = Convert.ToBase64String(record) });
        }

        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["requestId"] = requestId,
            ["timestamp"] = timestamp,
            ["records"] = array,
        }.ToJsonString());
    }

    public static byte[] Gzip(string text) => Gzip(Encoding.UTF8.GetBytes(text));

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Posts a body as Firehose does; <paramref name="gzip"/> compresses it and sets Content-Encoding.</summary>
    public static async Task<FirehoseResponse> PostAsync(HttpClient client, string? accessKey, string requestId, byte[] body, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest/firehose");
        var content = new ByteArrayContent(gzip ? Gzip(body) : body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        request.Content = content;
        request.Headers.Add("X-Amz-Firehose-Protocol-Version", "1.0");
        request.Headers.Add("X-Amz-Firehose-Request-Id", requestId);
        if (accessKey is not null)
        {
            request.Headers.Add("X-Amz-Firehose-Access-Key", accessKey);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        return new FirehoseResponse(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            root.GetProperty("requestId").GetString(),
            root.GetProperty("timestamp").GetInt64(),
            root.TryGetProperty("errorMessage", out var message) ? message.GetString() : null);
    }
}

internal sealed record FirehoseResponse(int Status, string? ContentType, string? RequestId, long Timestamp, string? ErrorMessage);
