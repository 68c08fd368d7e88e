using System.Buffers;
using Orleans.Serialization;
using Orleans.Storage;

namespace Vigil.Grains;

/// <summary>
/// Writes grain state in Orleans' binary format behind a four-byte marker, or with
/// <paramref name="writeEarlierFormat"/> in the JSON of Orleans' default grain storage serialiser,
/// and reads both forms. The grain states carry <c>[GenerateSerializer]</c> field ids, so the binary
/// form keeps working as fields are added.
/// </summary>
/// <remarks>
/// The JSON serialiser (Newtonsoft.Json with type names) took 5.5% of the host's CPU samples (perf)
/// while it ingested the corpus of <c>vigil bench run --host</c>, because every changed grain writes
/// its state every <see cref="WriteBehindOptions.WritePeriod"/>. Silos of earlier versions
/// cannot read the binary form, so a roll from such a version writes JSON until every silo runs this one.
/// </remarks>
public sealed class VigilGrainStateSerializer(Serializer serializer, IGrainStorageSerializer earlierFormat, bool writeEarlierFormat = false) : IGrainStorageSerializer
{
    /// <summary>"VGS" and a format version; JSON text never starts with it.</summary>
    private static ReadOnlySpan<byte> Marker => "VGS1"u8;

    public BinaryData Serialize<T>(T? input)
    {
        if (writeEarlierFormat)
        {
            return earlierFormat.Serialize(input);
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(Marker);
        serializer.Serialize(input, buffer);
        return new BinaryData(buffer.WrittenMemory);
    }

    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = input.ToMemory();
        return (bytes.Span.StartsWith(Marker)
            ? serializer.Deserialize<T>(bytes[Marker.Length..])
            : earlierFormat.Deserialize<T>(input))!;
    }
}
