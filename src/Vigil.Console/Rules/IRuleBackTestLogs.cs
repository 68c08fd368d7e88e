namespace Vigil.Console.Rules;

/// <summary>One stored log object: its name and how to open it.</summary>
public sealed record StoredLogObject(string Name, Func<CancellationToken, Task<Stream>> OpenAsync);

/// <summary>The stored log objects of a tenant that a back-test reads.</summary>
public interface IRuleBackTestLogs
{
    /// <summary>Lists up to <paramref name="maxObjects"/> of the tenant's stored log objects, newest first.</summary>
    Task<IReadOnlyList<StoredLogObject>> ListAsync(string tenantId, int maxObjects, CancellationToken cancellationToken);
}
