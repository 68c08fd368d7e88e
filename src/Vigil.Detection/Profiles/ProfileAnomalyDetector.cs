using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Detectors;
using Vigil.Enrichment;

namespace Vigil.Detection.Profiles;

/// <summary>
/// Scores a principal's events against its behaviour profile and its account's profile, and raises
/// the anomaly findings of <see cref="AnomalyTypes"/>. Work for one chunk has two steps, because the
/// account profile lives in another grain: <see cref="Prepare"/> scores each event against the
/// principal's profile as it was before the event and then counts the event in it, and
/// <see cref="Decide"/> turns the candidates into findings with the account's answers.
/// </summary>
/// <remarks>
/// An API event is a candidate once the principal has finished learning when its API has a tactic and
/// either (a) the API is unseen for the principal and at least one of place (network or country),
/// user agent or bucket is unseen for it, or (b) the API is not frequent for the principal and two or
/// more of those are unseen. A candidate is dropped when the account already does the same thing.
/// Then every context value other than the network that is unseen for the principal is frequent for
/// the account. Also, either the account calls the API from the same network at least infrequently,
/// or the principal used the network on an earlier day and the API is frequent for the account.
/// </remarks>
public sealed class ProfileAnomalyDetector(ApiTactics tactics)
{
    /// <summary>Shortest distance between two sign-ins that counts as a move, in km; geolocation of addresses is rarely closer than this.</summary>
    public const double MinimumTravelKm = 500;

    /// <summary>Fastest plausible travel between two sign-ins, in km/h: about the cruising speed of an airliner.</summary>
    public const double MaximumTravelKmPerHour = 900;

    /// <summary>Values of each dimension shown as the principal's baseline in a finding.</summary>
    public const int BaselineSize = AccountProfileAnswers.BaselineSize;

    private static readonly ProfileDimension[] ContextDimensions =
        [ProfileDimension.Network, ProfileDimension.UserAgent, ProfileDimension.Country, ProfileDimension.Bucket];

    private static readonly ProfileDimension[] EvidenceDimensions =
        [ProfileDimension.Api, ProfileDimension.Network, ProfileDimension.Country, ProfileDimension.UserAgent, ProfileDimension.UserType, ProfileDimension.Bucket, ProfileDimension.InstanceSource, ProfileDimension.InstanceEndpointAccount];

    public static ProfileAnomalyDetector Default { get; } = new(ApiTactics.Default);

    /// <summary>
    /// Scores the events against the principal's profile and counts them in it, in the order given.
    /// Events without an identity and events of AWS services are skipped. Events whose source is on
    /// a trusted list are counted but never candidates.
    /// </summary>
    public PreparedChunk Prepare(IEnumerable<CloudTrailEvent> records, PrincipalProfile profile, IpEnricher enricher, DetectionContext context)
    {
        var candidates = new List<AnomalyCandidate>();

        var list = records.AsReadOnlyList();
        var observations = new ObservationList(list.Count);
        for (var index = 0; index < list.Count; index++)
        {
            var record = list[index];
            if (record.UserIdentity is null || record.UserIdentity.Type == "AWSService")
            {
                continue;
            }

            var enrichment = enricher.Enrich(record.SourceIpAddress);
            var observation = ProfileFeatures.Of(record, enrichment);
            var trusted = context.Intel.TrustedEntryCount > 0 && context.Intel.TryMatchTrusted(record.SourceIpAddress, out _);
            if (!trusted)
            {
                AddCandidates(record, observation, enrichment, profile, enricher, candidates);
            }

            if (profile.Activity.Count(record.EventTime, profile.Behavior.Options) && !trusted
                && !profile.Behavior.IsLearning(record.EventTime) && profile.Activity.TryReportUnusual(profile.Behavior.Options))
            {
                candidates.Add(VolumeCandidate(record, observation, enrichment, profile));
            }

            profile.Behavior.Observe(observation, record.EventTime);
            if (profile.LastEventTime is null || record.EventTime > profile.LastEventTime)
            {
                profile.LastEventTime = record.EventTime;
            }

            RememberSignIn(record, enrichment, profile);
            observations.TryAdd(record.EventTime, observation);
        }

        return new PreparedChunk(candidates, observations.Items, QuestionsOf(candidates));
    }

    /// <summary>Returns the distinct values of the candidates that the account profile is asked to classify, in first-seen order.</summary>
    private static IReadOnlyList<ProfileQuestion> QuestionsOf(List<AnomalyCandidate> candidates)
    {
        if (candidates.Count == 0)
        {
            return [];
        }

        var questions = new HashSet<ProfileQuestion>();
        foreach (var candidate in candidates)
        {
            foreach (var dimension in EvidenceDimensions.Append(ProfileDimension.ApiNetwork))
            {
                if (candidate.Observation.KeyOf(dimension) is { } key)
                {
                    questions.Add(new ProfileQuestion(dimension, key));
                }
            }
        }

        return [.. questions];
    }

    /// <summary>Turns the candidates into findings, dropping those the account profile shows as usual for the account.</summary>
    public IReadOnlyList<Finding> Decide(PreparedChunk chunk, IAccountProfileView account, string principalKey, DetectionContext context, PrincipalProfile profile)
    {
        var findings = new List<Finding>();
        foreach (var candidate in chunk.Candidates)
        {
            if (candidate.Kind is AnomalyKind.Api or AnomalyKind.S3 && IsUsualForAccount(candidate, account))
            {
                continue;
            }

            // An outside network or an AWS address that the account's instance credentials use on most
            // days is an expected source: an on-premises egress, or a NAT gateway that several roles share.
            if (candidate.Kind is AnomalyKind.InstanceOutsideAws or AnomalyKind.InstanceInsideAws && IsUsualInstanceSourceForAccount(candidate, account))
            {
                continue;
            }

            var finding = AnomalyFindingFactory.Create(candidate, account, principalKey, context);
            profile.RememberAnomaly(finding.Id, candidate.Unusual);
            findings.Add(finding);
        }

        return FindingAggregation.MergeById(findings);
    }

    private void AddCandidates(CloudTrailEvent record, in ProfileObservation observation, in IpEnrichment enrichment, PrincipalProfile profile, IpEnricher enricher, List<AnomalyCandidate> candidates)
    {
        var behavior = profile.Behavior;
        var time = record.EventTime;
        if (IsConsoleLoginSuccess(record) && enrichment.Place is { HasCoordinates: true } place && profile.LastSignIn is { } previous && time >= previous.Time)
        {
            var distance = DistanceKm(previous.Latitude, previous.Longitude, place.Latitude!.Value, place.Longitude!.Value);
            var hours = Math.Max((time - previous.Time).TotalHours, 1.0 / 60);
            if (distance >= MinimumTravelKm && distance / hours > MaximumTravelKmPerHour)
            {
                candidates.Add(Candidate(AnomalyKind.ConsoleLogin, AnomalyTypes.ConsoleLoginSuccessB, 5.0, record, observation, enrichment, profile) with
                {
                    PreviousSignIn = previous,
                    TravelKm = distance,
                });
            }
        }

        if (behavior.IsLearning(time))
        {
            return;
        }

        if (observation.InstanceSource is not null && enricher.HasAwsRanges)
        {
            // Another account's VPC endpoint raises unless the role uses it most weeks, so an actor who
            // returns through the same endpoint weeks later is raised again, as outside networks are.
            var endpointAccount = observation.InstanceEndpointAccount;
            var raiseInsideAws = endpointAccount is null
                ? IsNewAwsAddressSource(behavior, observation.InstanceSource, time)
                : endpointAccount != record.AccountId
                    && behavior.ClassifyAtDayStart(ProfileDimension.InstanceEndpointAccount, endpointAccount, time) != FrequencyClass.Frequent;
            if (raiseInsideAws)
            {
                candidates.Add(Candidate(AnomalyKind.InstanceInsideAws, AnomalyTypes.InstanceCredentialInsideAws, 8.0, record, observation, enrichment, profile));
            }
            else if (enrichment.Scope is IpAddressScope.Public or IpAddressScope.Documentation && !enrichment.IsInsideAws
                && behavior.ClassifyAtDayStart(ProfileDimension.InstanceSource, observation.InstanceSource, time) != FrequencyClass.Frequent)
            {
                candidates.Add(Candidate(AnomalyKind.InstanceOutsideAws, AnomalyTypes.InstanceCredentialOutsideAws, 8.0, record, observation, enrichment, profile));
            }
        }

        (string Type, double Severity)? apiType;
        AnomalyKind kind;
        if (S3Events.IsDataEvent(record))
        {
            var s3 = AnomalyTypes.ForS3(record.EventName);
            apiType = s3 is { } found ? (found.Type, found.Severity) : null;
            kind = AnomalyKind.S3;
        }
        else
        {
            apiType = tactics.TacticOf(record.EventName) is { } tactic ? AnomalyTypes.ForTactic(tactic) : null;
            kind = AnomalyKind.Api;
        }

        if (apiType is not { } chosen || !IsAnomalous(behavior, observation, time, kind))
        {
            return;
        }

        candidates.Add(Candidate(kind, chosen.Type, chosen.Severity, record, observation, enrichment, profile));
    }

    /// <summary>
    /// True when the account's instance credentials use the candidate's source on most days. Such a
    /// source is an on-premises egress, a NAT gateway that several roles share, or the VPC endpoint
    /// account of a shared-services account.
    /// </summary>
    private static bool IsUsualInstanceSourceForAccount(AnomalyCandidate candidate, IAccountProfileView account)
    {
        if (account.IsLearning)
        {
            return false;
        }

        return candidate.Observation.InstanceEndpointAccount is { } endpointAccount && candidate.Kind == AnomalyKind.InstanceInsideAws
            ? account.Classify(ProfileDimension.InstanceEndpointAccount, endpointAccount) == FrequencyClass.Frequent
            : account.Classify(ProfileDimension.InstanceSource, candidate.Observation.InstanceSource) == FrequencyClass.Frequent;
    }

    /// <summary>
    /// True when instance credentials call from a public AWS address that the role never used before
    /// today, while the role has learned AWS addresses of its own: another AWS account's instance
    /// rather than the estate's NAT gateway or instance. A role that has only called from networks
    /// outside AWS or through VPC endpoints has no learned address to compare with.
    /// </summary>
    /// <remarks>
    /// NOTE: CloudTrail does not name the account that owns an address. So an instance of the estate
    /// that calls AWS from a new public address of its own looks the same. It raises on the first day
    /// it uses that address, for example a new instance in a public subnet, or one stopped and started again.
    /// Calls through a NAT gateway, whose address stays, do not. An address used on an earlier day is
    /// known, so an actor who returns from the same address is not raised again.
    /// </remarks>
    private static bool IsNewAwsAddressSource(BehaviorProfile behavior, string source, DateTimeOffset time)
    {
        if (!ProfileFeatures.IsAwsAddressSource(source) || behavior.ClassifyAtDayStart(ProfileDimension.InstanceSource, source, time) != FrequencyClass.Unseen)
        {
            return false;
        }

        foreach (var known in behavior.Top(ProfileDimension.InstanceSource, time, behavior.Options.MaxEntries(ProfileDimension.InstanceSource)))
        {
            if (known.Value != source && ProfileFeatures.IsAwsAddressSource(known.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when an event differs from the principal's profile in enough of the factors GuardDuty's
    /// anomaly model weighs: the API, the place (network and its country), the user agent and, for S3
    /// data events, the bucket. The network and the country count as one factor, because a new network
    /// abroad always brings a new country too, and a trip would otherwise look like two new factors.
    /// </summary>
    private static bool IsAnomalous(BehaviorProfile behavior, in ProfileObservation observation, DateTimeOffset time, AnomalyKind kind)
    {
        var api = behavior.ClassifyAtDayStart(ProfileDimension.Api, observation.Api, time);
        var newBucket = IsUnseen(behavior, observation, ProfileDimension.Bucket, time);
        var newPlace = IsUnseen(behavior, observation, ProfileDimension.Network, time) || IsUnseen(behavior, observation, ProfileDimension.Country, time);
        var newFactors = (newPlace ? 1 : 0) + (IsUnseen(behavior, observation, ProfileDimension.UserAgent, time) ? 1 : 0) + (newBucket ? 1 : 0);

        // An API never used is unusual with one other new factor. An API used before, however seldom,
        // needs two: its own user on a trip, with their usual tool, is a new place only. A principal
        // that reads its own buckets every day makes GetObject frequent, so for S3 data events a
        // bucket it never used, together with a new place or tool, is enough.
        return (api == FrequencyClass.Unseen && newFactors >= 1)
            || (api != FrequencyClass.Frequent && newFactors >= 2)
            || (kind == AnomalyKind.S3 && newBucket && newFactors >= 2);
    }

    private static bool IsUnseen(BehaviorProfile behavior, in ProfileObservation observation, ProfileDimension dimension, DateTimeOffset time) =>
        observation.KeyOf(dimension) is { } key && behavior.ClassifyAtDayStart(dimension, key, time) == FrequencyClass.Unseen;

    private static bool IsUsualForAccount(AnomalyCandidate candidate, IAccountProfileView account)
    {
        if (account.IsLearning)
        {
            return false;
        }

        if (IsRoutineDiscovery(candidate, account))
        {
            return true;
        }

        foreach (var dimension in ContextDimensions)
        {
            var key = candidate.Observation.KeyOf(dimension);
            if (dimension != ProfileDimension.Network && key is not null && candidate.PrincipalClasses[dimension] == FrequencyClass.Unseen
                && account.Classify(dimension, key) != FrequencyClass.Frequent)
            {
                return false;
            }
        }

        var pair = candidate.Observation.KeyOf(ProfileDimension.ApiNetwork);
        if (account.Classify(ProfileDimension.ApiNetwork, pair) is FrequencyClass.Frequent or FrequencyClass.Infrequent)
        {
            return true;
        }

        // A network the principal worked from on an earlier day is not new evidence, however seldom it
        // was used. The person is somewhere they have been before (home, or the second day of a trip)
        // and picks up an API and a tool that colleagues use every week, such as a CLI user's first
        // console sign-in. A network first used today still needs the account to call the API from it.
        return candidate.PrincipalClasses[ProfileDimension.Network] != FrequencyClass.Unseen
            && account.Classify(ProfileDimension.Api, candidate.Observation.Api) == FrequencyClass.Frequent;
    }

    /// <summary>
    /// True for a read-only (Discovery) candidate in which everything new for the principal is frequent
    /// for the account: a colleague's usual API from a network and tool the team uses every week. In the
    /// estate scenario of <c>vigil evaluate</c> these were the bulk of the false findings (a person on the
    /// team's mobile network calling an API new to them). Other tactics keep the stricter rule, which needs
    /// the account to call the API from that very network.
    /// </summary>
    private static bool IsRoutineDiscovery(AnomalyCandidate candidate, IAccountProfileView account)
    {
        if (candidate.FindingType is not ("Discovery:IAMUser/AnomalousBehavior" or "Discovery:S3/AnomalousBehavior"))
        {
            return false;
        }

        foreach (var dimension in ContextDimensions.Prepend(ProfileDimension.Api))
        {
            var key = candidate.Observation.KeyOf(dimension);
            if (key is not null && candidate.PrincipalClasses[dimension] == FrequencyClass.Unseen && account.Classify(dimension, key) != FrequencyClass.Frequent)
            {
                return false;
            }
        }

        return true;
    }

    private static AnomalyCandidate Candidate(AnomalyKind kind, string type, double severity, CloudTrailEvent record, ProfileObservation observation, IpEnrichment enrichment, PrincipalProfile profile)
    {
        var behavior = profile.Behavior;
        var time = record.EventTime;
        var classes = new Dictionary<ProfileDimension, FrequencyClass>();
        var baseline = new Dictionary<ProfileDimension, IReadOnlyList<ProfiledValue>>();
        foreach (var dimension in EvidenceDimensions)
        {
            classes[dimension] = behavior.ClassifyAtDayStart(dimension, observation.KeyOf(dimension), time);
            baseline[dimension] = behavior.Top(dimension, time, BaselineSize);
        }

        string? UnusualOrNull(ProfileDimension dimension) =>
            classes[dimension] is FrequencyClass.Unseen or FrequencyClass.Rare ? observation.KeyOf(dimension) : null;

        var unusual = new ProfileObservation(
            UnusualOrNull(ProfileDimension.Api),
            UnusualOrNull(ProfileDimension.Network),
            UnusualOrNull(ProfileDimension.Country),
            UnusualOrNull(ProfileDimension.UserAgent),
            UnusualOrNull(ProfileDimension.UserType),
            UnusualOrNull(ProfileDimension.Bucket),
            UnusualOrNull(ProfileDimension.InstanceSource),
            observation.InstanceEndpointAccount);
        return new AnomalyCandidate(kind, type, severity, record, observation, unusual, enrichment, classes, baseline, behavior.HourWeights(time));
    }

    /// <summary>
    /// Returns the candidate of an hour with unusually many events. Nothing in it is remembered as
    /// unusual, so an analyst's "not useful" teaches no value: the hour already counts towards the
    /// busiest learned hour once it is over.
    /// </summary>
    private static AnomalyCandidate VolumeCandidate(CloudTrailEvent record, ProfileObservation observation, IpEnrichment enrichment, PrincipalProfile profile)
    {
        var activity = profile.Activity;
        var hourStart = activity.CurrentHourStart ?? record.EventTime;
        return Candidate(AnomalyKind.Volume, AnomalyTypes.ActivityVolumeUnusual, AnomalyTypes.ActivityVolumeUnusualSeverity, record, observation, enrichment, profile) with
        {
            Unusual = default,
            HourStart = hourStart,
            HourEvents = activity.CurrentCount,
            BusiestHourEvents = activity.BusiestHour(hourStart, profile.Behavior.Options),
        };
    }

    private static void RememberSignIn(CloudTrailEvent record, in IpEnrichment enrichment, PrincipalProfile profile)
    {
        if (!IsConsoleLoginSuccess(record) || enrichment.Place is not { HasCoordinates: true } place)
        {
            return;
        }

        if (profile.LastSignIn is null || record.EventTime >= profile.LastSignIn.Time)
        {
            profile.LastSignIn = new SignInRecord(record.EventTime, place.Latitude!.Value, place.Longitude!.Value, place.CountryCode, place.City, record.SourceIpAddress ?? string.Empty);
        }
    }

    /// <summary>True for a successful console sign-in: <c>ConsoleLogin</c> with <c>responseElements.ConsoleLogin</c> = Success.</summary>
    public static bool IsConsoleLoginSuccess(CloudTrailEvent record) =>
        record.EventName == "ConsoleLogin"
        && record.Succeeded
        && JsonFields.TopLevelText(record.ResponseElementsJson, "ConsoleLogin") == "Success";

    /// <summary>Returns the great-circle distance between two points in km (haversine, mean Earth radius 6,371 km).</summary>
    public static double DistanceKm(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;

        var deltaLatitude = Radians(latitude2 - latitude1);
        var deltaLongitude = Radians(longitude2 - longitude1);
        var a = (Math.Sin(deltaLatitude / 2) * Math.Sin(deltaLatitude / 2))
            + (Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Math.Sin(deltaLongitude / 2) * Math.Sin(deltaLongitude / 2));
        return 2 * 6371 * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}

/// <summary>What kind of anomaly a candidate is.</summary>
public enum AnomalyKind
{
    Api,
    S3,
    ConsoleLogin,
    InstanceOutsideAws,
    InstanceInsideAws,
    Volume,
}

/// <summary>
/// An event that is unusual for its principal, with the principal's classes and baseline as they were
/// before the event; <see cref="ProfileAnomalyDetector.Decide"/> makes it a finding or drops it.
/// </summary>
public sealed record AnomalyCandidate(
    AnomalyKind Kind,
    string FindingType,
    double Severity,
    CloudTrailEvent Record,
    ProfileObservation Observation,
    ProfileObservation Unusual,
    IpEnrichment Enrichment,
    IReadOnlyDictionary<ProfileDimension, FrequencyClass> PrincipalClasses,
    IReadOnlyDictionary<ProfileDimension, IReadOnlyList<ProfiledValue>> PrincipalBaseline,
    IReadOnlyList<double> HourWeights)
{
    /// <summary>The earlier sign-in of a ConsoleLoginSuccess.B candidate.</summary>
    public SignInRecord? PreviousSignIn { get; init; }

    /// <summary>The distance from <see cref="PreviousSignIn"/>, in km.</summary>
    public double? TravelKm { get; init; }

    /// <summary>Start of the unusual hour of a volume candidate.</summary>
    public DateTimeOffset? HourStart { get; init; }

    /// <summary>Events of the principal in the unusual hour when the candidate was made.</summary>
    public int? HourEvents { get; init; }

    /// <summary>The principal's busiest learned hour, decayed to the unusual hour's day, in events.</summary>
    public double? BusiestHourEvents { get; init; }
}

/// <summary>
/// The distinct observations of a chunk per UTC day and hour, each with the time of its first event,
/// in first-seen order. Most chunks hold a few events, so duplicates are found by a scan, and a hash
/// set is made only for a chunk with more distinct observations than <see cref="MaxScanned"/>.
/// </summary>
internal sealed class ObservationList(int expectedCount)
{
    private const int MaxScanned = 8;

    private readonly List<(DateTimeOffset Time, ProfileObservation Observation)> items = new(Math.Clamp(expectedCount, 1, MaxScanned));
    private HashSet<(int Day, int Hour, ProfileObservation Observation)>? seen;

    public IReadOnlyList<(DateTimeOffset Time, ProfileObservation Observation)> Items => items;

    /// <summary>Adds the observation unless one equal to it was added for the same UTC day and hour.</summary>
    public void TryAdd(DateTimeOffset time, in ProfileObservation observation)
    {
        var day = BehaviorProfile.DayOf(time);
        var hour = time.UtcDateTime.Hour;
        if (seen is not null)
        {
            if (seen.Add((day, hour, observation)))
            {
                items.Add((time, observation));
            }

            return;
        }

        for (var index = 0; index < items.Count; index++)
        {
            var (earlierTime, earlier) = items[index];
            if (BehaviorProfile.DayOf(earlierTime) == day && earlierTime.UtcDateTime.Hour == hour && earlier == observation)
            {
                return;
            }
        }

        items.Add((time, observation));
        if (items.Count > MaxScanned)
        {
            seen = [];
            foreach (var (itemTime, item) in items)
            {
                seen.Add((BehaviorProfile.DayOf(itemTime), itemTime.UtcDateTime.Hour, item));
            }
        }
    }
}

/// <summary>The result of <see cref="ProfileAnomalyDetector.Prepare"/>: candidates, the chunk's distinct observations for the account profile, and the questions for it.</summary>
public sealed record PreparedChunk(
    IReadOnlyList<AnomalyCandidate> Candidates,
    IReadOnlyList<(DateTimeOffset Time, ProfileObservation Observation)> Observations,
    IReadOnlyList<ProfileQuestion> Questions);
