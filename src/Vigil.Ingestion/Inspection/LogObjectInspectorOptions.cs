using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Route53;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Ingestion.Inspection;

/// <summary>Bounds of one inspection, and the options passed to the reader of each kind.</summary>
public sealed record LogObjectInspectorOptions
{
    /// <summary>Highest accepted <see cref="MaxRejections"/>.</summary>
    public const int MaxRejectionsLimit = 10_000;

    /// <summary>
    /// Bytes of decompressed content read to detect the kind (default 64 KiB), held in memory
    /// once and then handed on to the reader. A CloudTrail file names <c>Records</c> in its first
    /// bytes, and a flow log header or a Resolver query record is one short line.
    /// </summary>
    public int DetectionBytes { get; init; } = 64 * 1024;

    /// <summary>Rejections kept in <see cref="LogObjectInspection.Rejections"/> (default 10). The rejected count is always total.</summary>
    public int MaxRejections { get; init; } = 10;

    /// <summary>Largest decompressed object, in bytes (default 2 GiB). A larger one stops with an error.</summary>
    public long MaxDecompressedBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    public CloudTrailReaderOptions CloudTrail { get; init; } = CloudTrailReaderOptions.Default;

    public VpcFlowReaderOptions VpcFlow { get; init; } = VpcFlowReaderOptions.Default;

    public Route53QueryLogReaderOptions Route53 { get; init; } = Route53QueryLogReaderOptions.Default;

    public static LogObjectInspectorOptions Default { get; } = new();

    /// <summary>Checks that every bound is in its range and returns these options. Throws <see cref="ArgumentOutOfRangeException"/> otherwise.</summary>
    internal LogObjectInspectorOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(DetectionBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DetectionBytes, 16 * 1024 * 1024);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRejections);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRejections, MaxRejectionsLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDecompressedBytes, 1);
        ArgumentNullException.ThrowIfNull(CloudTrail);
        ArgumentNullException.ThrowIfNull(VpcFlow);
        ArgumentNullException.ThrowIfNull(Route53);
        return this;
    }
}
