using Vigil.Contracts.Storage;

namespace Vigil.Console.Display;

/// <summary>The sort labels of the findings table's columns and the store's sort field for each.</summary>
internal static class FindingSortLabels
{
    public const string Severity = "severity";
    public const string Type = "type";
    public const string Resource = "resource";
    public const string Account = "account";
    public const string Region = "region";
    public const string Count = "count";
    public const string FirstSeen = "first_seen";
    public const string LastSeen = "last_seen";

    private static readonly Dictionary<string, FindingSortField> Fields = new(StringComparer.Ordinal)
    {
        [Severity] = FindingSortField.Severity,
        [Type] = FindingSortField.Type,
        [Resource] = FindingSortField.Resource,
        [Account] = FindingSortField.AccountId,
        [Region] = FindingSortField.Region,
        [Count] = FindingSortField.Count,
        [FirstSeen] = FindingSortField.FirstSeen,
        [LastSeen] = FindingSortField.LastSeen,
    };

    /// <summary>Returns the sort field of a column label, or null for an unknown or empty label.</summary>
    public static FindingSortField? GetField(string? label) =>
        label is not null && Fields.TryGetValue(label, out var field) ? field : null;
}
