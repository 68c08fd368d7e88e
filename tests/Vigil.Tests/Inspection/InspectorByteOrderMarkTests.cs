using System.Text;
using Vigil.Ingestion.Inspection;
using Vigil.Tests.Support;

namespace Vigil.Tests.Inspection;

/// <summary>
/// Some Windows tools save files with a UTF-8 byte-order mark at the start. Every kind must read the same
/// records with the mark as without it, plain and gzip-compressed.
/// </summary>
public sealed class InspectorByteOrderMarkTests
{
    public static TheoryData<string, LogObjectKind, bool> Fixtures => new()
    {
        { "cloudtrail.json", LogObjectKind.CloudTrail, false },
        { "cloudtrail.json", LogObjectKind.CloudTrail, true },
        { "cloudtrail-digest.json", LogObjectKind.CloudTrailDigest, false },
        { "flow-header.log", LogObjectKind.VpcFlow, false },
        { "flow-header.log", LogObjectKind.VpcFlow, true },
        { "route53.log", LogObjectKind.Route53ResolverQuery, false },
        { "route53.log", LogObjectKind.Route53ResolverQuery, true },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Inspect_WithByteOrderMark_ReadsAsWithout(string fixture, LogObjectKind kind, bool gzip)
    {
        var plain = await File.ReadAllBytesAsync(Fixture.PathOf("Inspection/" + fixture));
        var marked = Encoding.UTF8.Preamble.ToArray().Concat(plain).ToArray();

        var without = await InspectionRead.BytesAsync(gzip ? InspectionRead.Gzip(plain) : plain, fixture);
        var with = await InspectionRead.BytesAsync(gzip ? InspectionRead.Gzip(marked) : marked, fixture);

        Assert.Equal(kind, with.Result.Kind);
        Assert.Null(with.Result.Error);
        Assert.Equal(without.Result.RecordsRejected, with.Result.RecordsRejected);
        Assert.Equal(without.Result.RecordsRead, with.Result.RecordsRead);
        Assert.Equal(without.RecordsDelivered, with.RecordsDelivered);
    }
}
