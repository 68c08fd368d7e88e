using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Route53;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Ingestion.Firehose;

/// <summary>
/// Parses one log event message as it reaches Firehose through a CloudWatch Logs subscription: a
/// CloudTrail event (a JSON object with <c>eventTime</c>), a Route 53 Resolver query (a JSON object
/// with <c>query_name</c>), or a VPC flow log line in the source's <see cref="FlowLineFormat"/>.
/// Only the top-level names of a JSON message decide its kind; nested values are never walked.
/// </summary>
public sealed class LogMessageParser(FlowLineFormat flowFormat, CloudTrailReaderOptions cloudTrailOptions, Route53QueryLogReaderOptions route53Options)
{
    public LogMessageParser(FlowLineFormat flowFormat)
        : this(flowFormat, CloudTrailReaderOptions.Default, Route53QueryLogReaderOptions.Default)
    {
    }

    /// <summary>Parses one message; the result contains exactly one record, or the reason it was rejected.</summary>
    public ParsedLogMessage Parse(string message, DateTimeOffset ingestTime)
    {
        ArgumentNullException.ThrowIfNull(message);
        var trimmed = message.Trim();
        if (trimmed.Length == 0)
        {
            return ParsedLogMessage.Rejected(new RecordError("message", "empty"));
        }

        if (trimmed[0] != '{')
        {
            var flow = flowFormat.ParseLine(trimmed, ingestTime, out var flowError);
            return flow is null ? ParsedLogMessage.Rejected(flowError!) : new ParsedLogMessage(null, flow, null, null);
        }

        var bytes = Encoding.UTF8.GetBytes(trimmed);
        switch (JsonKindOf(bytes))
        {
            case JsonMessageKind.CloudTrail:
                if (bytes.Length > cloudTrailOptions.MaxRecordBytes)
                {
                    return ParsedLogMessage.Rejected(new RecordError(null, $"the CloudTrail event is {bytes.Length} bytes, more than the limit of {cloudTrailOptions.MaxRecordBytes}"));
                }

                var cloudTrailEvent = CloudTrailRecordParser.Parse(bytes, ingestTime, cloudTrailOptions, out var cloudTrailError);
                return cloudTrailEvent is null ? ParsedLogMessage.Rejected(cloudTrailError!) : new ParsedLogMessage(cloudTrailEvent, null, null, null);

            case JsonMessageKind.Route53:
                var query = Route53RecordParser.Parse(bytes, ingestTime, route53Options, out var queryError);
                return query is null ? ParsedLogMessage.Rejected(queryError!) : new ParsedLogMessage(null, null, query, null);

            case JsonMessageKind.Invalid:
                return ParsedLogMessage.Rejected(new RecordError(null, "the message starts with '{' but is not one valid JSON object"));

            default:
                return ParsedLogMessage.Rejected(new RecordError(null, "the JSON message is neither a CloudTrail event (no eventTime) nor a Resolver query log record (no query_name)"));
        }
    }

    private static JsonMessageKind JsonKindOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1000 });
        var kind = JsonMessageKind.Unknown;
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("query_name"u8))
                {
                    kind = JsonMessageKind.Route53;
                }
                else if (kind == JsonMessageKind.Unknown && reader.ValueTextEquals("eventTime"u8))
                {
                    kind = JsonMessageKind.CloudTrail;
                }

                reader.Read();
                reader.Skip();
            }

            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? kind : JsonMessageKind.Invalid;
        }
        catch (JsonException)
        {
            return JsonMessageKind.Invalid;
        }
    }

    private enum JsonMessageKind
    {
        Unknown,
        CloudTrail,
        Route53,
        Invalid,
    }
}

/// <summary>One parsed message: exactly one of the three records, or the reason it was rejected.</summary>
public sealed record ParsedLogMessage(CloudTrailEvent? CloudTrail, FlowRecord? Flow, DnsQueryRecord? Query, RecordError? Error)
{
    internal static ParsedLogMessage Rejected(RecordError error) => new(null, null, null, error);
}
