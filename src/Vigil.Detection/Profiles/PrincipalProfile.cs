namespace Vigil.Detection.Profiles;

/// <summary>
/// Everything a principal grain keeps for anomaly detection: the behaviour profile, the last console
/// sign-in with a known place, and the unusual values of its recent anomaly findings (so analyst
/// feedback can teach them), and the events per hour. Serialised as one compact byte array.
/// </summary>
public sealed class PrincipalProfile
{
    /// <summary>Most anomaly findings whose unusual values are remembered for feedback; the oldest is dropped first.</summary>
    public const int MaxRememberedAnomalies = 32;

    private const byte FormatVersion = 2;

    /// <summary>The format before <see cref="Activity"/> was kept; it is read as a profile with no hourly counts yet.</summary>
    private const byte FormatVersionWithoutActivity = 1;

    private readonly List<(string FindingId, ProfileObservation Unusual)> anomalies = [];

    private PrincipalProfileChanges? changes;

    public PrincipalProfile(ProfileOptions options) => Behavior = new BehaviorProfile(options);

    private PrincipalProfile(BehaviorProfile behavior) => Behavior = behavior;

    public BehaviorProfile Behavior { get; private set; }

    /// <summary>Events of the current event-time hour and the busiest learned hour.</summary>
    public HourlyActivity Activity { get; private set; } = new();

    /// <summary>The latest successful console sign-in whose place had coordinates.</summary>
    public SignInRecord? LastSignIn { get; set; }

    /// <summary>Event time of the newest event counted; feedback teaches the profile as of this time.</summary>
    public DateTimeOffset? LastEventTime { get; set; }

    /// <summary>The finding ids whose unusual values are remembered, oldest first.</summary>
    public IReadOnlyList<string> RememberedFindingIds => [.. anomalies.Select(anomaly => anomaly.FindingId)];

    /// <summary>Remembers what was unusual in an anomaly finding; a repeat of the same finding id replaces the earlier values.</summary>
    public void RememberAnomaly(string findingId, in ProfileObservation unusual)
    {
        KeepAnomaliesForRollBack();
        anomalies.RemoveAll(anomaly => anomaly.FindingId == findingId);
        if (anomalies.Count >= MaxRememberedAnomalies)
        {
            anomalies.RemoveAt(0);
        }

        anomalies.Add((findingId, unusual));
    }

    /// <summary>
    /// Adds what was unusual in a remembered anomaly finding to the expected set, as an analyst's "not
    /// useful" does. Returns false when the finding is not one of the remembered ones.
    /// </summary>
    public bool TryTeach(string findingId)
    {
        var index = anomalies.FindIndex(anomaly => anomaly.FindingId == findingId);
        if (index < 0)
        {
            return false;
        }

        Behavior.Teach(anomalies[index].Unusual, LastEventTime ?? DateTimeOffset.UnixEpoch);
        KeepAnomaliesForRollBack();
        anomalies.RemoveAt(index);
        return true;
    }

    /// <summary>
    /// Starts recording changes, so that <see cref="RollBackChanges"/> can put back the behaviour
    /// profile, the hourly counts, the last sign-in, the last event time and the remembered anomalies
    /// as they are now. A recording still open is committed first.
    /// </summary>
    public void BeginChanges()
    {
        Behavior.BeginChanges();
        changes = new PrincipalProfileChanges(Behavior, Activity, Activity.Capture(), LastSignIn, LastEventTime, null);
    }

    /// <summary>Copies the remembered anomalies into the open recording before their first change in it; most recordings change none.</summary>
    private void KeepAnomaliesForRollBack()
    {
        if (changes is { Anomalies: null })
        {
            changes = changes with { Anomalies = [.. anomalies] };
        }
    }

    /// <summary>Keeps the changes since <see cref="BeginChanges"/> and stops recording.</summary>
    public void CommitChanges()
    {
        Behavior.CommitChanges();
        changes = null;
    }

    /// <summary>Puts the profile back as it was at <see cref="BeginChanges"/>.</summary>
    /// <exception cref="InvalidOperationException">No recording was started.</exception>
    public void RollBackChanges()
    {
        if (changes is null)
        {
            throw new InvalidOperationException("The principal profile is not recording changes; call BeginChanges first.");
        }

        Behavior = changes.Behavior;
        Behavior.RollBackChanges();
        Activity = changes.Activity;
        Activity.Restore(changes.ActivityCounts);
        LastSignIn = changes.LastSignIn;
        LastEventTime = changes.LastEventTime;
        if (changes.Anomalies is { } keptAnomalies)
        {
            anomalies.Clear();
            anomalies.AddRange(keptAnomalies);
        }

        changes = null;
    }

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        Serialize(buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes the form that <see cref="Serialize()"/> returns to <paramref name="destination"/>, so a caller can use a pooled stream.</summary>
    public void Serialize(Stream destination)
    {
        using (var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            Behavior.Prune(LastEventTime ?? DateTimeOffset.UnixEpoch);
            Behavior.WriteTo(writer);
            writer.Write(LastEventTime?.UtcTicks ?? 0L);
            writer.Write(LastSignIn is not null);
            if (LastSignIn is { } signIn)
            {
                writer.Write(signIn.Time.UtcTicks);
                writer.Write(signIn.Latitude);
                writer.Write(signIn.Longitude);
                writer.Write(signIn.CountryCode);
                writer.Write(signIn.City ?? string.Empty);
                writer.Write(signIn.SourceIp);
            }

            writer.Write7BitEncodedInt(anomalies.Count);
            foreach (var (findingId, unusual) in anomalies)
            {
                writer.Write(findingId);
                foreach (var dimension in ProfileObservation.Dimensions)
                {
                    if (dimension is ProfileDimension.ApiNetwork or ProfileDimension.NetworkUserAgent)
                    {
                        continue;
                    }

                    writer.Write(unusual.KeyOf(dimension) ?? string.Empty);
                }
            }

            Activity.WriteTo(writer);
        }
    }

    /// <summary>Reads a profile written by <see cref="Serialize()"/>; null or empty data gives an empty profile.</summary>
    /// <exception cref="InvalidDataException">The data is of another format version or damaged.</exception>
    public static PrincipalProfile Deserialize(byte[]? data, ProfileOptions options) =>
        data is null || data.Length == 0 ? new PrincipalProfile(options) : Deserialize(new MemoryStream(data), options);

    /// <summary>Reads a profile that <see cref="Serialize(Stream)"/> wrote, from the position of <paramref name="source"/>, which stays open.</summary>
    /// <exception cref="InvalidDataException">The data is of another format version or damaged.</exception>
    public static PrincipalProfile Deserialize(Stream source, ProfileOptions options)
    {
        try
        {
            using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
            var version = reader.ReadByte();
            if (version is not (FormatVersion or FormatVersionWithoutActivity))
            {
                throw new InvalidDataException($"Principal profile format version {version} is not supported; expected {FormatVersionWithoutActivity} or {FormatVersion}.");
            }

            var profile = new PrincipalProfile(BehaviorProfile.ReadFrom(reader, options));
            var lastTicks = reader.ReadInt64();
            profile.LastEventTime = lastTicks == 0 ? null : new DateTimeOffset(lastTicks, TimeSpan.Zero);
            if (reader.ReadBoolean())
            {
                profile.LastSignIn = new SignInRecord(
                    new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
                    reader.ReadDouble(),
                    reader.ReadDouble(),
                    reader.ReadString(),
                    NullIfEmpty(reader.ReadString()),
                    reader.ReadString());
            }

            var count = reader.Read7BitEncodedInt();
            if (count < 0 || count > MaxRememberedAnomalies)
            {
                throw new InvalidDataException($"Principal profile claims {count} remembered anomalies; at most {MaxRememberedAnomalies} are kept.");
            }

            for (var i = 0; i < count; i++)
            {
                var findingId = reader.ReadString();
                var values = new string?[ProfileObservation.Dimensions.Count];
                foreach (var dimension in ProfileObservation.Dimensions)
                {
                    if (dimension is not (ProfileDimension.ApiNetwork or ProfileDimension.NetworkUserAgent))
                    {
                        values[(int)dimension] = NullIfEmpty(reader.ReadString());
                    }
                }

                profile.anomalies.Add((findingId, new ProfileObservation(
                    values[(int)ProfileDimension.Api],
                    values[(int)ProfileDimension.Network],
                    values[(int)ProfileDimension.Country],
                    values[(int)ProfileDimension.UserAgent],
                    values[(int)ProfileDimension.UserType],
                    values[(int)ProfileDimension.Bucket],
                    values[(int)ProfileDimension.InstanceSource],
                    values[(int)ProfileDimension.InstanceEndpointAccount])));
            }

            if (version == FormatVersion)
            {
                profile.Activity = HourlyActivity.ReadFrom(reader);
            }

            return profile;
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException("Principal profile data ends early.", exception);
        }
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}

/// <summary>
/// What a principal profile was at <see cref="PrincipalProfile.BeginChanges"/>; the behaviour profile
/// keeps its own log. <see cref="Anomalies"/> stays null until the recording first changes them.
/// </summary>
internal sealed record PrincipalProfileChanges(
    BehaviorProfile Behavior,
    HourlyActivity Activity,
    (long CurrentHour, int CurrentCount, bool Reported, float Busiest, int BusiestDay) ActivityCounts,
    SignInRecord? LastSignIn,
    DateTimeOffset? LastEventTime,
    List<(string FindingId, ProfileObservation Unusual)>? Anomalies);

/// <summary>A successful console sign-in with the coordinates of its source address.</summary>
public sealed record SignInRecord(DateTimeOffset Time, double Latitude, double Longitude, string CountryCode, string? City, string SourceIp);
