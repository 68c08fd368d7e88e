using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Vigil.Cli.Simulation;

/// <summary>
/// Writes realistic CloudTrail deliveries for <see cref="DemoEstate"/> in the S3 key layout: one
/// <c>.json.gz</c> file per five-minute slot, with routine traffic and a few planted incidents
/// (root credentials used, a trail stopped and deleted, calls from a threat-listed address, a file
/// delivered twice). The same seed and start time always give the same files.
/// <see cref="WriteVolume"/> writes an exact number of events for benchmarks instead.
/// </summary>
internal sealed class DemoLogSimulator(int seed, DateTimeOffset start, int days, int eventsPerSlot)
{
    /// <summary>Events of one round of <see cref="PlanIncidents"/>: two root calls, three trail calls and six threat-listed calls.</summary>
    private const int PlantedEventsPerRound = 11;

    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(5);

    private static readonly PrincipalPool DemoPrincipals = new(DemoEstate.UserNames, DemoEstate.RoleNames);

    private readonly Random random = new(seed);

    /// <summary>The events of one planted incident, given the start of the slot it is planted in.</summary>
    private delegate IEnumerable<Action<Utf8JsonWriter>> Incident(DateTimeOffset slotStart);

    /// <summary>Writes the logs below <paramref name="outputFolder"/> and returns what was written.</summary>
    public SimulationResult Write(string outputFolder)
    {
        var logRoot = LogRoot(outputFolder);
        var slots = (int)(TimeSpan.FromDays(days) / Slot);
        var incidents = new Dictionary<int, List<Incident>>();
        PlanIncidents(incidents, 0, slots);
        var files = 0;
        var events = 0;
        string? lastFile = null;

        for (var index = 0; index < slots; index++)
        {
            var slotStart = start + (Slot * index);
            var count = random.Next(eventsPerSlot / 2, (eventsPerSlot * 3 / 2) + 1);
            (lastFile, var written) = WriteSlot(logRoot, slotStart, Slot, count, DemoPrincipals, incidents.GetValueOrDefault(index));
            files++;
            events += written;
        }

        // CloudTrail can deliver the same events twice; the copy must not double any finding.
        if (lastFile is not null)
        {
            var copy = Path.Combine(Path.GetDirectoryName(lastFile)!, Path.GetFileName(lastFile).Replace(".json.gz", "_redelivered.json.gz", StringComparison.Ordinal));
            File.Copy(lastFile, copy, overwrite: true);
            files++;
        }

        return new SimulationResult(files, events, incidents.Values.Sum(planned => planned.Count));
    }

    /// <summary>
    /// Writes exactly <see cref="CloudTrailVolume.Records"/> events below <paramref name="outputFolder"/>,
    /// in files of about <see cref="CloudTrailVolume.RecordsPerFile"/> events spread evenly over the
    /// simulated days, from a pool of numbered users and roles. The incidents of <see cref="Write"/> are
    /// planted once a day, and no file is delivered twice, so every event is distinct.
    /// </summary>
    public SimulationResult WriteVolume(string outputFolder, CloudTrailVolume volume)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(volume.RecordsPerFile, 1);
        var logRoot = LogRoot(outputFolder);
        var slots = (int)Math.Ceiling(volume.Records / (double)volume.RecordsPerFile);
        var slot = TimeSpan.FromDays(days) / slots;
        var principals = new PrincipalPool(Numbered(DemoEstate.UserNames, volume.Users), Numbered(DemoEstate.RoleNames, volume.Roles));

        // One round of incidents per simulated day, or per slot when there are fewer slots than days.
        var rounds = Math.Min(days, slots);
        var incidents = new Dictionary<int, List<Incident>>();
        for (var round = 0; round < rounds; round++)
        {
            var first = (int)((long)round * slots / rounds);
            var next = (int)((long)(round + 1) * slots / rounds);
            PlanIncidents(incidents, first, next - first);
        }

        var routine = volume.Records - (rounds * PlantedEventsPerRound);
        if (routine < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(volume), volume.Records, $"At least {rounds * PlantedEventsPerRound} events are needed for the planted incidents.");
        }

        var events = 0;
        for (var index = 0; index < slots; index++)
        {
            // Spread the routine events evenly, so the total is exact whatever the number of slots.
            var count = (int)(((long)(index + 1) * routine / slots) - ((long)index * routine / slots));
            var (_, written) = WriteSlot(logRoot, start + (slot * index), slot, count, principals, incidents.GetValueOrDefault(index));
            events += written;
        }

        return new SimulationResult(slots, events, incidents.Values.Sum(planned => planned.Count));
    }

    private static string LogRoot(string outputFolder) => Path.Combine(outputFolder, "AWSLogs", DemoEstate.AccountId, "CloudTrail", DemoEstate.Region);

    /// <summary>Returns <paramref name="count"/> names: the base names with a number appended, cycling through them.</summary>
    private static string[] Numbered(string[] baseNames, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return [.. Enumerable.Range(0, count).Select(i => $"{baseNames[i % baseNames.Length]}-{i / baseNames.Length:D4}")];
    }

    /// <summary>Writes one delivery file: <paramref name="routineCount"/> routine calls, then the planted incidents; returns its path and event count.</summary>
    private (string Path, int Events) WriteSlot(string logRoot, DateTimeOffset slotStart, TimeSpan slot, int routineCount, PrincipalPool principals, List<Incident>? planted)
    {
        var records = new List<Action<Utf8JsonWriter>>(routineCount);
        for (var i = 0; i < routineCount; i++)
        {
            var time = slotStart + TimeSpan.FromMilliseconds(random.Next(0, (int)slot.TotalMilliseconds));
            records.Add(RoutineCall(time, principals));
        }

        foreach (var incident in planted ?? [])
        {
            records.AddRange(incident(slotStart));
        }

        return (WriteFile(logRoot, slotStart, records), records.Count);
    }

    /// <summary>Plans one round of the three incidents in the slots <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1.</summary>
    private void PlanIncidents(Dictionary<int, List<Incident>> plan, int first, int count)
    {
        var third = Math.Max(1, count / 3);
        Add(plan, first + Math.Min(third, count - 1), time => [RootCall(time + TimeSpan.FromSeconds(12), "ConsoleLogin", "signin.amazonaws.com"), RootCall(time + TimeSpan.FromSeconds(80), "CreateAccessKey", "iam.amazonaws.com")]);
        Add(plan, first + Math.Min((third * 2) - 1, count - 1), time =>
        [
            TrailCall(time + TimeSpan.FromSeconds(5), "StopLogging", errorCode: "AccessDenied"),
            TrailCall(time + TimeSpan.FromSeconds(40), "StopLogging", errorCode: null),
            TrailCall(time + TimeSpan.FromSeconds(95), "DeleteTrail", errorCode: null),
        ]);
        Add(plan, first + Math.Min(third * 2, count - 1), time => Enumerable.Range(0, 6).Select(i => ThreatListedCall(time + TimeSpan.FromSeconds(30 * i))));

        static void Add(Dictionary<int, List<Incident>> plan, int slot, Incident incident)
        {
            if (!plan.TryGetValue(slot, out var incidents))
            {
                incidents = [];
                plan[slot] = incidents;
            }

            incidents.Add(incident);
        }
    }

    private Action<Utf8JsonWriter> RoutineCall(DateTimeOffset time, PrincipalPool principals)
    {
        var (source, name, readOnly) = DemoEstate.RoutineCalls[random.Next(DemoEstate.RoutineCalls.Length)];
        var useRole = random.Next(4) == 0;
        var user = principals.Users[random.Next(principals.Users.Length)];
        var role = principals.Roles[random.Next(principals.Roles.Length)];
        var address = DemoEstate.OfficeAddresses[random.Next(DemoEstate.OfficeAddresses.Length)];
        var agent = DemoEstate.UserAgents[random.Next(DemoEstate.UserAgents.Length)];
        var eventId = NewGuid();
        var errorCode = random.Next(40) == 0 ? "AccessDenied" : null;
        return writer => WriteRecord(writer, time, eventId, source, name, readOnly, address, agent, errorCode,
            useRole ? AssumedRole(role, user) : IamUser(user), parameters: null);
    }

    private Action<Utf8JsonWriter> RootCall(DateTimeOffset time, string name, string source)
    {
        var eventId = NewGuid();
        return writer => WriteRecord(writer, time, eventId, source, name, false, "192.0.2.200", "Mozilla/5.0 (X11; Linux x86_64)", null,
            identity =>
            {
                identity.WriteString("type", "Root");
                identity.WriteString("principalId", DemoEstate.AccountId);
                identity.WriteString("arn", $"arn:aws:iam::{DemoEstate.AccountId}:root");
                identity.WriteString("accountId", DemoEstate.AccountId);
                identity.WriteString("accessKeyId", "ASIAEXAMPLEROOT00001");
            },
            parameters: null);
    }

    private Action<Utf8JsonWriter> TrailCall(DateTimeOffset time, string name, string? errorCode)
    {
        var eventId = NewGuid();
        return writer => WriteRecord(writer, time, eventId, "cloudtrail.amazonaws.com", name, false, "198.51.100.77",
            DemoEstate.UserAgents[0], errorCode, AssumedRole("ci-deployer", "session-7731"),
            parameters => parameters.WriteString("name", $"arn:aws:cloudtrail:{DemoEstate.Region}:{DemoEstate.AccountId}:trail/{DemoEstate.TrailName}"));
    }

    private Action<Utf8JsonWriter> ThreatListedCall(DateTimeOffset time)
    {
        var eventId = NewGuid();
        var (source, name, readOnly) = DemoEstate.RoutineCalls[random.Next(DemoEstate.RoutineCalls.Length)];
        return writer => WriteRecord(writer, time, eventId, source, name, readOnly, DemoEstate.ThreatListedAddress,
            "python-requests/2.31.0", null, IamUser("build-agent"), parameters: null);
    }

    private static Action<Utf8JsonWriter> IamUser(string user) => identity =>
    {
        identity.WriteString("type", "IAMUser");
        identity.WriteString("principalId", "AIDA" + Stable(user, 17));
        identity.WriteString("arn", $"arn:aws:iam::{DemoEstate.AccountId}:user/{user}");
        identity.WriteString("accountId", DemoEstate.AccountId);
        identity.WriteString("accessKeyId", "AKIA" + Stable(user, 16));
        identity.WriteString("userName", user);
    };

    private static Action<Utf8JsonWriter> AssumedRole(string role, string session) => identity =>
    {
        var roleId = "AROA" + Stable(role, 17);
        identity.WriteString("type", "AssumedRole");
        identity.WriteString("principalId", $"{roleId}:{session}");
        identity.WriteString("arn", $"arn:aws:sts::{DemoEstate.AccountId}:assumed-role/{role}/{session}");
        identity.WriteString("accountId", DemoEstate.AccountId);
        identity.WriteString("accessKeyId", "ASIA" + Stable(role + session, 16));
        identity.WriteStartObject("sessionContext");
        identity.WriteStartObject("sessionIssuer");
        identity.WriteString("type", "Role");
        identity.WriteString("principalId", roleId);
        identity.WriteString("arn", $"arn:aws:iam::{DemoEstate.AccountId}:role/{role}");
        identity.WriteString("accountId", DemoEstate.AccountId);
        identity.WriteString("userName", role);
        identity.WriteEndObject();
        identity.WriteStartObject("attributes");
        identity.WriteString("creationDate", "2024-01-01T00:00:00Z");
        identity.WriteString("mfaAuthenticated", "false");
        identity.WriteEndObject();
        identity.WriteEndObject();
    };

    private static void WriteRecord(
        Utf8JsonWriter writer, DateTimeOffset time, string eventId, string source, string name, bool readOnly, string address,
        string userAgent, string? errorCode, Action<Utf8JsonWriter> identity, Action<Utf8JsonWriter>? parameters)
    {
        writer.WriteStartObject();
        writer.WriteString("eventVersion", "1.10");
        writer.WriteStartObject("userIdentity");
        identity(writer);
        writer.WriteEndObject();
        writer.WriteString("eventTime", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("eventSource", source);
        writer.WriteString("eventName", name);
        writer.WriteString("awsRegion", DemoEstate.Region);
        writer.WriteString("sourceIPAddress", address);
        writer.WriteString("userAgent", userAgent);
        if (errorCode is not null)
        {
            writer.WriteString("errorCode", errorCode);
            writer.WriteString("errorMessage", "User is not authorized to perform this operation");
        }

        if (parameters is null)
        {
            writer.WriteNull("requestParameters");
        }
        else
        {
            writer.WriteStartObject("requestParameters");
            parameters(writer);
            writer.WriteEndObject();
        }

        writer.WriteNull("responseElements");
        writer.WriteString("requestID", Stable(eventId, 36));
        writer.WriteString("eventID", eventId);
        writer.WriteBoolean("readOnly", readOnly);
        writer.WriteString("eventType", name == "ConsoleLogin" ? "AwsConsoleSignIn" : "AwsApiCall");
        writer.WriteBoolean("managementEvent", true);
        writer.WriteString("recipientAccountId", DemoEstate.AccountId);
        writer.WriteString("eventCategory", "Management");
        writer.WriteEndObject();
    }

    private string WriteFile(string logRoot, DateTimeOffset slotStart, List<Action<Utf8JsonWriter>> records)
    {
        var folder = Path.Combine(logRoot, slotStart.ToString("yyyy", CultureInfo.InvariantCulture), slotStart.ToString("MM", CultureInfo.InvariantCulture), slotStart.ToString("dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var name = $"{DemoEstate.AccountId}_CloudTrail_{DemoEstate.Region}_{slotStart.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{RandomSuffix()}.json.gz";
        var path = Path.Combine(folder, name);

        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new Utf8JsonWriter(gzip);
        writer.WriteStartObject();
        writer.WriteStartArray("Records");
        foreach (var record in records)
        {
            record(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        return path;
    }

    private string NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private string RandomSuffix()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(16, random, (span, rng) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[rng.Next(alphabet.Length)];
            }
        });
    }

    private static string Stable(string text, int length)
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        return hash[..Math.Min(length, hash.Length)];
    }
}

/// <summary>What a simulation wrote: files (including the redelivered copy), events and planted incidents.</summary>
internal sealed record SimulationResult(int Files, int Events, int Incidents);

/// <summary>The size of a benchmark corpus's CloudTrail part: events in total, average events per file, and distinct users and roles.</summary>
internal sealed record CloudTrailVolume(int Records, int RecordsPerFile, int Users, int Roles);

/// <summary>The user and role names routine calls are made by.</summary>
internal sealed record PrincipalPool(string[] Users, string[] Roles);
