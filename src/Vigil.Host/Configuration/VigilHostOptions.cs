namespace Vigil.Host.Configuration;

/// <summary>
/// The host's settings, bound from the <c>Vigil</c> configuration section (appsettings.json, or
/// environment variables such as <c>Vigil__Database__ConnectionString</c>).
/// </summary>
public sealed class VigilHostOptions
{
    public const string SectionName = "Vigil";

    public DatabaseSettings Database { get; set; } = new();

    public ClusterSettings Cluster { get; set; } = new();

    public IngestSettings Ingest { get; set; } = new();

    public IntegritySettings Integrity { get; set; } = new();

    public AdministratorSettings Administrator { get; set; } = new();

    public FirehoseSettings Firehose { get; set; } = new();

    public EnrichmentFileSettings Enrichment { get; set; } = new();

    public ProfileSettings Profiles { get; set; } = new();

    public GrainSettings Grains { get; set; } = new();

    /// <summary>Sign-in to the console and the REST API (section <c>Vigil:Console</c>).</summary>
    public Vigil.Console.Security.ConsoleAuthenticationSettings Console { get; set; } = new();

    public ListSettings Lists { get; set; } = new();
}

/// <summary>Tenant lists uploaded in the console or read from S3 (section <c>Vigil:Lists</c>).</summary>
public sealed class ListSettings
{
    /// <summary>Largest list file from an upload or an S3 object, in bytes (default 35 MiB, GuardDuty's limit).</summary>
    public long MaxUploadBytes { get; set; } = Vigil.Console.Lists.ListOptions.DefaultMaxUploadBytes;

    /// <summary>Minutes between fetches of a list read from S3 when the tenant names none (default 60).</summary>
    public int DefaultRefreshMinutes { get; set; } = 60;

    /// <summary>
    /// An S3-compatible endpoint to read <c>s3://</c> lists from instead of AWS, with path-style addressing;
    /// empty for AWS. Credentials and region come from the standard AWS configuration either way.
    /// </summary>
    public string? S3ServiceUrl { get; set; }

    /// <summary>Region of the S3 client; empty for the standard AWS configuration's.</summary>
    public string? S3Region { get; set; }

    public Vigil.Console.Lists.ListOptions ToOptions() => new() { MaxUploadBytes = MaxUploadBytes, DefaultRefreshMinutes = DefaultRefreshMinutes };
}

public sealed class GrainSettings
{
    /// <summary>
    /// Seconds between state writes of a changed principal or endpoint grain (default 30). Grains also
    /// write their state when they deactivate, which includes a graceful shutdown. A crash loses
    /// at most this much of what they remember about applied events.
    /// </summary>
    public int StateWriteSeconds { get; set; } = 30;

    /// <summary>
    /// Form in which grain state is written (default <see cref="GrainStateFormat.Binary"/>). State is
    /// read in either form, whichever this is set to.
    /// </summary>
    public GrainStateFormat StateFormat { get; set; } = GrainStateFormat.Binary;
}

/// <summary>Form in which grains write their state to the database.</summary>
public enum GrainStateFormat
{
    /// <summary>Orleans' binary serializer behind a marker; silos of versions before it cannot read it.</summary>
    Binary,

    /// <summary>Orleans' default JSON (Newtonsoft.Json), which every version reads; for a roll from an earlier version.</summary>
    Json,
}

/// <summary>Files that enrich source addresses (section <c>Vigil:Enrichment</c>); each is optional.</summary>
public sealed class EnrichmentFileSettings
{
    /// <summary>ASN database: a MaxMind DB (.mmdb) file or a CSV range file.</summary>
    public string? AsnFile { get; set; }

    /// <summary>Country or city database: a MaxMind DB file or a CSV range file; may be the ASN file.</summary>
    public string? LocationFile { get; set; }

    /// <summary>AWS's ip-ranges.json, to tell calls from inside AWS.</summary>
    public string? AwsIpRangesFile { get; set; }

    /// <summary>Returns the enrichment library's settings.</summary>
    public Enrichment.EnrichmentSettings ToSettings() => new()
    {
        AsnFile = AsnFile,
        LocationFile = LocationFile,
        AwsIpRangesFile = AwsIpRangesFile,
    };
}

/// <summary>Behaviour profile settings (section <c>Vigil:Profiles</c>); times are event time.</summary>
public sealed class ProfileSettings
{
    /// <summary>Days from a profile's first event before it raises anomaly findings (default 14).</summary>
    public double LearningDays { get; set; } = 14;

    /// <summary>Distinct days with events a profile needs before it raises anomaly findings (default 3).</summary>
    public int MinimumActiveDays { get; set; } = 3;

    /// <summary>Days after which the weight of a day of use halves, so old behaviour fades (default 30).</summary>
    public double HalfLifeDays { get; set; } = 30;

    /// <summary>Returns the detection library's options for these settings.</summary>
    public Detection.Profiles.ProfileOptions ToOptions() => Detection.Profiles.ProfileOptions.Default with
    {
        LearningPeriod = TimeSpan.FromDays(LearningDays),
        MinimumActiveDays = MinimumActiveDays,
        HalfLife = TimeSpan.FromDays(HalfLifeDays),
    };
}

public sealed class DatabaseSettings
{
    /// <summary>Npgsql connection string of the PostgreSQL database shared by all silos. Required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending schema migrations when the host starts (default true).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public sealed class ClusterSettings
{
    /// <summary>Orleans cluster id; every silo of one deployment uses the same value (default "vigil").</summary>
    public string ClusterId { get; set; } = Abstractions.VigilCluster.DefaultClusterId;

    /// <summary>Orleans service id under which grain state and reminders are stored (default "vigil").</summary>
    public string ServiceId { get; set; } = Abstractions.VigilCluster.DefaultServiceId;

    /// <summary>Address other silos and clients use to reach this silo (default 127.0.0.1).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Port for silo-to-silo traffic (default 11111).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients such as <c>vigil ingest</c> (default 30000).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How silos detect each other's failure; see <see cref="MembershipSettings"/>.</summary>
    public MembershipSettings Membership { get; set; } = new();
}

/// <summary>
/// Failure detection between silos, mapped to Orleans' <c>ClusterMembershipOptions</c>. The defaults
/// are Orleans 10.4.2's own, which suit production. Tests set shorter times so a killed silo is
/// declared dead within seconds.
/// </summary>
public sealed class MembershipSettings
{
    /// <summary>Seconds a silo waits for the response to a liveness probe (ProbeTimeout, default 5).</summary>
    public double ProbeTimeoutSeconds { get; set; } = 5;

    /// <summary>Missed probes after which a silo suspects the probed silo (NumMissedProbesLimit, default 3).</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Silos each silo probes (NumProbedSilos, default 10).</summary>
    public int ProbedSilos { get; set; } = 10;

    /// <summary>Unexpired suspicion votes that declare a silo dead (NumVotesForDeathDeclaration, default 2).</summary>
    public int VotesForDeathDeclaration { get; set; } = 2;

    /// <summary>Seconds after which a suspicion vote expires (DeathVoteExpirationTimeout, default 120).</summary>
    public double DeathVoteExpirationSeconds { get; set; } = 120;

    /// <summary>Seconds between reads of the membership table (TableRefreshTimeout, default 60).</summary>
    public double TableRefreshSeconds { get; set; } = 60;

    /// <summary>Seconds between this silo's heartbeat writes to the membership table (IAmAliveTablePublishTimeout, default 30).</summary>
    public double IAmAlivePublishSeconds { get; set; } = 30;

    /// <summary>Seconds a starting silo keeps trying to join the cluster before it gives up (MaxJoinAttemptTime, default 300).</summary>
    public double MaxJoinAttemptSeconds { get; set; } = 300;

    /// <summary>Copies these settings into Orleans' membership options.</summary>
    public void ApplyTo(Orleans.Configuration.ClusterMembershipOptions membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        membership.ProbeTimeout = TimeSpan.FromSeconds(ProbeTimeoutSeconds);
        membership.NumMissedProbesLimit = MissedProbesLimit;
        membership.NumProbedSilos = ProbedSilos;
        membership.NumVotesForDeathDeclaration = VotesForDeathDeclaration;
        membership.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(DeathVoteExpirationSeconds);
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(TableRefreshSeconds);
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(IAmAlivePublishSeconds);
        membership.MaxJoinAttemptTime = TimeSpan.FromSeconds(MaxJoinAttemptSeconds);
    }
}

public sealed class IngestSettings
{
    /// <summary>
    /// Folder of logs to watch (S3 key layout or flat). At start it is saved as a folder source of
    /// <see cref="TenantId"/>; when empty, that source is deleted.
    /// </summary>
    public string? WatchFolder { get; set; }

    /// <summary>Tenant the watched folder's logs belong to (default "default").</summary>
    public string TenantId { get; set; } = "default";

    /// <summary>
    /// AWS accounts (12 digits, separated by commas) whose records the watched folder may deliver.
    /// When empty, records of every account are accepted and a warning is logged at start.
    /// </summary>
    public string? AccountIds { get; set; }

    /// <summary>The accounts of <see cref="AccountIds"/>, without blanks.</summary>
    public IReadOnlyList<string> AccountIdList() =>
        (AccountIds ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Seconds between two passes of each folder and S3 listing source, and between two reads of the
    /// source list (default 10); file system events trigger a folder pass sooner.
    /// </summary>
    public int PollSeconds { get; set; } = 10;

    /// <summary>Long-poll wait of each SQS receive call of S3 notification sources, 0 to 20 seconds (default 20).</summary>
    public int QueueWaitSeconds { get; set; } = 20;

    /// <summary>
    /// Seconds an object lease lasts without renewal (default 120). A silo renews its leases every
    /// third of this while it reads, so a dead silo's objects are taken over after at most this long.
    /// </summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>
    /// Seconds a stopping silo waits for the object it reads to finish before it abandons it and
    /// releases its lease (default 20). Keep it well below the host's shutdown timeout
    /// (<c>shutdownTimeoutSeconds</c>), which also covers deactivating the grains.
    /// </summary>
    public int DrainSeconds { get; set; } = 20;

    /// <summary>
    /// CloudTrail events buffered across objects before they are sent, one grain call per principal
    /// (100 to 1,000,000; default <see cref="Grains.Ingest.IngestOptions.DefaultWindowCloudTrailEvents"/>).
    /// A larger window makes fewer, larger grain calls and keeps more events in memory.
    /// </summary>
    public int WindowCloudTrailEvents { get; set; } = Grains.Ingest.IngestOptions.DefaultWindowCloudTrailEvents;

    /// <summary>The ingest options of these settings; the other options keep their defaults.</summary>
    public Grains.Ingest.IngestOptions ToIngestOptions() => new() { WindowCloudTrailEvents = WindowCloudTrailEvents };
}

public sealed class IntegritySettings
{
    /// <summary>
    /// Output of <c>aws cloudtrail list-public-keys</c> for the Regions of the trails validated. When
    /// set, or when <see cref="PublicKeysFromApi"/> is true, the digest chains of every enabled
    /// folder and S3 source are validated continuously.
    /// </summary>
    public string? PublicKeysFile { get; set; }

    /// <summary>
    /// True to fetch the public keys with CloudTrail's <c>ListPublicKeys</c> for each Region whose
    /// digests are validated, with the host's AWS credentials (standard AWS configuration). Keys from
    /// <see cref="PublicKeysFile"/> are used as well when both are set.
    /// </summary>
    public bool PublicKeysFromApi { get; set; }

    /// <summary>Endpoint for <c>ListPublicKeys</c> in place of <c>https://cloudtrail.REGION.amazonaws.com/</c>, for tests and private endpoints.</summary>
    public string? CloudTrailServiceUrl { get; set; }

    /// <summary>Bucket the watched folder (<c>Vigil:Ingest:WatchFolder</c>) is a copy of; the newest readable digest names it when empty.</summary>
    public string? Bucket { get; set; }

    /// <summary>Seconds between validations of the digest chains of each source (default 300).</summary>
    public int CheckSeconds { get; set; } = 300;

    /// <summary>True when either key source is configured, so continuous validation runs.</summary>
    public bool IsEnabled => !string.IsNullOrEmpty(PublicKeysFile) || PublicKeysFromApi;
}

public sealed class AdministratorSettings
{
    /// <summary>User name of the local administrator created on first start when local accounts are on (default "admin").</summary>
    public string UserName { get; set; } = "admin";

    /// <summary>Password of that administrator; generated and printed once when empty.</summary>
    public string? Password { get; set; }

    /// <summary>Tenant the first administrator belongs to (default "default").</summary>
    public string TenantId { get; set; } = "default";
}

/// <summary>Bounds of the Firehose HTTP endpoint; see <see cref="Ingestion.Firehose.FirehoseLimits"/> for what each one bounds.</summary>
public sealed class FirehoseSettings
{
    /// <summary>Largest request body in bytes, after gzip is undone (default 64 MiB).</summary>
    public long MaxRequestBytes { get; set; } = Ingestion.Firehose.FirehoseLimits.Default.MaxRequestBytes;

    /// <summary>Most records in one request (default 10,000).</summary>
    public int MaxRecords { get; set; } = Ingestion.Firehose.FirehoseLimits.Default.MaxRecords;

    /// <summary>Largest decompressed record in bytes (default 8 MiB).</summary>
    public int MaxRecordBytes { get; set; } = Ingestion.Firehose.FirehoseLimits.Default.MaxRecordBytes;

    /// <summary>Largest total of decompressed record bytes in one request (default 256 MiB).</summary>
    public long MaxDecompressedBytes { get; set; } = Ingestion.Firehose.FirehoseLimits.Default.MaxDecompressedBytes;

    public Ingestion.Firehose.FirehoseLimits ToLimits() => Ingestion.Firehose.FirehoseLimits.Default with
    {
        MaxRequestBytes = MaxRequestBytes,
        MaxRecords = MaxRecords,
        MaxRecordBytes = MaxRecordBytes,
        MaxDecompressedBytes = MaxDecompressedBytes,
    };
}
