using System.Text.Json;

namespace Vigil.Ingestion.Firehose;

/// <summary>
/// The JSON body of one Amazon Data Firehose HTTP endpoint delivery request:
/// <c>{"requestId": "...", "timestamp": 1578090901599, "records": [{"data": "base64"}, ...]}</c>.
/// </summary>
public sealed record FirehoseRequestBody(string RequestId, DateTimeOffset? Timestamp, IReadOnlyList<FirehoseRecordData> Records)
{
    /// <summary>
    /// Parses a request body. Throws <see cref="FirehoseRequestException"/> when the body is not such
    /// an object or has more than <see cref="FirehoseLimits.MaxRecords"/> records. A record whose
    /// <c>data</c> is missing or not base64 is kept with its error, so the other records go on.
    /// </summary>
    public static FirehoseRequestBody Parse(ReadOnlySpan<byte> body, FirehoseLimits limits)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        string? requestId = null;
        DateTimeOffset? timestamp = null;
        List<FirehoseRecordData>? records = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FirehoseRequestException("the request body is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "requestId" when reader.TokenType == JsonTokenType.String:
                        requestId = reader.GetString();
                        break;
                    case "timestamp" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var milliseconds)
                        && milliseconds is >= 0 and <= 253_402_300_799_999:
                        timestamp = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
                        break;
                    case "records" when reader.TokenType == JsonTokenType.StartArray:
                        records = ReadRecords(ref reader, limits);
                        break;
                    case "requestId" or "timestamp" or "records":
                        throw new FirehoseRequestException($"the field \"{name}\" has the wrong JSON type or value ({reader.TokenType})");
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            throw new FirehoseRequestException($"the request body is not valid JSON: {JsonErrors.WithoutPosition(exception)} (byte {reader.BytesConsumed})");
        }

        if (string.IsNullOrEmpty(requestId))
        {
            throw new FirehoseRequestException("the field \"requestId\" is missing");
        }

        if (records is null)
        {
            throw new FirehoseRequestException("the field \"records\" is missing");
        }

        return new FirehoseRequestBody(requestId, timestamp, records);
    }

    private static List<FirehoseRecordData> ReadRecords(ref Utf8JsonReader reader, FirehoseLimits limits)
    {
        var records = new List<FirehoseRecordData>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var index = records.Count;
            if (index >= limits.MaxRecords)
            {
                throw new FirehoseRequestTooLargeException($"the request has more than {limits.MaxRecords} records");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                records.Add(new FirehoseRecordData(index, null, "the record is not a JSON object"));
                continue;
            }

            byte[]? data = null;
            string? error = "the field \"data\" is missing";
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name != "data")
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    error = $"the field \"data\" is {reader.TokenType}, not a base64 string";
                    reader.Skip();
                }
                else if (reader.TryGetBytesFromBase64(out data))
                {
                    error = null;
                }
                else
                {
                    error = "the field \"data\" is not valid base64";
                }
            }

            records.Add(new FirehoseRecordData(index, error is null ? data : null, error));
        }

        return records;
    }
}

/// <summary>One record of a request: its index in <c>records</c>, and its decoded data or why it has none.</summary>
public sealed record FirehoseRecordData(int Index, byte[]? Data, string? Error);

/// <summary>Raised when a request body is not a Firehose delivery request; the message gives the reason.</summary>
public class FirehoseRequestException(string message) : Exception(message);

/// <summary>Raised when a request exceeds one of the <see cref="FirehoseLimits"/>.</summary>
public sealed class FirehoseRequestTooLargeException(string message) : FirehoseRequestException(message);
