namespace Vigil.Contracts.Storage;

/// <summary>Tenant detection rule files (Sigma YAML) kept in the database.</summary>
public interface IRuleStore
{
    /// <summary>Stores a rule file, replacing the one with the same tenant and name.</summary>
    Task SaveAsync(StoredRule rule, CancellationToken cancellationToken);

    /// <summary>Turns a stored rule file on or off; returns false when the tenant has no file of that name.</summary>
    Task<bool> SetEnabledAsync(string tenantId, string name, bool enabled, string updatedBy, CancellationToken cancellationToken);

    /// <summary>Returns the rule files of every tenant, enabled or not, ordered by tenant and name.</summary>
    Task<IReadOnlyList<StoredRule>> LoadAllAsync(CancellationToken cancellationToken);
}

/// <summary>One tenant rule file: its name, the YAML text, its SHA-256, whether it runs, and who changed it when.</summary>
public sealed record StoredRule
{
    public required string TenantId { get; init; }

    /// <summary>The file name the rules were imported from, unique per tenant.</summary>
    public required string Name { get; init; }

    /// <summary>One or more Sigma rule documents.</summary>
    public required string Yaml { get; init; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 YAML text.</summary>
    public required string Sha256 { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>True when the file's rules only count their matches and raise no findings.</summary>
    public bool DryRun { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }
}
