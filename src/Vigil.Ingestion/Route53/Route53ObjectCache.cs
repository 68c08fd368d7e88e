using System.Runtime.CompilerServices;
using System.Text;
using Vigil.Contracts.Events;

namespace Vigil.Ingestion.Route53;

/// <summary>
/// Returns one instance of the immutable parts of a Resolver record that repeat from record to
/// record: the <c>srcids</c> of an instance, and an answer whose strings came from
/// <see cref="Utf8StringCache"/>. Direct-mapped tables like <see cref="Utf8StringCache"/>: a new
/// value replaces the one in its slot, so each table keeps at most <see cref="Slots"/> values.
/// </summary>
/// <remarks>Not thread-safe; <see cref="ForCurrentThread"/> gives each thread its own.</remarks>
internal sealed class Route53ObjectCache
{
    public const int Slots = 4096;

    [ThreadStatic]
    private static Route53ObjectCache? current;

    private readonly byte[]?[] instanceKeys = new byte[Slots][];
    private readonly DnsQuerySourceIds?[] instanceSourceIds = new DnsQuerySourceIds[Slots];
    private readonly DnsAnswer?[] answers = new DnsAnswer[Slots];

    /// <summary>The cache of the calling thread, for synchronous code between awaits.</summary>
    public static Route53ObjectCache ForCurrentThread => current ??= new Route53ObjectCache();

    /// <summary>
    /// Returns the <c>srcids</c> that has only <paramref name="instance"/>, which the caller has checked
    /// is ASCII. An id over <see cref="Utf8StringCache.MaxCachedBytes"/> bytes gets a new object.
    /// </summary>
    public DnsQuerySourceIds GetInstanceSourceIds(ReadOnlySpan<byte> instance)
    {
        if (instance.Length > Utf8StringCache.MaxCachedBytes)
        {
            return new DnsQuerySourceIds { Instance = Encoding.ASCII.GetString(instance) };
        }

        var slot = (int)(Utf8StringCache.Hash(instance) & (Slots - 1));
        if (instanceKeys[slot] is { } key && instance.SequenceEqual(key))
        {
            return instanceSourceIds[slot]!;
        }

        var sourceIds = new DnsQuerySourceIds { Instance = Encoding.ASCII.GetString(instance) };
        instanceKeys[slot] = instance.ToArray();
        instanceSourceIds[slot] = sourceIds;
        return sourceIds;
    }

    /// <summary>
    /// Returns an answer with these strings. Answers are keyed by the string instances, so only values
    /// that came from a cache are found again, and any other answer is a new object.
    /// </summary>
    public DnsAnswer GetAnswer(string? rdata, string? type, string? answerClass)
    {
        var hash = HashCode.Combine(RuntimeHelpers.GetHashCode(rdata), RuntimeHelpers.GetHashCode(type), RuntimeHelpers.GetHashCode(answerClass));
        var slot = hash & (Slots - 1);
        if (answers[slot] is { } cached && ReferenceEquals(cached.Rdata, rdata) && ReferenceEquals(cached.Type, type) && ReferenceEquals(cached.Class, answerClass))
        {
            return cached;
        }

        var answer = new DnsAnswer(rdata, type, answerClass);
        answers[slot] = answer;
        return answer;
    }
}
