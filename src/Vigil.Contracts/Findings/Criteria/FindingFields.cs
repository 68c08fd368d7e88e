using System.Collections.Frozen;

namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// The finding fields criteria may name. The aggregate values (count, event times, archived flag,
/// feedback) and the list columns come from the <c>findings</c> table; any other path of GuardDuty's
/// finding document under <c>resource.</c> or <c>service.</c> is read from the stored document, where
/// arrays on the way are searched element by element, as GuardDuty's filter paths do.
/// </summary>
public static class FindingFields
{
    /// <summary>The most segments of a document path.</summary>
    public const int MaxPathSegments = 12;

    /// <summary>The longest field path, in characters.</summary>
    public const int MaxPathLength = 256;

    /// <summary>Vigil's field for the aggregation key's resource part: the principal or endpoint key.</summary>
    public const string ResourceKey = "resourceKey";

    /// <summary>Vigil's field for the resource text the findings list shows (user name, instance id and so on).</summary>
    public const string ResourceLabel = "resourceLabel";

    /// <summary>
    /// Vigil's field for the remote address of the finding's API call or network connection, when it
    /// is an IP address; CIDR criteria on it use an index.
    /// </summary>
    public const string RemoteIp = "remoteIp";

    /// <summary>Vigil's field for the id of the suppression rule that archived a finding.</summary>
    public const string SuppressedBy = "suppressedBy";

    private static readonly FrozenDictionary<string, FindingField> Columns = new FindingField[]
    {
        new("id", FindingFieldType.Text, "id"),
        new("type", FindingFieldType.Text, "type"),
        new("severity", FindingFieldType.Number, "severity"),
        new("accountId", FindingFieldType.Text, "account_id"),
        new("region", FindingFieldType.Text, "region"),
        new("title", FindingFieldType.Text, "title"),
        new("resource.resourceType", FindingFieldType.Text, "resource_type"),
        new("service.count", FindingFieldType.Number, "count"),
        new("service.eventFirstSeen", FindingFieldType.Timestamp, "event_first_seen"),
        new("service.eventLastSeen", FindingFieldType.Timestamp, "event_last_seen"),
        new("service.archived", FindingFieldType.Boolean, "archived"),
        new("service.userFeedback", FindingFieldType.Text, "user_feedback", Nullable: true),
        new("createdAt", FindingFieldType.Timestamp, "created_at"),
        new("updatedAt", FindingFieldType.Timestamp, "updated_at"),
        new(ResourceKey, FindingFieldType.Text, "resource_key"),
        new(ResourceLabel, FindingFieldType.Text, "resource_label"),
        new(SuppressedBy, FindingFieldType.Text, "suppressed_by", Nullable: true),
        new(RemoteIp, FindingFieldType.IpAddress, "remote_ip", Nullable: true),
    }.ToFrozenDictionary(field => field.Path, StringComparer.Ordinal);

    // Document leaves that hold an address, so InCidr applies to them.
    private static readonly FrozenSet<string> AddressLeaves =
        new[] { "ipAddressV4", "ipAddressV6", "privateIpAddress", "publicIp", "ipv6Addresses", "ip" }.ToFrozenSet(StringComparer.Ordinal);

    // Document leaves that hold numbers, so the ordering operators apply to them.
    private static readonly FrozenSet<string> NumberLeaves =
        new[] { "port", "lat", "lon", "confidence", "localPort", "remotePort", "scannedPort" }.ToFrozenSet(StringComparer.Ordinal);

    // Top-level document fields that are not columns.
    private static readonly FrozenSet<string> DocumentTopLevel =
        new[] { "schemaVersion", "partition", "arn", "description" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The column fields, in the order the filter builder offers them.</summary>
    public static IReadOnlyCollection<FindingField> ColumnFields => Columns.Values;

    /// <summary>Document paths the filter builder suggests; any other valid path works as well.</summary>
    public static IReadOnlyList<string> SuggestedPaths { get; } =
    [
        "service.resourceRole",
        "service.action.actionType",
        "service.action.awsApiCallAction.api",
        "service.action.awsApiCallAction.serviceName",
        "service.action.awsApiCallAction.callerType",
        "service.action.awsApiCallAction.errorCode",
        "service.action.awsApiCallAction.userAgent",
        "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4",
        "service.action.awsApiCallAction.remoteIpDetails.organization.asn",
        "service.action.awsApiCallAction.remoteIpDetails.organization.asnOrg",
        "service.action.awsApiCallAction.remoteIpDetails.country.countryName",
        "service.action.networkConnectionAction.connectionDirection",
        "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4",
        "service.action.networkConnectionAction.remotePortDetails.port",
        "service.action.networkConnectionAction.localPortDetails.port",
        "service.action.dnsRequestAction.domain",
        "service.additionalInfo.threatListName",
        "service.evidence.threatIntelligenceDetails.threatListName",
        "resource.accessKeyDetails.userName",
        "resource.accessKeyDetails.principalId",
        "resource.accessKeyDetails.accessKeyId",
        "resource.accessKeyDetails.userType",
        "resource.instanceDetails.instanceId",
        "resource.instanceDetails.networkInterfaces.privateIpAddress",
        "resource.instanceDetails.networkInterfaces.vpcId",
    ];

    /// <summary>
    /// Resolves a field path: a column field, or a document path of 2 to <see cref="MaxPathSegments"/>
    /// segments of letters, digits and underscores under <c>resource.</c> or <c>service.</c>, or one of
    /// the top-level document fields. Returns false with the reason otherwise.
    /// </summary>
    public static bool TryResolve(string? path, out FindingField field, out string error)
    {
        field = null!;
        error = string.Empty;
        if (string.IsNullOrEmpty(path))
        {
            error = "The field is missing.";
            return false;
        }

        if (Columns.TryGetValue(path, out var column))
        {
            field = column;
            return true;
        }

        if (path.Length > MaxPathLength)
        {
            error = $"The field path is longer than {MaxPathLength} characters.";
            return false;
        }

        var segments = path.Split('.');
        if (segments.Length > MaxPathSegments || !segments.All(IsIdentifier))
        {
            error = $"'{path}' is not a field path: use up to {MaxPathSegments} dot-separated names of letters, digits and underscores.";
            return false;
        }

        var documentPath = segments.Length == 1
            ? DocumentTopLevel.Contains(path)
            : segments[0] is "resource" or "service";
        if (!documentPath)
        {
            error = $"'{path}' is not a finding field: use a column field such as 'type' or 'severity', or a path under 'resource.' or 'service.'.";
            return false;
        }

        var leaf = segments[^1];
        var type = AddressLeaves.Contains(leaf) ? FindingFieldType.IpAddress
            : NumberLeaves.Contains(leaf) ? FindingFieldType.Number
            : FindingFieldType.Text;
        field = new FindingField(path, type, Column: null, Nullable: true);
        return true;
    }

    /// <summary>Returns the operators a field of this type takes.</summary>
    public static IReadOnlyList<CriterionOperator> OperatorsFor(FindingFieldType type) => type switch
    {
        FindingFieldType.Text => [CriterionOperator.Equals, CriterionOperator.NotEquals, CriterionOperator.Matches, CriterionOperator.NotMatches, CriterionOperator.MatchesRegex],
        FindingFieldType.Number => [CriterionOperator.Equals, CriterionOperator.NotEquals, CriterionOperator.GreaterThan, CriterionOperator.GreaterThanOrEqual, CriterionOperator.LessThan, CriterionOperator.LessThanOrEqual],
        FindingFieldType.Timestamp => [CriterionOperator.GreaterThan, CriterionOperator.GreaterThanOrEqual, CriterionOperator.LessThan, CriterionOperator.LessThanOrEqual],
        FindingFieldType.Boolean => [CriterionOperator.Equals, CriterionOperator.NotEquals],
        FindingFieldType.IpAddress => [CriterionOperator.Equals, CriterionOperator.NotEquals, CriterionOperator.Matches, CriterionOperator.NotMatches, CriterionOperator.InCidr, CriterionOperator.NotInCidr],
        _ => [],
    };

    private static bool IsIdentifier(string segment) =>
        segment.Length > 0 && segment.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
