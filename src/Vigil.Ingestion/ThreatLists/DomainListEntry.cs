namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// One domain entry of a list: the text as written and the normalised domain it covers (lower case,
/// punycode, no trailing dot, no leading <c>*.</c>). The entry covers the domain and all its subdomains.
/// </summary>
public readonly record struct DomainListEntry(string Text, string Domain)
{
    /// <summary>The port written with the name (<c>bad.example.net:8080</c>, or a URL with a port), kept for evidence; matching ignores it.</summary>
    public int? Port { get; init; }

    /// <summary>The source's description of the entry (indicator name, category or activity), when its format has such a field.</summary>
    public string? Description { get; init; }
}
