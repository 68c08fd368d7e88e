using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Tests.Enrichment;

/// <summary>
/// Writes small MaxMind DB files for tests, following the MaxMind DB format specification 2.0: a binary
/// search tree over the address bits (IPv6 tree, 32-bit records, IPv4 networks under ::/96), 16 zero
/// bytes, the data section, then the metadata marker and the metadata map. Supports the value types
/// the enrichment reads: maps, UTF-8 strings, doubles and unsigned integers.
/// </summary>
internal sealed class MmdbWriter
{
    private const int Empty = -1;

    private readonly List<int[]> nodes = [new[] { Empty, Empty }];
    private readonly List<(int Node, int Side, int Data)> dataLinks = [];
    private readonly MemoryStream data = new();

    public string DatabaseType { get; init; } = "Vigil-Test";

    /// <summary>Adds a network with its record, a map of keys to strings, numbers, doubles or nested maps. Networks must not overlap.</summary>
    public MmdbWriter Add(string cidr, IReadOnlyDictionary<string, object> record)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(cidr[..slash]);
        var prefix = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes[12..], out _);
            prefix += 96;
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
        }

        var offset = (int)data.Length;
        WriteValue(data, record);

        var node = 0;
        for (var bit = 0; bit < prefix; bit++)
        {
            var side = (bytes[bit / 8] >> (7 - (bit % 8))) & 1;
            if (bit == prefix - 1)
            {
                dataLinks.Add((node, side, offset));
                nodes[node][side] = int.MinValue;
                break;
            }

            if (nodes[node][side] < 0)
            {
                nodes.Add([Empty, Empty]);
                nodes[node][side] = nodes.Count - 1;
            }

            node = nodes[node][side];
        }

        return this;
    }

    public void Save(string path)
    {
        var count = nodes.Count;
        var tree = new byte[count * 8];
        for (var i = 0; i < count; i++)
        {
            for (var side = 0; side < 2; side++)
            {
                var value = nodes[i][side] switch
                {
                    Empty => (uint)count,
                    int.MinValue => (uint)(count + 16 + dataLinks.Last(link => link.Node == i && link.Side == side).Data),
                    var child => (uint)child,
                };
                BinaryPrimitives.WriteUInt32BigEndian(tree.AsSpan((i * 8) + (side * 4)), value);
            }
        }

        using var file = File.Create(path);
        file.Write(tree);
        file.Write(new byte[16]);
        file.Write(data.ToArray());
        file.Write([0xAB, 0xCD, 0xEF]);
        file.Write("MaxMind.com"u8);
        var metadata = new Dictionary<string, object>
        {
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = 1_700_000_000UL,
            ["database_type"] = DatabaseType,
            ["description"] = new Dictionary<string, object> { ["en"] = "Vigil test database" },
            ["ip_version"] = (ushort)6,
            ["languages"] = new List<object> { "en" },
            ["node_count"] = (uint)count,
            ["record_size"] = (ushort)32,
        };
        var encoded = new MemoryStream();
        WriteValue(encoded, metadata);
        file.Write(encoded.ToArray());
    }

    private static void WriteValue(Stream output, object value)
    {
        switch (value)
        {
            case string text:
                var utf8 = Encoding.UTF8.GetBytes(text);
                WriteControl(output, 2, utf8.Length);
                output.Write(utf8);
                break;
            case double number:
                WriteControl(output, 3, 8);
                Span<byte> doubleBytes = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(doubleBytes, number);
                output.Write(doubleBytes);
                break;
            case ushort small:
                WriteUnsigned(output, 5, small);
                break;
            case uint medium:
                WriteUnsigned(output, 6, medium);
                break;
            case ulong large:
                WriteUnsigned(output, 9, large);
                break;
            case IReadOnlyDictionary<string, object> map:
                WriteControl(output, 7, map.Count);
                foreach (var (key, item) in map)
                {
                    WriteValue(output, key);
                    WriteValue(output, item);
                }

                break;
            case List<object> array:
                WriteControl(output, 11, array.Count);
                foreach (var item in array)
                {
                    WriteValue(output, item);
                }

                break;
            default:
                throw new ArgumentException($"Unsupported MaxMind DB value type {value.GetType()}.", nameof(value));
        }
    }

    private static void WriteUnsigned(Stream output, int type, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        var significant = bytes.TrimStart((byte)0);
        WriteControl(output, type, significant.Length);
        output.Write(significant);
    }

    /// <summary>Writes a control byte: the type in the top 3 bits (0 and an extended type byte for types above 7) and the size.</summary>
    private static void WriteControl(Stream output, int type, int size)
    {
        var typeBits = type <= 7 ? type << 5 : 0;
        byte[] sizeExtra;
        int sizeBits;
        if (size < 29)
        {
            sizeBits = size;
            sizeExtra = [];
        }
        else if (size < 285)
        {
            sizeBits = 29;
            sizeExtra = [(byte)(size - 29)];
        }
        else
        {
            sizeBits = 30;
            var rest = size - 285;
            sizeExtra = [(byte)(rest >> 8), (byte)rest];
        }

        output.WriteByte((byte)(typeBits | sizeBits));
        if (type > 7)
        {
            output.WriteByte((byte)(type - 7));
        }

        output.Write(sizeExtra);
    }
}
