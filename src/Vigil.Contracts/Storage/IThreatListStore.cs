namespace Vigil.Contracts.Storage;

/// <summary>Tenant threat lists kept in the database, as uploaded text.</summary>
public interface IThreatListStore
{
    /// <summary>Stores a new version of the list, replacing the text of an older one with the same name.</summary>
    Task SaveAsync(StoredThreatList list, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredThreatList>> LoadAllAsync(CancellationToken cancellationToken);
}

/// <summary>One tenant list: its name, format, the uploaded text and its SHA-256.</summary>
public sealed record StoredThreatList
{
    public required string TenantId { get; init; }

    public required string Name { get; init; }

    /// <summary>List format by name: txt, stix, otxcsv, alienvault, proofpoint, fireeye (GuardDuty's names) or csv.</summary>
    public required string Format { get; init; }

    /// <summary>"threat" or "trusted"; a trusted entry wins over every threat entry.</summary>
    public string Kind { get; init; } = "threat";

    public required string Content { get; init; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 content.</summary>
    public required string Sha256 { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }
}
