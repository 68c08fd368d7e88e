using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>Saved filters in memory, per tenant and user.</summary>
internal sealed class FakeSavedFilterStore : ISavedFilterStore
{
    private readonly Dictionary<(string TenantId, string UserName), List<SavedFilter>> _filters = [];

    public Task<IReadOnlyList<SavedFilter>> ListAsync(string tenantId, string userName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SavedFilter>>(_filters.TryGetValue((tenantId, userName), out var list) ? [.. list.OrderBy(filter => filter.Name)] : []);

    public Task SaveAsync(string tenantId, string userName, SavedFilter filter, CancellationToken cancellationToken)
    {
        if (!_filters.TryGetValue((tenantId, userName), out var list))
        {
            list = [];
            _filters[(tenantId, userName)] = list;
        }

        list.RemoveAll(existing => existing.Name == filter.Name.Trim());
        list.Add(filter with { Name = filter.Name.Trim() });
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string tenantId, string userName, string name, CancellationToken cancellationToken) =>
        Task.FromResult(_filters.TryGetValue((tenantId, userName), out var list) && list.RemoveAll(filter => filter.Name == name) > 0);
}
