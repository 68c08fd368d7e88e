using System.Globalization;
using CsvHelper;
using Vigil.Contracts.Findings;

namespace Vigil.Console.Findings;

/// <summary>
/// Writes findings as CSV with CsvHelper: one row per finding, the list columns plus actor and evidence.
/// A text cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return gets a
/// leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula.
/// </summary>
public static class FindingCsvWriter
{
    public static readonly string[] Header =
    [
        "id", "type", "severity", "title", "accountId", "region", "resourceType", "resourceRole", "userName", "principalId",
        "instanceId", "remoteIp", "api", "threatListName", "count", "eventFirstSeen", "eventLastSeen", "archived", "userFeedback",
    ];

    // CsvHelper's injection characters default to =, @, +, -, tab and carriage return, and Escape puts
    // an apostrophe in front of such a text cell (CsvHelper 34.0.0, CsvWriterOptions.Injection).
    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<Finding> findings, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        foreach (var name in Header)
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(cancellationToken);
        await foreach (var finding in findings.WithCancellation(cancellationToken))
        {
            foreach (var cell in Cells(finding))
            {
                csv.WriteField(cell ?? string.Empty);
            }

            await csv.EndRecordAsync(cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    private static IEnumerable<string?> Cells(Finding finding)
    {
        var api = finding.Service.Action.AwsApiCallAction;
        var remote = api?.RemoteIpDetails ?? finding.Service.Action.NetworkConnectionAction?.RemoteIpDetails;
        yield return finding.Id;
        yield return finding.Type;
        yield return finding.Severity.ToString("0.0", CultureInfo.InvariantCulture);
        yield return finding.Title;
        yield return finding.AccountId;
        yield return finding.Region;
        yield return finding.Resource.ResourceType;
        yield return finding.Service.ResourceRole;
        yield return finding.Resource.AccessKeyDetails?.UserName;
        yield return finding.Resource.AccessKeyDetails?.PrincipalId;
        yield return finding.Resource.InstanceDetails?.InstanceId;
        yield return remote?.IpAddressV4 ?? remote?.IpAddressV6;
        yield return api?.Api;
        yield return finding.Service.Evidence?.ThreatIntelligenceDetails.FirstOrDefault()?.ThreatListName;
        yield return finding.Service.Count.ToString(CultureInfo.InvariantCulture);
        yield return finding.Service.EventFirstSeen.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        yield return finding.Service.EventLastSeen.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        yield return finding.Service.Archived ? "true" : "false";
        yield return finding.Service.UserFeedback;
    }
}
