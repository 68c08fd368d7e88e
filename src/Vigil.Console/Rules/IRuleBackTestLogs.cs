namespace Vigil.Console.Rules;

/// <summary>One stored log object: its name and how to open it.</summary>
public sealed record StoredLogObject(string Name, Func<CancellationToken, Task<Stream>> OpenAsync);

/// <summary>The objects a back-test reads, newest first, and the problems met while listing them (a source that could not be listed, a listing cut at its limit).</summary>
public sealed record StoredLogListing(IReadOnlyList<StoredLogObject> Objects, IReadOnlyList<string> Errors);

/// <summary>The stored log objects of a tenant that a back-test reads.</summary>
public interface IRuleBackTestLogs
{
    /// <summary>Lists up to <paramref name="maxObjects"/> of the tenant's stored log objects, newest first.</summary>
    Task<StoredLogListing> ListAsync(string tenantId, int maxObjects, CancellationToken cancellationToken);
}
