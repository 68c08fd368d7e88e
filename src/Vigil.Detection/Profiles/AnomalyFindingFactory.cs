using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vigil.Contracts.Findings;
using Vigil.Detection.Detectors;
using Vigil.Detection.Findings;
using Vigil.Enrichment;

namespace Vigil.Detection.Profiles;

/// <summary>
/// Builds an anomaly finding from a candidate: an AWS_API_CALL finding whose remote address carries
/// its organisation and place, and whose <c>service.detection.anomaly</c> puts the principal's and the
/// account's baseline beside what was unusual. Profile keys: PRINCIPAL and ACCOUNT; feature keys: API,
/// ASN (the network key), COUNTRY, USER_AGENT, USER_TYPE, BUCKET, INSTANCE_SOURCE, HOUR_OF_DAY and, in
/// volume findings, EVENTS_PER_HOUR with the profile type VOLUME.
/// </summary>
internal static class AnomalyFindingFactory
{
    private const string Frequency = "FREQUENCY";

    /// <summary>Vigil's profile type for event counts; GuardDuty publishes only FREQUENCY.</summary>
    private const string VolumeProfile = "VOLUME";

    /// <summary>Subtype of the principal's busiest learned hour in the EVENTS_PER_HOUR profile.</summary>
    internal const string BusiestHour = "BUSIEST_HOUR";

    /// <summary>Feature key of a volume finding: the principal's events in one UTC hour.</summary>
    internal const string EventsPerHour = "EVENTS_PER_HOUR";

    /// <summary>An hour counts as usual when its activity is at least this share of the busiest hour's.</summary>
    private const double UsualHourShare = 0.1;

    public static Finding Create(AnomalyCandidate candidate, IAccountProfileView account, string principalKey, DetectionContext context)
    {
        var record = candidate.Record;
        var template = TemplateOf(candidate);
        var bucket = candidate.Observation.Bucket;
        var info = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["anomalies.anomalousAPIs"] = candidate.Observation.Api ?? "(unknown)",
            ["unusual.network"] = candidate.Observation.Network ?? "(unknown)",
        };
        if (candidate.Enrichment.Owner?.Organization is { } organization)
        {
            info["unusual.asnOrg"] = organization;
        }

        if (candidate.TravelKm is { } distance && candidate.PreviousSignIn is { } previous)
        {
            info["travel.distanceKm"] = Math.Round(distance).ToString(CultureInfo.InvariantCulture);
            info["travel.hours"] = Math.Round((record.EventTime - previous.Time).TotalHours, 2).ToString(CultureInfo.InvariantCulture);
            info["travel.previousSourceIp"] = previous.SourceIp;
            info["travel.previousCountry"] = previous.CountryCode;
        }

        if (candidate.Kind == AnomalyKind.Volume)
        {
            info["volume.hourStart"] = (candidate.HourStart ?? record.EventTime).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            info["volume.eventsInHour"] = (candidate.HourEvents ?? 0).ToString(CultureInfo.InvariantCulture);
            info["volume.busiestLearnedHour"] = Math.Round(candidate.BusiestHourEvents ?? 0, 1).ToString(CultureInfo.InvariantCulture);
            info["volume.factor"] = HourlyActivity.Factor.ToString(CultureInfo.InvariantCulture);
        }

        var finding = ApiCallFindingFactory.Create(record, principalKey, context, template, affectedResources: S3Events.AffectedBucket(bucket), additionalInfo: info);
        var call = finding.Service.Action.AwsApiCallAction!;
        // Without a VPC endpoint the owner of the AWS address is unknown, so the account id stays empty.
        var remoteAccount = candidate.Kind == AnomalyKind.InstanceInsideAws
            ? new RemoteAccountDetails { AccountId = candidate.Observation.InstanceEndpointAccount, Affiliated = false }
            : null;
        return finding with
        {
            Service = finding.Service with
            {
                Action = finding.Service.Action with
                {
                    AwsApiCallAction = call with { RemoteIpDetails = RemoteIpOf(record.SourceIpAddress, candidate.Enrichment), RemoteAccountDetails = remoteAccount },
                },
                Detection = new FindingDetection { Anomaly = AnomalyOf(candidate, account) },
            },
        };
    }

    private static FindingTemplate TemplateOf(AnomalyCandidate candidate)
    {
        var record = candidate.Record;
        var api = record.EventName ?? "(unknown)";
        var source = record.SourceIpAddress ?? "(unknown)";
        var network = candidate.Enrichment.Owner?.Organization is { } organization ? $"{candidate.Observation.Network} ({organization})" : candidate.Observation.Network;
        var unusual = string.Join(", ", DescribeUnusual(candidate));
        return candidate.Kind switch
        {
            AnomalyKind.ConsoleLogin => new FindingTemplate(
                candidate.FindingType,
                candidate.Severity,
                "Console sign-ins from places too far apart for the time between them.",
                $"A successful console sign-in from {source} ({PlaceText(candidate.Enrichment.Place)}) came {Hours(candidate)} after one from {candidate.PreviousSignIn?.SourceIp} ({candidate.PreviousSignIn?.City ?? candidate.PreviousSignIn?.CountryCode}), {Math.Round(candidate.TravelKm ?? 0)} km away."),
            AnomalyKind.InstanceOutsideAws => new FindingTemplate(
                candidate.FindingType,
                candidate.Severity,
                $"Credentials of an EC2 instance were used from outside AWS to call {api}.",
                $"Temporary credentials of an EC2 instance profile called {api} from {source} in network {network}, which is not an AWS address and is not an expected remote source of this role."),
            AnomalyKind.InstanceInsideAws when candidate.Observation.InstanceEndpointAccount is null => new FindingTemplate(
                candidate.FindingType,
                candidate.Severity,
                $"Credentials of an EC2 instance were used from another address inside AWS to call {api}.",
                $"Temporary credentials of an EC2 instance profile called {api} from {source}, an AWS address that this role never used and that the account's instance credentials do not use regularly."),
            AnomalyKind.InstanceInsideAws => new FindingTemplate(
                candidate.FindingType,
                candidate.Severity,
                $"Credentials of an EC2 instance were used from another AWS account to call {api}.",
                $"Temporary credentials of an EC2 instance profile called {api} through a VPC endpoint of account {candidate.Observation.InstanceEndpointAccount}, which is not the account of the role and was not seen before."),
            AnomalyKind.Volume => new FindingTemplate(
                candidate.FindingType,
                candidate.Severity,
                "A principal made many more calls in an hour than in its busiest learned hour.",
                $"The principal made {candidate.HourEvents} calls in the hour from {(candidate.HourStart ?? record.EventTime).UtcDateTime:yyyy-MM-dd HH:00} UTC, more than {HourlyActivity.Factor} times its busiest learned hour ({Math.Round(candidate.BusiestHourEvents ?? 0, 1)} calls). The call that crossed the threshold was {api} from {source}."),
            AnomalyKind.S3 => new FindingTemplate(
                candidate.FindingType,
                candidate.Severity,
                $"S3 API {api} was invoked in an unusual way.",
                $"The principal {AnomalyTypes.ForS3(record.EventName)?.Verb ?? "called S3"} with {api} on bucket {candidate.Observation.Bucket ?? "(unknown)"} from {source}; unusual for this principal: {unusual}."),
            _ => new FindingTemplate(
                candidate.FindingType,
                candidate.Severity,
                $"API {api} was invoked in an unusual way.",
                $"API {api} was invoked from {source}; unusual for this principal: {unusual}."),
        };
    }

    private static IEnumerable<string> DescribeUnusual(AnomalyCandidate candidate)
    {
        foreach (var (dimension, frequency) in candidate.PrincipalClasses)
        {
            if (frequency is FrequencyClass.Unseen or FrequencyClass.Rare && candidate.Observation.KeyOf(dimension) is { } value)
            {
                yield return $"{FeatureName(dimension).ToLowerInvariant().Replace('_', ' ')} {value} ({frequency.ToString().ToLowerInvariant()})";
            }
        }
    }

    private static AnomalyDetection AnomalyOf(AnomalyCandidate candidate, IAccountProfileView account)
    {
        var principalProfiles = new Dictionary<string, IReadOnlyList<AnomalyObject>>(StringComparer.Ordinal);
        foreach (var (dimension, values) in candidate.PrincipalBaseline)
        {
            if (values.Count > 0)
            {
                principalProfiles[FeatureName(dimension)] = Group(values);
            }
        }

        var hours = UsualHours(candidate.HourWeights);
        if (hours.Count > 0)
        {
            principalProfiles["HOUR_OF_DAY"] = [new AnomalyObject { ProfileType = Frequency, ProfileSubtype = "FREQUENT", Observations = new AnomalyObservations { Number = hours } }];
        }

        var accountProfiles = new Dictionary<string, IReadOnlyList<AnomalyObject>>(StringComparer.Ordinal);
        foreach (var dimension in candidate.PrincipalBaseline.Keys)
        {
            var values = account.Top(dimension);
            if (values.Count > 0)
            {
                accountProfiles[FeatureName(dimension)] = Group(values);
            }
        }

        var principalUnusual = new Dictionary<string, AnomalyObject>(StringComparer.Ordinal);
        var accountUnusual = new Dictionary<string, AnomalyObject>(StringComparer.Ordinal);
        foreach (var (dimension, frequency) in candidate.PrincipalClasses)
        {
            if (frequency is not (FrequencyClass.Unseen or FrequencyClass.Rare) || candidate.Observation.KeyOf(dimension) is not { } value)
            {
                continue;
            }

            principalUnusual[FeatureName(dimension)] = Single(frequency, value);
            accountUnusual[FeatureName(dimension)] = Single(account.Classify(dimension, value), value);
        }

        if (candidate.Kind == AnomalyKind.Volume)
        {
            principalProfiles[EventsPerHour] = [Volume(BusiestHour, Math.Round(candidate.BusiestHourEvents ?? 0))];
            principalUnusual[EventsPerHour] = Volume("UNUSUAL", candidate.HourEvents ?? 0);
        }

        var hour = candidate.Record.EventTime.UtcDateTime.Hour;
        if (hours.Count > 0 && !hours.Contains(hour))
        {
            principalUnusual["HOUR_OF_DAY"] = new AnomalyObject { ProfileType = Frequency, ProfileSubtype = "RARE", Observations = new AnomalyObservations { Number = [hour] } };
        }

        var profiles = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<AnomalyObject>>>(StringComparer.Ordinal) { ["PRINCIPAL"] = principalProfiles };
        if (accountProfiles.Count > 0)
        {
            profiles["ACCOUNT"] = accountProfiles;
        }

        var behavior = new Dictionary<string, IReadOnlyDictionary<string, AnomalyObject>>(StringComparer.Ordinal) { ["PRINCIPAL"] = principalUnusual };
        if (!account.IsLearning && accountUnusual.Count > 0)
        {
            behavior["ACCOUNT"] = accountUnusual;
        }

        return new AnomalyDetection { Profiles = profiles, Unusual = new AnomalyUnusual { Behavior = behavior } };
    }

    private static List<AnomalyObject> Group(IReadOnlyList<ProfiledValue> values) =>
        [.. values
            .GroupBy(value => value.Class)
            .OrderByDescending(group => group.Key)
            .Select(group => new AnomalyObject
            {
                ProfileType = Frequency,
                ProfileSubtype = SubtypeOf(group.Key),
                Observations = new AnomalyObservations { Text = [.. group.Select(value => value.Value)] },
            })];

    private static AnomalyObject Volume(string subtype, double events) => new()
    {
        ProfileType = VolumeProfile,
        ProfileSubtype = subtype,
        Observations = new AnomalyObservations { Number = [(long)events] },
    };

    private static AnomalyObject Single(FrequencyClass frequency, string value) => new()
    {
        ProfileType = Frequency,
        ProfileSubtype = SubtypeOf(frequency),
        Observations = new AnomalyObservations { Text = [value] },
    };

    private static List<long> UsualHours(IReadOnlyList<double> weights)
    {
        var busiest = weights.Count == 0 ? 0 : weights.Max();
        if (busiest <= 0)
        {
            return [];
        }

        return [.. Enumerable.Range(0, weights.Count).Where(hour => weights[hour] >= busiest * UsualHourShare).Select(hour => (long)hour)];
    }

    private static string SubtypeOf(FrequencyClass frequency) => frequency switch
    {
        FrequencyClass.Frequent => "FREQUENT",
        FrequencyClass.Infrequent => "INFREQUENT",
        FrequencyClass.Rare => "RARE",
        _ => "UNSEEN",
    };

    private static string FeatureName(ProfileDimension dimension) => dimension switch
    {
        ProfileDimension.Api => "API",
        ProfileDimension.Network => "ASN",
        ProfileDimension.Country => "COUNTRY",
        ProfileDimension.UserAgent => "USER_AGENT",
        ProfileDimension.UserType => "USER_TYPE",
        ProfileDimension.Bucket => "BUCKET",
        ProfileDimension.InstanceSource => "INSTANCE_SOURCE",
        ProfileDimension.InstanceEndpointAccount => "INSTANCE_ENDPOINT_ACCOUNT",
        ProfileDimension.ApiNetwork => "API_ASN",
        _ => "ASN_USER_AGENT",
    };

    private static RemoteIpDetails? RemoteIpOf(string? source, in IpEnrichment enrichment)
    {
        if (source is null || !IPAddress.TryParse(source, out var address))
        {
            return null;
        }

        var owner = enrichment.Owner;
        var place = enrichment.Place;
        return new RemoteIpDetails
        {
            IpAddressV4 = address.AddressFamily == AddressFamily.InterNetwork ? address.ToString() : null,
            IpAddressV6 = address.AddressFamily == AddressFamily.InterNetworkV6 ? address.ToString() : null,
            Organization = owner is null ? null : new IpOrganization
            {
                Asn = owner.Number?.ToString(CultureInfo.InvariantCulture),
                AsnOrg = owner.Organization,
                Org = owner.Organization,
                Isp = owner.Organization,
            },
            Country = place is null ? null : new IpCountry { CountryCode = place.CountryCode, CountryName = place.CountryName },
            City = place?.City is null ? null : new IpCity { CityName = place.City },
            GeoLocation = place is { Latitude: { } latitude, Longitude: { } longitude } ? new GeoLocation { Lat = latitude, Lon = longitude } : null,
        };
    }

    private static string PlaceText(GeoPlace? place)
    {
        if (place is null)
        {
            return "unknown place";
        }

        return place.City is null ? place.CountryCode : $"{place.City}, {place.CountryCode}";
    }

    private static string Hours(AnomalyCandidate candidate)
    {
        var span = candidate.Record.EventTime - (candidate.PreviousSignIn?.Time ?? candidate.Record.EventTime);
        return span.TotalHours >= 1 ? $"{Math.Round(span.TotalHours, 1)} hours" : $"{Math.Round(span.TotalMinutes)} minutes";
    }
}
