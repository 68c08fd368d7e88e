using System.Text;

namespace Vigil.Tests.VpcFlow;

/// <summary>
/// Splitting of lines longer than one 32-byte block, where the reader finds separators with vector
/// compares: runs of spaces and tabs across block edges, and non-ASCII bytes past the first block.
/// </summary>
public sealed class TextTokeniseTests
{
    private const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("  \t ")]
    [InlineData("                                   ")]
    [InlineData("\t \t \t \t \t \t \t \t \t \t \t \t \t \t \t \t \t \t")]
    public async Task Reader_SeparatorRuns_SameFields(string separator)
    {
        string[] values = ["2", "123456789012", "eni-0123456789abcdef0", "10.0.1.5", "198.51.100.7", "49152", "443", "6", "10", "8400", "1700000000", "1700000060", "ACCEPT", "OK"];
        var line = separator + string.Join(separator, values) + separator;

        var read = await FlowTextRead.TextAsync($"{Header}\n{line}\n");

        Assert.Empty(read.Rejections);
        var record = Assert.Single(read.Records);
        Assert.Equal("eni-0123456789abcdef0", record.InterfaceId);
        Assert.Equal("198.51.100.7", record.DestinationAddress);
        Assert.Equal(8400, record.Bytes);
        Assert.Equal("OK", record.LogStatus);
    }

    [Fact]
    public async Task Reader_EveryTokenEdge_SameFields()
    {
        // Moves the line's start one byte at a time, so each token boundary meets a block edge.
        for (var indent = 0; indent < 40; indent++)
        {
            var line = new string(' ', indent) + "2 123456789012 eni-0123456789abcdef0 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 REJECT OK";

            var read = await FlowTextRead.TextAsync($"{Header}\n{line}\n");

            var record = Assert.Single(read.Records);
            Assert.Equal(49152, record.SourcePort);
            Assert.Equal(1700000060, record.End?.ToUnixTimeSeconds());
            Assert.Equal("REJECT", record.Action);
        }
    }

    [Fact]
    public async Task Reader_NonAsciiPastFirstBlock_KeptAsText()
    {
        var content = "version account-id bytes note\n2 111122223333 5 caf\u00e9-\u4e2d\u6587-0123456789012345678901234567890\n";

        var read = await FlowTextRead.TextAsync(content);

        Assert.Empty(read.Rejections);
        var field = Assert.Single(Assert.Single(read.Records).ExtraFields);
        Assert.Equal("caf\u00e9-\u4e2d\u6587-0123456789012345678901234567890", field.Value);
    }

    [Fact]
    public async Task Reader_InvalidUtf8PastFirstBlock_Rejected()
    {
        byte[] content = [.. "version account-id bytes note\n2 111122223333 5 0123456789012345678901234567890"u8, 0xC3, 0x28, .. "\n2 111122223333 6 x\n"u8];

        var read = await FlowTextRead.StreamAsync(new MemoryStream(content), "utf8.log");

        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(2, rejection.Line);
        Assert.Equal("the line is not valid UTF-8", rejection.Reason);
        Assert.Equal(6, Assert.Single(read.Records).Bytes);
    }

    [Fact]
    public async Task Reader_LongHeaderWithTabs_ReadByName()
    {
        var header = string.Join('\t', Header.Split(' ').Reverse());
        var values = "OK ACCEPT 1700000060 1700000000 8400 10 6 443 49152 198.51.100.7 10.0.1.5 eni-0123456789abcdef0 123456789012 2".Replace(' ', '\t');

        var read = await FlowTextRead.StreamAsync(new MemoryStream(Encoding.UTF8.GetBytes($"{header}\n{values}\n")), "tabs.log");

        Assert.Empty(read.Rejections);
        var record = Assert.Single(read.Records);
        Assert.Equal("10.0.1.5", record.SourceAddress);
        Assert.Equal(2, record.Version);
    }

    [Theory]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 - - - - - - - 1700000000 1700000060 - NODATA")]
    [InlineData("2 123456789012 eni-1 2001:db8::5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.051.100.7 49152 443 6 10 8400 1700000000 1700000060 REJECT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 9223372036854775807 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 OK eni-1 10.0.1.5 198.51.100.7 0 0 0 0 0 0 0 custom SKIPDATA")]
    public async Task Reader_DefaultFormatLines_SameAsCustomOrder(string line)
    {
        // The same values under a header in another order take the field-by-field path, so both
        // paths must give equal records.
        var names = Header.Split(' ');
        var values = line.Split(' ');
        var order = Enumerable.Range(0, names.Length).Reverse().ToArray();
        var reordered = $"{string.Join(' ', order.Select(i => names[i]))}\n{string.Join(' ', order.Select(i => values[i]))}\n";

        var inOrder = await FlowTextRead.TextAsync($"{Header}\n{line}\n");
        var withoutHeader = await FlowTextRead.TextAsync($"{line}\n");
        var fieldByField = await FlowTextRead.TextAsync(reordered);

        Assert.Empty(fieldByField.Rejections);
        var expected = Assert.Single(fieldByField.Records);
        Assert.Equal(expected, Assert.Single(inOrder.Records));
        Assert.Equal(expected, Assert.Single(withoutHeader.Records));
    }

    [Theory]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 65536 443 6 10 8400 1700000000 1700000060 ACCEPT OK", "srcport")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 256 10 8400 1700000000 1700000060 ACCEPT OK", "protocol")]
    [InlineData("2 123456789012 eni-1 10.0.1.300 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK", "srcaddr")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 9223372036854775808 1700000000 1700000060 ACCEPT OK", "bytes")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 253402300800 1700000060 ACCEPT OK", "start")]
    [InlineData("2147483648 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK", "version")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 +443 6 10 8400 1700000000 1700000060 ACCEPT OK", "dstport")]
    public async Task Reader_DefaultFormatInvalidValue_RejectedByField(string line, string field)
    {
        var read = await FlowTextRead.TextAsync($"{Header}\n{line}\n");

        Assert.Empty(read.Records);
        var rejection = Assert.Single(read.Rejections);
        Assert.Equal(field, rejection.Field);
        Assert.Equal(2, rejection.Line);
    }
}
