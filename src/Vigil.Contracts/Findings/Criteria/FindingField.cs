namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// A filterable finding field. <see cref="Column"/> names the <c>findings</c> table column that holds
/// it, or is null for a path read from the stored GuardDuty document.
/// </summary>
public sealed record FindingField(string Path, FindingFieldType Type, string? Column, bool Nullable = false)
{
    /// <summary>The path segments, for fields read from the document.</summary>
    public IReadOnlyList<string> Segments => Path.Split('.');
}
