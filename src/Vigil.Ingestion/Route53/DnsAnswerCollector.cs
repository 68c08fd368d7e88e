using Vigil.Contracts.Events;

namespace Vigil.Ingestion.Route53;

/// <summary>
/// Collects the answers of one Resolver query record. Most responses have one or two answers, so
/// those stay in fields and the list is made at its exact size.
/// </summary>
internal struct DnsAnswerCollector
{
    private DnsAnswer? first;
    private DnsAnswer? second;
    private List<DnsAnswer>? more;

    /// <summary>Number of answers added so far.</summary>
    public int Count { get; private set; }

    public void Add(DnsAnswer answer)
    {
        switch (Count++)
        {
            case 0:
                first = answer;
                break;
            case 1:
                second = answer;
                break;
            default:
                (more ??= []).Add(answer);
                break;
        }
    }

    /// <summary>Returns the answers in the order they were added.</summary>
    public readonly IReadOnlyList<DnsAnswer> ToList() => Count switch
    {
        0 => [],
        1 => [first!],
        2 => [first!, second!],
        _ => [first!, second!, .. more!],
    };
}
