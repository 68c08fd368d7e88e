using System.Runtime.CompilerServices;

namespace Vigil.Detection;

/// <summary>
/// Results of a function of a string, remembered by the string instance, for values that the readers
/// return as one shared instance when they repeat (user agents, for example). A lookup compares
/// references only, so it costs no hashing of the text. A table of <see cref="Slots"/> slots indexed
/// by the identity hash keeps the memory fixed, and a new string replaces the one in its slot.
/// </summary>
/// <remarks>Not thread-safe: use one per thread.</remarks>
internal sealed class ReferenceMemo<TValue>
{
    public const int Slots = 64;

    private readonly Slot[] slots = new Slot[Slots];

    /// <summary>Returns the value remembered for <paramref name="key"/>, or computes and remembers it.</summary>
    public TValue Get(string key, Func<string, TValue> compute)
    {
        ref var slot = ref slots[RuntimeHelpers.GetHashCode(key) & (Slots - 1)];
        if (ReferenceEquals(slot.Key, key))
        {
            return slot.Value;
        }

        var value = compute(key);
        slot = new Slot(key, value);
        return value;
    }

    private readonly record struct Slot(string? Key, TValue Value);
}
