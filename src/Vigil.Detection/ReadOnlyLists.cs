namespace Vigil.Detection;

/// <summary>Conversions for the detectors, which walk their records by index.</summary>
internal static class ReadOnlyLists
{
    /// <summary>
    /// Returns <paramref name="items"/> itself when it is a list, else a copy. Walking a list by
    /// index allocates nothing, while the enumerator of a list seen through an interface is an object per walk.
    /// </summary>
    public static IReadOnlyList<T> AsReadOnlyList<T>(this IEnumerable<T> items) => items as IReadOnlyList<T> ?? [.. items];
}
