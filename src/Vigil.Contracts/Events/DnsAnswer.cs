namespace Vigil.Contracts.Events;

/// <summary>
/// One entry of a Resolver query log record's <c>answers</c>: the record data, type and class as
/// written. The log names the fields <c>Rdata</c>, <c>Type</c> and <c>Class</c>.
/// </summary>
public sealed record DnsAnswer(string? Rdata, string? Type, string? Class);
