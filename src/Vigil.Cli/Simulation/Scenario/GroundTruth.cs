using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Cli.Simulation.Scenario;

/// <summary>
/// What a scenario planted, written beside its logs as <c>ground-truth.json</c>: the attacks with the
/// finding types each should raise, the resources they touch and their event-time window, and the
/// principal-days and endpoint-days after learning that false findings are counted against.
/// </summary>
internal sealed record GroundTruth
{
    public const string FileName = "ground-truth.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Scenario { get; init; }

    public required int Seed { get; init; }

    public required string AccountId { get; init; }

    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset End { get; init; }

    /// <summary>Days of event time from the start before profiles may raise anomaly findings.</summary>
    public required double LearningDays { get; init; }

    /// <summary>Days on which an IAM principal (user or role) made calls, after the learning period, summed over principals.</summary>
    public required int PrincipalDaysAfterLearning { get; init; }

    /// <summary>Days on which an endpoint (network interface or instance) had traffic or DNS queries, after the learning period, summed over endpoints.</summary>
    public required int EndpointDaysAfterLearning { get; init; }

    public required IReadOnlyList<PlantedAttack> Attacks { get; init; }

    /// <summary>Enrichment files written beside the logs, relative to the scenario folder; null when not written.</summary>
    public string? AsnFile { get; init; }

    public string? LocationFile { get; init; }

    public string? AwsIpRangesFile { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Options) + "\n");

    /// <exception cref="InvalidDataException">The file is not a ground truth document.</exception>
    public static GroundTruth Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<GroundTruth>(File.ReadAllText(path), Options)
                ?? throw new InvalidDataException($"{path}: the file contains null, not a ground truth object.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path}: invalid ground truth at {exception.Path} (line {exception.LineNumber + 1}): {exception.Message}", exception);
        }
    }
}

/// <summary>
/// One planted attack. It is found when a finding of each <see cref="ExpectedTypes"/> names one of
/// <see cref="Resources"/> within the window; findings of <see cref="AcceptableTypes"/> that match it
/// are true findings too but are not required.
/// </summary>
internal sealed record PlantedAttack
{
    public required string Id { get; init; }

    /// <summary>The kind of attack, such as <c>port-scan</c>; recall is reported per kind and per expected type.</summary>
    public required string Kind { get; init; }

    public required string Description { get; init; }

    public required IReadOnlyList<string> ExpectedTypes { get; init; }

    public IReadOnlyList<string> AcceptableTypes { get; init; } = [];

    /// <summary>Identifiers a matching finding's resource may carry: user or role name, access key id, instance id, network interface id.</summary>
    public required IReadOnlyList<string> Resources { get; init; }

    public required DateTimeOffset WindowStart { get; init; }

    public required DateTimeOffset WindowEnd { get; init; }
}
