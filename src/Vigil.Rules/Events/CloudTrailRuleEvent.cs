using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;

namespace Vigil.Rules.Events;

/// <summary>
/// A CloudTrail record for rule matching. Field names are CloudTrail's own JSON names, and a dotted
/// name is a path into the record as delivered (<c>userIdentity.type</c>,
/// <c>requestParameters.userName</c>). Where a path crosses an array, every element is visited, so
/// the field has one value per element. The raw JSON is parsed once, on the first lookup that needs it.
/// </summary>
public sealed class CloudTrailRuleEvent(CloudTrailEvent record) : RuleEvent
{
    /// <summary>Nesting accepted when the raw record is parsed; above the CloudTrail reader's own bound of 1,000.</summary>
    private const int MaxJsonDepth = 1_100;

    /// <summary>Length at which the reader truncates a normalised string; a value this long is read from the raw JSON instead.</summary>
    private const int NormalisedStringLimit = 8_192;

    private JsonDocument? document;
    private bool parsed;

    public CloudTrailEvent Record { get; } = record;

    public override DateTimeOffset Time => Record.EventTime;

    protected override FieldLookup Resolve(string field)
    {
        var normalised = field switch
        {
            "eventName" => Record.EventName,
            "eventSource" => Record.EventSource,
            "awsRegion" => Record.AwsRegion,
            "sourceIPAddress" => Record.SourceIpAddress,
            "userAgent" => Record.UserAgent,
            "errorCode" => Record.ErrorCode,
            "eventType" => Record.EventType,
            "eventCategory" => Record.EventCategory,
            "recipientAccountId" => Record.RecipientAccountId,
            _ => null,
        };
        if (normalised is not null && normalised.Length < NormalisedStringLimit)
        {
            return new FieldLookup(true, [FieldValue.Of(normalised)]);
        }

        var root = Root();
        return root is null ? FieldLookup.Missing : JsonPath.Resolve(root.Value, field);
    }

    protected override IReadOnlyList<string> CollectKeywordTexts()
    {
        var texts = new List<string>();
        var reader = new Utf8JsonReader(Record.RawJson.Utf8.Span, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
        try
        {
            while (texts.Count < MaxValues && reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    texts.Add(reader.GetString() ?? string.Empty);
                }
            }
        }
        catch (JsonException)
        {
            // The reader accepted the record, so this only happens past MaxJsonDepth; keep what was read.
        }

        return texts;
    }

    public override void Dispose()
    {
        document?.Dispose();
        document = null;
        base.Dispose();
    }

    private JsonElement? Root()
    {
        if (!parsed)
        {
            parsed = true;
            try
            {
                document = JsonDocument.Parse(Record.RawJson.Utf8, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            }
            catch (JsonException)
            {
                document = null;
            }
        }

        return document?.RootElement;
    }
}
