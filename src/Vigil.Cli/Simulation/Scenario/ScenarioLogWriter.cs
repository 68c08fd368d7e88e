using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Simulation.Scenario;

/// <summary>A CloudTrail caller: an IAM user, or a role session (an EC2 instance's session is named by the instance id).</summary>
internal sealed record CloudTrailIdentity(string AccountId, string Type, string Name, string? Session)
{
    public static CloudTrailIdentity User(string accountId, string name) => new(accountId, "IAMUser", name, null);

    public static CloudTrailIdentity Role(string accountId, string role, string session) => new(accountId, "AssumedRole", role, session);

    /// <summary>The ARN Vigil keys the principal by: the user ARN, or the role ARN behind a session.</summary>
    public string PrincipalArn => Type == "IAMUser" ? $"arn:aws:iam::{AccountId}:user/{Name}" : $"arn:aws:iam::{AccountId}:role/{Name}";

    public string PrincipalId => Type == "IAMUser" ? "AIDA" + ScenarioLogWriter.Stable(Name, 17) : $"AROA{ScenarioLogWriter.Stable(Name, 17)}:{Session}";

    public string AccessKeyId => (Type == "IAMUser" ? "AKIA" : "ASIA") + ScenarioLogWriter.Stable(Name + Session, 16);
}

/// <summary>
/// One CloudTrail event of a scenario. <paramref name="Bucket"/> makes it an S3 data event, and
/// <paramref name="VpcEndpointId"/> a call through that interface VPC endpoint, owned by
/// <paramref name="VpcEndpointAccountId"/>.
/// </summary>
internal sealed record ScenarioEvent(
    DateTimeOffset Time, CloudTrailIdentity Identity, string Source, string Name, string Address, string UserAgent,
    string? Bucket = null, string? Key = null, string? ErrorCode = null, string? VpcEndpointId = null, string? VpcEndpointAccountId = null)
{
    public bool ReadOnly => Name.StartsWith("Get", StringComparison.Ordinal) || Name.StartsWith("List", StringComparison.Ordinal)
        || Name.StartsWith("Describe", StringComparison.Ordinal) || Name.StartsWith("Lookup", StringComparison.Ordinal) || Name == "HeadObject";
}

/// <summary>
/// Collects a scenario's records for one day at a time and writes them in the S3 key layout of the
/// three log kinds: CloudTrail in one file per five minutes, VPC flow logs (default version 2 format)
/// and Route 53 Resolver query logs in one file per hour, all gzip-compressed.
/// </summary>
internal sealed class ScenarioLogWriter(string logRoot, string accountId, string region, string vpcId, Random random)
{
    private const string FlowHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    private readonly List<ScenarioEvent> events = [];
    private readonly List<(long Start, string Line)> flows = [];
    private readonly List<(DateTimeOffset Time, string Line)> queries = [];

    public long EventsWritten { get; private set; }

    public long FlowsWritten { get; private set; }

    public long QueriesWritten { get; private set; }

    public int FilesWritten { get; private set; }

    public void Add(ScenarioEvent record) => events.Add(record);

    /// <summary>Adds one connection as the two flow records VPC flow logs write for it: the request direction and the response.</summary>
    public void AddConnection(
        string networkInterface, string localAddress, int localPort, string remoteAddress, int remotePort, int protocol,
        long startSeconds, int durationSeconds, long bytesOut, long bytesIn, bool outbound, string action = "ACCEPT")
    {
        var end = startSeconds + Math.Max(1, durationSeconds);
        var packetsOut = Math.Max(1, bytesOut / 700);
        var packetsIn = Math.Max(1, bytesIn / 700);
        if (outbound)
        {
            AddFlow(networkInterface, localAddress, remoteAddress, localPort, remotePort, protocol, packetsOut, bytesOut, startSeconds, end, action);
            if (bytesIn > 0)
            {
                AddFlow(networkInterface, remoteAddress, localAddress, remotePort, localPort, protocol, packetsIn, bytesIn, startSeconds, end, action);
            }
        }
        else
        {
            AddFlow(networkInterface, remoteAddress, localAddress, remotePort, localPort, protocol, packetsIn, bytesIn, startSeconds, end, action);
            if (bytesOut > 0)
            {
                AddFlow(networkInterface, localAddress, remoteAddress, localPort, remotePort, protocol, packetsOut, bytesOut, startSeconds, end, action);
            }
        }
    }

    private void AddFlow(string networkInterface, string source, string destination, int sourcePort, int destinationPort, int protocol, long packets, long bytes, long start, long end, string action)
    {
        var line = string.Join(' ', "2", accountId, networkInterface, source, destination,
            sourcePort.ToString(CultureInfo.InvariantCulture), destinationPort.ToString(CultureInfo.InvariantCulture), protocol.ToString(CultureInfo.InvariantCulture),
            packets.ToString(CultureInfo.InvariantCulture), bytes.ToString(CultureInfo.InvariantCulture),
            start.ToString(CultureInfo.InvariantCulture), end.ToString(CultureInfo.InvariantCulture), action, "OK");
        flows.Add((start, line));
    }

    /// <summary>Adds one Resolver query of an instance; <paramref name="answer"/> null writes an NXDOMAIN response.</summary>
    public void AddQuery(DateTimeOffset time, string instanceId, string sourceAddress, string name, string? answer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", "1.100000");
            writer.WriteString("account_id", accountId);
            writer.WriteString("region", region);
            writer.WriteString("vpc_id", vpcId);
            writer.WriteString("query_timestamp", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("query_name", name.EndsWith('.') ? name : name + ".");
            writer.WriteString("query_type", "A");
            writer.WriteString("query_class", "IN");
            writer.WriteString("rcode", answer is null ? "NXDOMAIN" : "NOERROR");
            writer.WriteStartArray("answers");
            if (answer is not null)
            {
                writer.WriteStartObject();
                writer.WriteString("Rdata", answer);
                writer.WriteString("Type", "A");
                writer.WriteString("Class", "IN");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("srcaddr", sourceAddress);
            writer.WriteString("srcport", random.Next(32768, 61000).ToString(CultureInfo.InvariantCulture));
            writer.WriteString("transport", "UDP");
            writer.WriteStartObject("srcids");
            writer.WriteString("instance", instanceId);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        queries.Add((time, Encoding.UTF8.GetString(buffer.ToArray())));
    }

    /// <summary>Writes what was collected, sorted by time, and empties the buffers.</summary>
    public void Flush()
    {
        events.Sort((left, right) => left.Time.CompareTo(right.Time));
        foreach (var slot in events.GroupBy(record => Floor(record.Time, TimeSpan.FromMinutes(5))))
        {
            WriteCloudTrail(slot.Key, [.. slot]);
        }

        flows.Sort((left, right) => left.Start.CompareTo(right.Start));
        foreach (var hour in flows.GroupBy(flow => Floor(DateTimeOffset.FromUnixTimeSeconds(flow.Start), TimeSpan.FromHours(1))))
        {
            var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", accountId, "vpcflowlogs", region), hour.Key);
            var name = $"{accountId}_vpcflowlogs_{region}_fl-0scenario0000001_{hour.Key.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.log.gz";
            WriteGzip(Path.Combine(folder, name), FlowHeader + "\n" + string.Join('\n', hour.Select(flow => flow.Line)) + "\n");
            FlowsWritten += hour.Count();
        }

        queries.Sort((left, right) => left.Time.CompareTo(right.Time));
        foreach (var hour in queries.GroupBy(query => Floor(query.Time, TimeSpan.FromHours(1))))
        {
            var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", accountId, "vpcdnsquerylogs", vpcId), hour.Key);
            var name = $"{vpcId}_vpcdnsquerylogs_{accountId}_{hour.Key.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.log.gz";
            WriteGzip(Path.Combine(folder, name), string.Join('\n', hour.Select(query => query.Line)) + "\n");
            QueriesWritten += hour.Count();
        }

        events.Clear();
        flows.Clear();
        queries.Clear();
    }

    private void WriteCloudTrail(DateTimeOffset slot, List<ScenarioEvent> records)
    {
        var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", accountId, "CloudTrail", region), slot);
        var path = Path.Combine(folder, $"{accountId}_CloudTrail_{region}_{slot.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.json.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new Utf8JsonWriter(gzip))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            foreach (var record in records)
            {
                WriteEvent(writer, record);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        EventsWritten += records.Count;
        FilesWritten++;
    }

    private void WriteEvent(Utf8JsonWriter writer, ScenarioEvent record)
    {
        var eventId = NewGuid();
        var identity = record.Identity;
        writer.WriteStartObject();
        writer.WriteString("eventVersion", "1.10");
        writer.WriteStartObject("userIdentity");
        writer.WriteString("type", identity.Type);
        writer.WriteString("principalId", identity.PrincipalId);
        writer.WriteString("accountId", identity.AccountId);
        writer.WriteString("accessKeyId", identity.AccessKeyId);
        if (identity.Type == "IAMUser")
        {
            writer.WriteString("arn", identity.PrincipalArn);
            writer.WriteString("userName", identity.Name);
        }
        else
        {
            writer.WriteString("arn", $"arn:aws:sts::{identity.AccountId}:assumed-role/{identity.Name}/{identity.Session}");
            writer.WriteStartObject("sessionContext");
            writer.WriteStartObject("sessionIssuer");
            writer.WriteString("type", "Role");
            writer.WriteString("principalId", "AROA" + Stable(identity.Name, 17));
            writer.WriteString("arn", identity.PrincipalArn);
            writer.WriteString("accountId", identity.AccountId);
            writer.WriteString("userName", identity.Name);
            writer.WriteEndObject();
            writer.WriteStartObject("attributes");
            writer.WriteString("creationDate", Floor(record.Time, TimeSpan.FromHours(1)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("mfaAuthenticated", "false");
            writer.WriteEndObject();
            if (identity.Session?.StartsWith("i-", StringComparison.Ordinal) == true)
            {
                writer.WriteString("ec2RoleDelivery", "2.0");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteString("eventTime", record.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("eventSource", record.Source);
        writer.WriteString("eventName", record.Name);
        writer.WriteString("awsRegion", region);
        writer.WriteString("sourceIPAddress", record.Address);
        writer.WriteString("userAgent", record.UserAgent);
        if (record.ErrorCode is not null)
        {
            writer.WriteString("errorCode", record.ErrorCode);
            writer.WriteString("errorMessage", "User is not authorized to perform this operation");
        }

        if (record.Bucket is null)
        {
            writer.WriteNull("requestParameters");
        }
        else
        {
            writer.WriteStartObject("requestParameters");
            writer.WriteString("bucketName", record.Bucket);
            writer.WriteString("Host", $"{record.Bucket}.s3.{region}.amazonaws.com");
            if (record.Key is not null)
            {
                writer.WriteString("key", record.Key);
            }

            writer.WriteEndObject();
        }

        if (record.Name == "ConsoleLogin")
        {
            writer.WriteStartObject("responseElements");
            writer.WriteString("ConsoleLogin", record.ErrorCode is null ? "Success" : "Failure");
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("responseElements");
        }

        writer.WriteString("requestID", Stable(eventId, 32));
        writer.WriteString("eventID", eventId);
        writer.WriteBoolean("readOnly", record.ReadOnly);
        if (record.Bucket is not null)
        {
            writer.WriteStartArray("resources");
            writer.WriteStartObject();
            writer.WriteString("type", "AWS::S3::Bucket");
            writer.WriteString("ARN", $"arn:aws:s3:::{record.Bucket}");
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteString("eventType", record.Name == "ConsoleLogin" ? "AwsConsoleSignIn" : "AwsApiCall");
        if (record.VpcEndpointId is not null)
        {
            writer.WriteString("vpcEndpointId", record.VpcEndpointId);
            writer.WriteString("vpcEndpointAccountId", record.VpcEndpointAccountId);
        }

        writer.WriteBoolean("managementEvent", record.Bucket is null);
        writer.WriteString("recipientAccountId", identity.AccountId);
        writer.WriteString("eventCategory", record.Bucket is null ? "Management" : "Data");
        writer.WriteEndObject();
    }

    public static string Stable(string text, int length)
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return hash[..Math.Min(length, hash.Length)];
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step) => new(time.UtcTicks - (time.UtcTicks % step.Ticks), TimeSpan.Zero);

    private static string DatedFolder(string root, DateTimeOffset time)
    {
        var folder = Path.Combine(root, time.ToString("yyyy", CultureInfo.InvariantCulture), time.ToString("MM", CultureInfo.InvariantCulture), time.ToString("dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private void WriteGzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
        FilesWritten++;
    }

    private string NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private string Suffix() => random.Next(0x10000000, int.MaxValue).ToString("x8", CultureInfo.InvariantCulture);
}
