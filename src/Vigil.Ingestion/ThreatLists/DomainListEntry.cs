namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// One domain entry of a list: the text as written and the normalised domain it covers (lower case,
/// punycode, no trailing dot, no leading <c>*.</c>). The entry covers the domain and all its subdomains.
/// </summary>
public readonly record struct DomainListEntry(string Text, string Domain);
