namespace Vigil.Console.Findings;

/// <summary>How often an open findings page queries the store for findings written since it loaded.</summary>
public sealed record FindingLiveOptions
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
