namespace Vigil.Storage;

/// <summary>Time bounds of applying suppression rules.</summary>
public sealed record SuppressionOptions
{
    /// <summary>
    /// Seconds one rule may take on the findings of one write before it is cancelled. A cancelled rule
    /// suppresses nothing in that write, and its error is stored for the tenant admin.
    /// </summary>
    public int WriteTimeoutSeconds { get; init; } = 5;

    /// <summary>Seconds a rule may take on all stored findings of a tenant when it is saved, and a bulk archive by criteria.</summary>
    public const int ApplyTimeoutSeconds = 300;
}
