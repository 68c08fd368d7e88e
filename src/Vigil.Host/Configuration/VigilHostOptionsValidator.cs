using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Vigil.Host.Configuration;

/// <summary>Checks the host's settings at start-up; each failure names the configuration key to set.</summary>
public sealed partial class VigilHostOptionsValidator : IValidateOptions<VigilHostOptions>
{
    public ValidateOptionsResult Validate(string? name, VigilHostOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            failures.Add("Vigil:Database:ConnectionString is missing: set it (or the environment variable Vigil__Database__ConnectionString) to the Npgsql connection string of Vigil's PostgreSQL database.");
        }

        CheckPort(failures, "Vigil:Cluster:SiloPort", options.Cluster.SiloPort);
        CheckPort(failures, "Vigil:Cluster:GatewayPort", options.Cluster.GatewayPort);
        if (options.Cluster.SiloPort == options.Cluster.GatewayPort)
        {
            failures.Add($"Vigil:Cluster:SiloPort and Vigil:Cluster:GatewayPort are both {options.Cluster.SiloPort}; give them different ports.");
        }

        if (!IPAddress.TryParse(options.Cluster.AdvertisedAddress, out _))
        {
            failures.Add($"Vigil:Cluster:AdvertisedAddress '{options.Cluster.AdvertisedAddress}' is not an IP address.");
        }

        if (string.IsNullOrWhiteSpace(options.Cluster.ClusterId) || string.IsNullOrWhiteSpace(options.Cluster.ServiceId))
        {
            failures.Add("Vigil:Cluster:ClusterId and Vigil:Cluster:ServiceId must not be empty.");
        }

        if (!TenantPattern().IsMatch(options.Ingest.TenantId))
        {
            failures.Add($"Vigil:Ingest:TenantId '{options.Ingest.TenantId}' is invalid; use 1 to 64 lower-case letters, digits or '-'.");
        }

        if (!TenantPattern().IsMatch(options.Administrator.TenantId))
        {
            failures.Add($"Vigil:Administrator:TenantId '{options.Administrator.TenantId}' is invalid; use 1 to 64 lower-case letters, digits or '-'.");
        }

        if (options.Ingest.PollSeconds is < 1 or > 86_400)
        {
            failures.Add($"Vigil:Ingest:PollSeconds is {options.Ingest.PollSeconds}; use 1 to 86400.");
        }

        if (options.Ingest.LeaseSeconds is < 3 or > 3_600)
        {
            failures.Add($"Vigil:Ingest:LeaseSeconds is {options.Ingest.LeaseSeconds}; use 3 to 3600.");
        }

        if (options.Ingest.DrainSeconds is < 0 or > 3_600)
        {
            failures.Add($"Vigil:Ingest:DrainSeconds is {options.Ingest.DrainSeconds}; use 0 to 3600.");
        }

        if (options.Ingest.WindowCloudTrailEvents is < 100 or > 1_000_000)
        {
            failures.Add($"Vigil:Ingest:WindowCloudTrailEvents is {options.Ingest.WindowCloudTrailEvents}; use 100 to 1000000.");
        }

        if (options.Grains.StateWriteSeconds is < 1 or > 86_400)
        {
            failures.Add($"Vigil:Grains:StateWriteSeconds is {options.Grains.StateWriteSeconds}; use 1 to 86400.");
        }

        if (!Enum.IsDefined(options.Grains.StateFormat))
        {
            failures.Add($"Vigil:Grains:StateFormat is {options.Grains.StateFormat}; use Binary or Json.");
        }

        CheckMembership(failures, options.Cluster.Membership);

        if (!string.IsNullOrEmpty(options.Ingest.WatchFolder) && !Directory.Exists(options.Ingest.WatchFolder))
        {
            failures.Add($"Vigil:Ingest:WatchFolder '{options.Ingest.WatchFolder}' does not exist; create it or clear the setting.");
        }

        if (!string.IsNullOrEmpty(options.Integrity.PublicKeysFile))
        {
            if (!File.Exists(options.Integrity.PublicKeysFile))
            {
                failures.Add($"Vigil:Integrity:PublicKeysFile '{options.Integrity.PublicKeysFile}' does not exist; save the output of 'aws cloudtrail list-public-keys' there or clear the setting.");
            }
        }

        if (!string.IsNullOrEmpty(options.Integrity.CloudTrailServiceUrl)
            && (!Uri.TryCreate(options.Integrity.CloudTrailServiceUrl, UriKind.Absolute, out var cloudTrailUrl) || cloudTrailUrl.Scheme is not ("http" or "https")))
        {
            failures.Add($"Vigil:Integrity:CloudTrailServiceUrl '{options.Integrity.CloudTrailServiceUrl}' is not an absolute http or https URL.");
        }

        if (options.Integrity.CheckSeconds is < 10 or > 86_400)
        {
            failures.Add($"Vigil:Integrity:CheckSeconds is {options.Integrity.CheckSeconds}; use 10 to 86400.");
        }

        if (options.Ingest.QueueWaitSeconds is < 0 or > 20)
        {
            failures.Add($"Vigil:Ingest:QueueWaitSeconds is {options.Ingest.QueueWaitSeconds}; use 0 to 20.");
        }

        foreach (var account in options.Ingest.AccountIdList())
        {
            if (account is not { Length: 12 } || !account.All(char.IsAsciiDigit))
            {
                failures.Add($"Vigil:Ingest:AccountIds has '{account}', which is not an AWS account id; list 12-digit ids separated by commas.");
            }
        }

        CheckFile(failures, "Vigil:Enrichment:AsnFile", options.Enrichment.AsnFile);
        CheckFile(failures, "Vigil:Enrichment:LocationFile", options.Enrichment.LocationFile);
        CheckFile(failures, "Vigil:Enrichment:AwsIpRangesFile", options.Enrichment.AwsIpRangesFile);
        if (options.Profiles.LearningDays is < 0 or > 365 || options.Profiles.HalfLifeDays is < 1 or > 3650 || options.Profiles.MinimumActiveDays is < 0 or > 365)
        {
            failures.Add($"Vigil:Profiles is invalid (LearningDays {options.Profiles.LearningDays}, HalfLifeDays {options.Profiles.HalfLifeDays}, MinimumActiveDays {options.Profiles.MinimumActiveDays}); use LearningDays 0 to 365, HalfLifeDays 1 to 3650 and MinimumActiveDays 0 to 365.");
        }

        if (options.Administrator.Password is { Length: > 0 and < 12 })
        {
            failures.Add("Vigil:Administrator:Password is shorter than 12 characters; use a longer one or leave it empty to have one generated.");
        }

        failures.AddRange(options.Console.Validate());
        CheckRange(failures, "Vigil:Lists:MaxUploadBytes", options.Lists.MaxUploadBytes, 1024, 1L << 30);
        CheckRange(failures, "Vigil:Lists:DefaultRefreshMinutes", options.Lists.DefaultRefreshMinutes, Vigil.Console.Lists.ListOptions.MinRefreshMinutes, Vigil.Console.Lists.ListOptions.MaxRefreshMinutes);
        if (!string.IsNullOrEmpty(options.Lists.S3ServiceUrl)
            && (!Uri.TryCreate(options.Lists.S3ServiceUrl, UriKind.Absolute, out var s3Url) || (s3Url.Scheme != Uri.UriSchemeHttp && s3Url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"Vigil:Lists:S3ServiceUrl '{options.Lists.S3ServiceUrl}' is not an absolute http or https URL; set it to the S3-compatible endpoint, or leave it empty for AWS.");
        }

        CheckRange(failures, "Vigil:Firehose:MaxRequestBytes", options.Firehose.MaxRequestBytes, 1024, 1L << 31);
        CheckRange(failures, "Vigil:Firehose:MaxRecords", options.Firehose.MaxRecords, 1, 1_000_000);
        CheckRange(failures, "Vigil:Firehose:MaxRecordBytes", options.Firehose.MaxRecordBytes, 1024, 1L << 30);
        CheckRange(failures, "Vigil:Firehose:MaxDecompressedBytes", options.Firehose.MaxDecompressedBytes, 1024, 1L << 34);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckMembership(List<string> failures, MembershipSettings membership)
    {
        const string Prefix = "Vigil:Cluster:Membership:";
        CheckRange(failures, Prefix + "ProbeTimeoutSeconds", membership.ProbeTimeoutSeconds, 0.1, 300);
        CheckRange(failures, Prefix + "MissedProbesLimit", membership.MissedProbesLimit, 1, 100);
        CheckRange(failures, Prefix + "ProbedSilos", membership.ProbedSilos, 1, 100);
        CheckRange(failures, Prefix + "VotesForDeathDeclaration", membership.VotesForDeathDeclaration, 1, 100);
        CheckRange(failures, Prefix + "DeathVoteExpirationSeconds", membership.DeathVoteExpirationSeconds, 1, 86_400);
        CheckRange(failures, Prefix + "TableRefreshSeconds", membership.TableRefreshSeconds, 0.1, 3_600);
        CheckRange(failures, Prefix + "IAmAlivePublishSeconds", membership.IAmAlivePublishSeconds, 1, 3_600);
        CheckRange(failures, Prefix + "MaxJoinAttemptSeconds", membership.MaxJoinAttemptSeconds, 1, 86_400);

        // Orleans counts only unexpired votes from probing silos, so more votes than probers, or
        // votes that expire before the missed probes that cast them add up, never declare a death.
        if (membership.VotesForDeathDeclaration > membership.ProbedSilos)
        {
            failures.Add($"{Prefix}VotesForDeathDeclaration ({membership.VotesForDeathDeclaration}) is larger than {Prefix}ProbedSilos ({membership.ProbedSilos}); no silo could ever be declared dead.");
        }

        var suspicionSeconds = membership.ProbeTimeoutSeconds * membership.MissedProbesLimit;
        if (membership.DeathVoteExpirationSeconds <= suspicionSeconds)
        {
            failures.Add($"{Prefix}DeathVoteExpirationSeconds ({membership.DeathVoteExpirationSeconds}) must be longer than ProbeTimeoutSeconds times MissedProbesLimit ({suspicionSeconds}), or votes expire before they add up.");
        }
    }

    private static void CheckRange(List<string> failures, string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            failures.Add($"{key} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; use {min.ToString(System.Globalization.CultureInfo.InvariantCulture)} to {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }

    private static void CheckFile(List<string> failures, string key, string? path)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            failures.Add($"{key} '{path}' does not exist; set it to the file's path or clear the setting.");
        }
    }

    private static void CheckPort(List<string> failures, string key, int port)
    {
        if (port is < 1 or > 65_535)
        {
            failures.Add($"{key} is {port}; use a TCP port from 1 to 65535.");
        }
    }

    private static void CheckRange(List<string> failures, string key, long value, long minimum, long maximum)
    {
        if (value < minimum || value > maximum)
        {
            failures.Add($"{key} is {value}; use {minimum} to {maximum}.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex TenantPattern();
}
