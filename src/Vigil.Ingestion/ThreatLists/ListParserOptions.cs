namespace Vigil.Ingestion.ThreatLists;

/// <summary>Limits and settings for list parsing.</summary>
public sealed record ListParserOptions
{
    /// <summary>Narrowest IPv4 prefix length accepted for a range (default /8); wider ranges are rejected.</summary>
    public int MinIPv4Prefix { get; init; } = 8;

    /// <summary>Narrowest IPv6 prefix length accepted for a range (default /32).</summary>
    public int MinIPv6Prefix { get; init; } = 32;

    /// <summary>Maximum number of entries read from one list, addresses and domains together (default 2,000,000).</summary>
    public int MaxEntries { get; init; } = 2_000_000;

    /// <summary>
    /// Maximum length of one line, in characters (default 65,536). A longer line is rejected without
    /// being held in memory, and parsing goes on with the next line.
    /// </summary>
    public int MaxLineLength { get; init; } = 65_536;

    /// <summary>
    /// Maximum size of a JSON document (a STIX bundle), in bytes of UTF-8 (default 64 MiB). JSON is
    /// parsed whole, so a larger document is rejected before parsing.
    /// </summary>
    public int MaxDocumentBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Maximum number of errors, and separately of notes, listed for one list (default 10,000). Later
    /// ones are counted in <see cref="ParsedList.RejectedCount"/> but not listed.
    /// </summary>
    public int MaxReportedIssues { get; init; } = 10_000;

    /// <summary>
    /// The column that contains the entries of a <see cref="ThreatListFormat.Csv"/> list. Required for that
    /// format and ignored by the others.
    /// </summary>
    public CsvColumn? CsvColumn { get; init; }

    /// <summary>Whether the first row of a <see cref="ThreatListFormat.Csv"/> list is a header (default true). A column chosen by name requires one.</summary>
    public bool CsvHasHeader { get; init; } = true;

    /// <summary>The field separator of a <see cref="ThreatListFormat.Csv"/> list (default comma). Must be an ASCII character.</summary>
    public char CsvSeparator { get; init; } = ',';

    /// <summary>The clock that decides whether a STIX indicator's <c>valid_until</c> has passed.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static ListParserOptions Default { get; } = new();
}
