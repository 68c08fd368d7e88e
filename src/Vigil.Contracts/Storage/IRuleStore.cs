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

    /// <summary>Returns the tenant's rule files, ordered by name.</summary>
    Task<IReadOnlyList<StoredRule>> ListAsync(string tenantId, CancellationToken cancellationToken);

    Task<StoredRule?> GetAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant's rule file; returns false when there was none.</summary>
    Task<bool> DeleteAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="rules"/> for the tenant the first time this is called for it, skipping
    /// names the tenant already has, and remembers that the tenant was seeded. Returns how many
    /// files were stored (0 for a tenant seeded before). For a tenant seeded before, it gives each
    /// stored file that still has the same name and text and has no test events the test events of
    /// <paramref name="rules"/>, so files seeded by an older version get them too.
    /// </summary>
    Task<int> SeedAsync(string tenantId, IReadOnlyList<StoredRule> rules, DateTimeOffset at, CancellationToken cancellationToken);
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

    /// <summary>
    /// The text of a log file that the file's rules are tested against in the console; null for none.
    /// Each rule of the file that raises findings must match at least one of its records.
    /// </summary>
    public string? TestEvents { get; init; }

    /// <summary>The text of a log file whose records none of the file's rules may match; null for none.</summary>
    public string? TestEventsNoMatch { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }

    /// <summary>Returns the lower-case hex SHA-256 of a rule file's UTF-8 text, as <see cref="Sha256"/> holds it.</summary>
    public static string HashOf(string yaml) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(yaml)));
}
