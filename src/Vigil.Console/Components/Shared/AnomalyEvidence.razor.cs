using Microsoft.AspNetCore.Components;
using Vigil.Contracts.Findings;

namespace Vigil.Console.Components.Shared;

/// <summary>
/// The explanation of an anomaly finding as a table: for each unusual feature of the event, its value,
/// how often the principal and the account use it, and what they usually use instead. Renders nothing
/// for findings without <c>service.detection.anomaly</c>.
/// </summary>
public partial class AnomalyEvidence
{
    /// <summary>Most usual values listed per cell; the finding's JSON has the rest.</summary>
    private const int MaxUsualValues = 5;

    [Parameter]
    public AnomalyDetection? Anomaly { get; set; }

    private IReadOnlyList<EvidenceRow> Rows { get; set; } = [];

    protected override void OnParametersSet() => Rows = Anomaly is null ? [] : BuildRows(Anomaly);

    internal static IReadOnlyList<EvidenceRow> BuildRows(AnomalyDetection anomaly)
    {
        if (!anomaly.Unusual.Behavior.TryGetValue("PRINCIPAL", out var principal))
        {
            return [];
        }

        anomaly.Unusual.Behavior.TryGetValue("ACCOUNT", out var account);
        anomaly.Profiles.TryGetValue("PRINCIPAL", out var principalProfiles);
        anomaly.Profiles.TryGetValue("ACCOUNT", out var accountProfiles);
        var rows = new List<EvidenceRow>();
        foreach (var (feature, unusual) in principal)
        {
            var value = unusual.Observations.Text is { Count: > 0 } text
                ? string.Join(", ", text)
                : string.Join(", ", unusual.Observations.Number ?? []);
            var accountClass = account is not null && account.TryGetValue(feature, out var accountObject) ? ClassText(accountObject.ProfileSubtype) : "not known";
            rows.Add(new EvidenceRow(
                FeatureText(feature),
                value,
                ClassText(unusual.ProfileSubtype),
                accountClass,
                UsualText(principalProfiles, feature),
                UsualText(accountProfiles, feature)));
        }

        return rows;
    }

    private static string UsualText(IReadOnlyDictionary<string, IReadOnlyList<AnomalyObject>>? profiles, string feature)
    {
        if (profiles is null || !profiles.TryGetValue(feature, out var classes))
        {
            return "none";
        }

        var usual = classes
            .Where(item => item.ProfileSubtype is "FREQUENT" or "INFREQUENT" or "BUSIEST_HOUR")
            .SelectMany(item => item.Observations.Text ?? [.. (item.Observations.Number ?? []).Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture))])
            .ToList();
        if (usual.Count == 0)
        {
            return "none";
        }

        var shown = string.Join(", ", usual.Take(MaxUsualValues));
        return usual.Count > MaxUsualValues ? $"{shown} and {usual.Count - MaxUsualValues} more" : shown;
    }

    private static string ClassText(string subtype) => subtype switch
    {
        "UNSEEN" => "never seen",
        "RARE" => "rare",
        "INFREQUENT" => "infrequent",
        "FREQUENT" => "frequent",
        "UNUSUAL" => "above the busiest learned hour",
        _ => subtype.ToLowerInvariant(),
    };

    private static string FeatureText(string feature) => feature switch
    {
        "API" => "API",
        "ASN" => "Network (ASN)",
        "COUNTRY" => "Country",
        "USER_AGENT" => "User agent",
        "USER_TYPE" => "User type",
        "BUCKET" => "Bucket",
        "INSTANCE_SOURCE" => "Instance credential source",
        "HOUR_OF_DAY" => "Hour of day (UTC)",
        "EVENTS_PER_HOUR" => "Events in the hour",
        _ => feature,
    };

    internal sealed record EvidenceRow(string Feature, string Value, string PrincipalClass, string AccountClass, string PrincipalUsual, string AccountUsual);
}
