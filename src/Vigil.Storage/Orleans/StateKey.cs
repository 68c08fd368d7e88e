using System.Globalization;
using System.Text;
using Orleans.Runtime;

namespace Vigil.Storage.Orleans;

/// <summary>
/// The key columns of a grain's row in <c>orleans_storage</c>, split the way Orleans' ADO.NET
/// storage splits them, so that rows written by either are the same rows.
/// </summary>
/// <param name="N0">First half of a Guid key; 0 otherwise.</param>
/// <param name="N1">Second half of a Guid key, or the integer key; 0 for a string key.</param>
/// <param name="Extension">The key extension of a Guid or integer key (null if none), or the whole string key.</param>
/// <param name="Kind">Which of the three forms the key took.</param>
internal readonly record struct StateKey(long N0, long N1, string? Extension, StateKeyKind Kind)
{
    /// <summary>Splits a grain id: a Guid key first, then an integer key, else the key as a string.</summary>
    public static StateKey Of(GrainId grainId)
    {
        if (grainId.TryGetGuidKey(out var guid, out var guidExtension))
        {
            Span<byte> bytes = stackalloc byte[16];
            guid.TryWriteBytes(bytes);
            return new StateKey(BitConverter.ToInt64(bytes[..8]), BitConverter.ToInt64(bytes[8..]), guidExtension, StateKeyKind.Guid);
        }

        if (grainId.TryGetIntegerKey(out var integer, out var integerExtension))
        {
            return new StateKey(0, integer, integerExtension, StateKeyKind.Integer);
        }

        return new StateKey(0, 0, grainId.Key.ToString(), StateKeyKind.String);
    }

    /// <summary>
    /// The bytes Orleans hashes into <c>grain_id_hash</c>: the 8 bytes of an integer key or the 16 of
    /// a Guid key followed by the UTF-8 extension, or the UTF-8 string key, in reverse order on a
    /// little-endian machine.
    /// </summary>
    public byte[] HashBytes()
    {
        byte[] bytes;
        switch (Kind)
        {
            case StateKeyKind.Integer:
                bytes = Concat(BitConverter.GetBytes(N1), Extension);
                break;
            case StateKeyKind.Guid:
                var guid = new byte[16];
                BitConverter.TryWriteBytes(guid.AsSpan(0, 8), N0);
                BitConverter.TryWriteBytes(guid.AsSpan(8), N1);
                bytes = Concat(guid, Extension);
                break;
            default:
                bytes = Encoding.UTF8.GetBytes(Extension ?? string.Empty);
                break;
        }

        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        return bytes;
    }

    public override string ToString() => Kind switch
    {
        StateKeyKind.Integer => Extension is null ? N1.ToString(CultureInfo.InvariantCulture) : $"{N1}#{Extension}",
        StateKeyKind.Guid => $"{N0:x16}{N1:x16}" + (Extension is null ? string.Empty : "#" + Extension),
        _ => Extension ?? string.Empty,
    };

    private static byte[] Concat(byte[] head, string? extension)
    {
        if (extension is null)
        {
            return head;
        }

        var tail = Encoding.UTF8.GetBytes(extension);
        var bytes = new byte[head.Length + tail.Length];
        head.CopyTo(bytes, 0);
        tail.CopyTo(bytes, head.Length);
        return bytes;
    }
}

/// <summary>The three forms of a grain key in <c>orleans_storage</c>.</summary>
internal enum StateKeyKind
{
    String,
    Integer,
    Guid,
}
