using Vigil.Contracts.Storage;

namespace Vigil.Console.Sources;

/// <summary>
/// Lists, creates, changes and deletes the sources of one tenant, for the Sources page and the
/// REST API alike. Every method takes the tenant from its caller, which takes it from the signed-in
/// user's claim, and acts on that tenant's sources only.
/// </summary>
public sealed class SourceService(ISourceStore store, TimeProvider clock)
{
    /// <summary>The tenant's sources, ordered by name, each with its counters when it has read anything.</summary>
    public async Task<IReadOnlyList<SourceOverview>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var sources = await store.ListAsync(tenantId, cancellationToken);
        var statuses = (await store.ListStatusAsync(tenantId, cancellationToken)).ToDictionary(status => status.SourceId);
        return [.. sources.Select(source => new SourceOverview(source, statuses.GetValueOrDefault(source.Id)))];
    }

    public async Task<SourceOverview?> GetAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(tenantId, sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var status = (await store.ListStatusAsync(tenantId, cancellationToken)).FirstOrDefault(candidate => candidate.SourceId == sourceId);
        return new SourceOverview(source, status);
    }

    /// <summary>Creates a source; a Firehose source gets a new access key, returned here only.</summary>
    public async Task<SourceSaveResult> CreateAsync(string tenantId, string userName, SourceInput input, CancellationToken cancellationToken)
    {
        var errors = SourceValidator.Validate(input);
        if (errors.Count > 0)
        {
            return SourceSaveResult.Invalid(errors);
        }

        var accessKey = SourceValidator.ParseKind(input.Kind) == SourceKind.Firehose ? SourceAccessKey.Generate() : null;
        var source = SourceValidator.ToDefinition(input, Guid.NewGuid(), tenantId, accessKey is null ? null : SourceAccessKey.Hash(accessKey), clock.GetUtcNow(), userName);
        return await SaveAsync(source, accessKey, cancellationToken);
    }

    /// <summary>
    /// Changes a source; returns null when the tenant has no source with that id. A source that
    /// becomes a Firehose source gets a new access key; one that stays a Firehose source keeps its key.
    /// </summary>
    public async Task<SourceSaveResult?> UpdateAsync(string tenantId, string userName, Guid sourceId, SourceInput input, CancellationToken cancellationToken)
    {
        var existing = await store.GetAsync(tenantId, sourceId, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        if (existing.Kind == SourceKind.CommandLine)
        {
            return SourceSaveResult.Invalid(new Dictionary<string, string[]>
            {
                ["kind"] = ["This source counts the runs of vigil ingest and cannot be edited; delete it to reset its counters."],
            });
        }

        var errors = SourceValidator.Validate(input);
        if (errors.Count > 0)
        {
            return SourceSaveResult.Invalid(errors);
        }

        var becomesFirehose = SourceValidator.ParseKind(input.Kind) == SourceKind.Firehose && existing.AccessKeySha256 is null;
        var accessKey = becomesFirehose ? SourceAccessKey.Generate() : null;
        var hash = accessKey is null ? existing.AccessKeySha256 : SourceAccessKey.Hash(accessKey);
        var source = SourceValidator.ToDefinition(input, sourceId, tenantId, hash, clock.GetUtcNow(), userName);
        return await SaveAsync(source, accessKey, cancellationToken);
    }

    /// <summary>Replaces a Firehose source's access key; the old key stops working at once. Returns null when there is no such Firehose source.</summary>
    public async Task<SourceSaveResult?> RotateKeyAsync(string tenantId, string userName, Guid sourceId, CancellationToken cancellationToken)
    {
        var existing = await store.GetAsync(tenantId, sourceId, cancellationToken);
        if (existing is not { Kind: SourceKind.Firehose })
        {
            return null;
        }

        var accessKey = SourceAccessKey.Generate();
        var source = existing with { AccessKeySha256 = SourceAccessKey.Hash(accessKey), UpdatedAt = clock.GetUtcNow(), UpdatedBy = userName };
        return await SaveAsync(source, accessKey, cancellationToken);
    }

    public Task<bool> DeleteAsync(string tenantId, Guid sourceId, CancellationToken cancellationToken) =>
        store.DeleteAsync(tenantId, sourceId, cancellationToken);

    private async Task<SourceSaveResult> SaveAsync(SourceDefinition source, string? accessKey, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveAsync(source, cancellationToken);
        }
        catch (SourceConflictException)
        {
            return SourceSaveResult.Invalid(new Dictionary<string, string[]>
            {
                ["name"] = [$"The tenant already has a source named '{source.Name}'; choose another name."],
            });
        }

        return new SourceSaveResult(source, accessKey, new Dictionary<string, string[]>());
    }
}

/// <summary>A source and its counters; <see cref="Status"/> is null until the source has read something.</summary>
public sealed record SourceOverview(SourceDefinition Source, SourceStatus? Status);

/// <summary>
/// The outcome of saving a source: the stored source and, when a key was generated, the access key
/// (never stored, so it cannot be shown again), or the errors per field.
/// </summary>
public sealed record SourceSaveResult(SourceDefinition? Source, string? AccessKey, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Source is not null;

    public static SourceSaveResult Invalid(IReadOnlyDictionary<string, string[]> errors) => new(null, null, errors);
}
