using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Contracts.Storage;

/// <summary>Each console user's saved views of the findings list, per tenant and user name.</summary>
public interface ISavedFilterStore
{
    /// <summary>The most saved filters one user may have (GuardDuty's limit per account and Region).</summary>
    const int MaxFiltersPerUser = 100;

    const int MaxNameLength = 64;

    Task<IReadOnlyList<SavedFilter>> ListAsync(string tenantId, string userName, CancellationToken cancellationToken);

    /// <summary>Stores the filter under its name, replacing one of the same name. Throws <see cref="ArgumentException"/> for invalid input or when the user has too many.</summary>
    Task SaveAsync(string tenantId, string userName, SavedFilter filter, CancellationToken cancellationToken);

    /// <summary>Deletes the user's filter of that name; returns false when there is none.</summary>
    Task<bool> DeleteAsync(string tenantId, string userName, string name, CancellationToken cancellationToken);
}

/// <summary>A named view of the findings list: criteria, sort order and whether archived findings show.</summary>
public sealed record SavedFilter(string Name, FindingCriteria Criteria, FindingSortField SortBy, bool Descending, bool IncludeArchived);
