using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Tests.VpcFlow;

/// <summary>
/// The one-pass reader of default-format lines against the field-by-field path. A header in the
/// default order sends lines through <see cref="DefaultFormatLine"/> first, and the same header
/// reversed sends them through the field-by-field path only, so both reads must give equal records
/// and equal rejections.
/// </summary>
public sealed class DefaultFormatLineTests
{
    private const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    private const string UsualLine = "2 123456789012 eni-0123456789abcdef0 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK";

    private static readonly DateTimeOffset IngestTime = FlowTextRead.IngestTime;

    [Theory]
    [InlineData(UsualLine)]
    [InlineData("2 123456789012 eni-1 - - - - - - - 1700000000 1700000060 - NODATA")]
    [InlineData("2\t123456789012\teni-1\t10.0.1.5\t198.51.100.7\t1\t2\t17\t3\t4\t1700000000\t1700000060\tREJECT\tOK")]
    [InlineData("  2  123456789012 eni-1 10.0.1.5   198.51.100.7 0 0 0 0 0 0 0 ACCEPT OK \t ")]
    [InlineData("2147483647 123456789012 eni-1 255.255.255.255 0.0.0.0 65535 65535 255 999999999999999999 0 253402300799 253402300799 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 007 0443 006 010 08400 01700000000 1700000060 ACCEPT OK")]
    [InlineData("2 caf\u00e9 eni-\u4e2d 10.0.1.5 198.51.100.7 1 2 6 3 4 1700000000 1700000060 ACCEPT SKIPDATA")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 1 2 6 3 4 1700000000 1700000060 ACCEPT OK\r")]
    public void TryParse_UsualForms_ReadInOnePass(string line)
    {
        string? previousAccountId = null;

        var record = Parse(Encoding.UTF8.GetBytes(line), IngestTime, new Utf8StringCache(), ref previousAccountId);

        Assert.NotNull(record);
    }

    [Theory]
    [InlineData(Header)]
    [InlineData("2 123456789012 eni-1 2001:db8::5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.051.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 0000000000000000042 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 65536 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 256 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2147483648 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 253402300800 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK extra")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 -1 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5- 198.51.100.7 1 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    public void TryParse_OtherForms_LeftToGeneralPath(string line)
    {
        string? previousAccountId = null;

        var record = Parse(Encoding.UTF8.GetBytes(line), IngestTime, new Utf8StringCache(), ref previousAccountId);

        Assert.Null(record);
    }

    [Fact]
    public void TryParse_InvalidUtf8_LeftToGeneralPath()
    {
        byte[] line = [.. "2 123456789012 eni-"u8, 0xC3, 0x28, .. " 10.0.1.5 198.51.100.7 1 2 6 3 4 1700000000 1700000060 ACCEPT OK"u8];
        string? previousAccountId = null;

        var record = Parse(line, IngestTime, new Utf8StringCache(), ref previousAccountId);

        Assert.Null(record);
    }

    [Fact]
    public void TryParse_UsualLine_EveryField()
    {
        string? previousAccountId = null;

        var record = Assert.NotNull(Parse(Encoding.UTF8.GetBytes(UsualLine), IngestTime, new Utf8StringCache(), ref previousAccountId));

        Assert.Equal(IngestTime, record.IngestTime);
        Assert.Equal(2, record.Version);
        Assert.Equal("123456789012", record.AccountId);
        Assert.Equal("eni-0123456789abcdef0", record.InterfaceId);
        Assert.Equal("10.0.1.5", record.SourceAddress);
        Assert.Equal("198.51.100.7", record.DestinationAddress);
        Assert.Equal(49152, record.SourcePort);
        Assert.Equal(443, record.DestinationPort);
        Assert.Equal(6, record.Protocol);
        Assert.Equal(10, record.Packets);
        Assert.Equal(8400, record.Bytes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), record.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000060), record.End);
        Assert.Same(FlowAction.Accept, record.Action);
        Assert.Same(FlowLogStatus.Ok, record.LogStatus);
        Assert.Same(record.AccountId, previousAccountId);
    }

    [Fact]
    public void TryParse_OtherAccountId_ReplacesPrevious()
    {
        var cache = new Utf8StringCache();
        string? previousAccountId = "123456789012";

        var record = Parse(Encoding.UTF8.GetBytes(UsualLine.Replace("123456789012", "210987654321")), IngestTime, cache, ref previousAccountId);

        Assert.Equal("210987654321", record?.AccountId);
        Assert.Equal("210987654321", previousAccountId);
    }

    [Theory]
    [InlineData(UsualLine)]
    [InlineData("2 123456789012 eni-1 - - - - - - - 1700000000 1700000060 - NODATA")]
    [InlineData("- - - - - - - - - - - - - -")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 007 0443 006 010 08400 01700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 2001:db8::5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 010.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 000000000000000000000042 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 9223372036854775808 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 99999999999999999999 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 65536 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 +443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060x ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 -- 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.256 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 49152 443 6 10 8400 1700000000 1700000060 ACCEPT OK OK")]
    [InlineData("2 caf\u00e9 eni-\u4e2d 10.0.1.5 198.51.100.7 1 2 6 3 4 1700000000 1700000060 \u00e9 OK")]
    [InlineData("2 123456789012 eni-1 10.0.1.5 198.51.100.7 1 2 6 3 4 1700000000 1700000060 ACCEPT OK\r\r")]
    public async Task Reader_TrickyLines_SameAsFieldByField(string line)
    {
        var (onePass, fieldByField) = await ReadBothWaysAsync([line]);

        Assert.Equal(fieldByField.Records, onePass.Records);
        Assert.Equal(Describe(fieldByField.Rejections), Describe(onePass.Rejections));
    }

    [Fact]
    public async Task Reader_CrLfRepeatedHeader_SameRecords()
    {
        var (onePass, fieldByField) = await ReadBothWaysAsync([UsualLine + "\r", "HEADER\r", UsualLine.Replace(" 10 8400 ", " 11 8401 ") + "\r"]);

        Assert.Equal(2, onePass.Records.Count);
        Assert.Equal(fieldByField.Records, onePass.Records);
        Assert.Empty(onePass.Rejections);
        Assert.Equal(2, onePass.Summary.HeaderLines);
    }

    [Fact]
    public async Task Reader_GeneratedLines_SameAsFieldByField()
    {
        // Each line takes its values from lists of usual and unusual forms, and at most one value
        // from a list of invalid ones, so both reads reject it for the same field.
        string[][] valid =
        [
            ["2", "-", "5", "0002", "2147483647"],
            ["123456789012", "-", "unknown", "caf\u00e9"],
            ["eni-0123456789abcdef0", "-", "eni-1", "eni-\u4e2d\u6587"],
            ["10.0.1.5", "-", "0.0.0.0", "255.255.255.255", "010.0.1.5", "2001:db8::5", "::1"],
            ["198.51.100.7", "-", "1.2.3.4", "::ffff:1.2.3.4"],
            ["49152", "-", "0", "65535", "00443"],
            ["443", "-", "0", "65535"],
            ["6", "-", "0", "255", "017"],
            ["10", "-", "0", "999999999999999999", "000000000000000000000042"],
            ["8400", "-", "9223372036854775807", "123456789012345678"],
            ["1700000000", "-", "0", "253402300799"],
            ["1700000060", "-", "0", "253402300799"],
            ["ACCEPT", "REJECT", "-", "accept", "\u00e9"],
            ["OK", "NODATA", "SKIPDATA", "-", "ok"],
        ];
        string[][] invalid =
        [
            ["2147483648", "x", "1.0"],
            [],
            [],
            ["10.0.1.256", "10.0.1", "1000.0.0.1", "10.0.1.5.", "10..0.1", "-1"],
            ["1.2.3.-", "::g"],
            ["65536", "+1", "1-"],
            ["70000", "443x"],
            ["256", "6.0"],
            ["9223372036854775808", "--"],
            ["99999999999999999999", "12a"],
            ["253402300800", "-5"],
            ["1e9"],
            [],
            [],
        ];
        var random = new Random(20261205);
        var lines = new List<string>();
        for (var i = 0; i < 2000; i++)
        {
            var invalidField = random.Next(28);
            var values = new string[14];
            for (var field = 0; field < 14; field++)
            {
                var pool = field == invalidField && invalid[field].Length > 0 ? invalid[field] : valid[field];
                values[field] = pool[random.Next(pool.Length)];
            }

            var separator = random.Next(10) switch
            {
                0 => "\t",
                1 => "  ",
                _ => " ",
            };
            lines.Add(string.Join(separator, values) + (random.Next(8) == 0 ? "\r" : string.Empty));
        }

        var (onePass, fieldByField) = await ReadBothWaysAsync(lines);

        Assert.Equal(fieldByField.Records.Count, onePass.Records.Count);
        Assert.Equal(fieldByField.Records, onePass.Records);
        Assert.Equal(Describe(fieldByField.Rejections), Describe(onePass.Rejections));
        Assert.InRange(onePass.Records.Count, 500, 1999);
    }

    [Fact]
    public void TryParse_AnySeparatorRun_SameRecord()
    {
        // Runs of 1 to 40 separators after each token move the other tokens across the 32-byte blocks
        // that the token search reads, and put the line end anywhere in a block.
        var values = UsualLine.Split(' ');
        string? previousAccountId = null;
        var expected = Parse(Encoding.UTF8.GetBytes(UsualLine), IngestTime, new Utf8StringCache(), ref previousAccountId);
        Assert.NotNull(expected);

        for (var gap = 0; gap < values.Length; gap++)
        {
            for (var width = 1; width <= 40; width++)
            {
                var run = width % 3 == 0 ? new string('\t', width) : new string(' ', width);
                var line = string.Join(' ', values[..(gap + 1)]) + (gap + 1 < values.Length ? run + string.Join(' ', values[(gap + 1)..]) : run);
                string? account = null;

                var record = Parse(Encoding.UTF8.GetBytes(line), IngestTime, new Utf8StringCache(), ref account);

                Assert.Equal(expected, record);
            }
        }
    }

    [Theory]
    [InlineData(27)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    public void TryParse_LineNearBlockSize_ReadInOnePass(int length)
    {
        // 13 placeholders and a status that makes the line the given length.
        var status = new string('S', length - 26);
        var line = string.Concat(Enumerable.Repeat("- ", 13)) + status;
        Assert.Equal(length, line.Length);
        string? previousAccountId = null;

        var record = Assert.NotNull(Parse(Encoding.UTF8.GetBytes(line), IngestTime, new Utf8StringCache(), ref previousAccountId));
        Assert.Equal(status, record.LogStatus);
        Assert.Null(record.Action);
    }

    [Fact]
    public void TryParse_OneToEighteenDigits_ExactValues()
    {
        // Each count of digits is read as the first token, where no 8 bytes end at it, and further on.
        // There one or two 8-byte loads end at it (up to 16 digits), or the digits are read one by one.
        var random = new Random(7);
        for (var digits = 1; digits <= 18; digits++)
        {
            var text = string.Concat(Enumerable.Range(0, digits).Select(_ => (char)('0' + random.Next(10))));
            var value = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            string? previousAccountId = null;

            var first = Parse(Encoding.UTF8.GetBytes(text + " - - - - - - - - - - - - -"), IngestTime, new Utf8StringCache(), ref previousAccountId);
            var near = Parse(Encoding.UTF8.GetBytes($"- - - - - - - - {text} {text} - - - -"), IngestTime, new Utf8StringCache(), ref previousAccountId);
            var far = Parse(
                Encoding.UTF8.GetBytes($"2 123456789012 eni-0123456789abcdef0 10.0.1.5 198.51.100.7 1 2 6 {text} {text} - - ACCEPT OK"), IngestTime, new Utf8StringCache(), ref previousAccountId);

            if (value <= int.MaxValue)
            {
                Assert.Equal((int)value, first?.Version);
            }
            else
            {
                Assert.Null(first);
            }

            Assert.Equal(value, near?.Packets);
            Assert.Equal(value, near?.Bytes);
            Assert.Equal(value, far?.Packets);
            Assert.Equal(value, far?.Bytes);
        }
    }

    [Fact]
    public async Task Reader_StrayByteInNumber_SameAsFieldByField()
    {
        // Bytes next to the digits in ASCII, and ':' to '?' that share their high nibble, at every
        // position of numbers of 1 to 16 digits.
        char[] others = ['/', ':', ';', '<', '=', '>', '?', '@', 'a', 'A', '.', '+'];
        var lines = new List<string>();
        for (var digits = 1; digits <= 16; digits++)
        {
            for (var position = 0; position < digits; position++)
            {
                var other = others[(digits + position) % others.Length];
                var value = new string('7', position) + other + new string('3', digits - position - 1);
                lines.Add($"2 123456789012 eni-0123456789abcdef0 10.0.1.5 198.51.100.7 1 2 6 {value} 5 1700000000 1700000060 ACCEPT OK");
                lines.Add($"2 - - - - - - - - {value} - - - -");
            }
        }

        var (onePass, fieldByField) = await ReadBothWaysAsync(lines);

        Assert.Empty(onePass.Records);
        Assert.Equal(lines.Count, onePass.Rejections.Count);
        Assert.Equal(Describe(fieldByField.Rejections), Describe(onePass.Rejections));
    }

    [Fact]
    public async Task Reader_GeneratedAddresses_SameAsFieldByField()
    {
        // Canonical addresses and near misses: leading zeros, parts over 255 or of four digits, empty
        // parts, three or five parts and bytes next to the digits. Each comes after the usual first
        // fields or near the start of the line, where the address is read byte by byte.
        var random = new Random(20261206);
        string[] separators = [".", ".", ".", ".", ".", ".", ".", ".", ".", ":", "/", ".."];
        var lines = new List<string>();
        var canonical = 0;
        for (var i = 0; i < 3000; i++)
        {
            var parts = random.Next(10) == 0 ? 3 + (random.Next(2) * 2) : 4;
            var address = new StringBuilder();
            for (var part = 0; part < parts; part++)
            {
                if (part > 0)
                {
                    address.Append(separators[random.Next(separators.Length)]);
                }

                var value = random.Next(12) switch
                {
                    0 => random.Next(256, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    1 => "0" + random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    2 => random.Next(1000, 10000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => random.Next(256).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                address.Append(value);
            }

            var text = address.ToString();
            if (System.Net.IPAddress.TryParse(text, out var parsed) && parsed.ToString() == text && text.Count(c => c == '.') == 3)
            {
                canonical++;
            }

            lines.Add(random.Next(2) == 0
                ? $"2 123456789012 eni-0123456789abcdef0 {text} 198.51.100.7 1 2 6 3 4 1700000000 1700000060 ACCEPT OK"
                : $"2 - - {text} - - - - - - - - - -");
        }

        var (onePass, fieldByField) = await ReadBothWaysAsync(lines);

        Assert.Equal(fieldByField.Records, onePass.Records);
        Assert.Equal(Describe(fieldByField.Rejections), Describe(onePass.Rejections));
        Assert.InRange(canonical, 200, 2900);
        Assert.True(onePass.Records.Count >= canonical, $"{onePass.Records.Count} records for {canonical} canonical addresses");
    }

    [Fact]
    public async Task Reader_BreakPositions_SameAsFieldByField()
    {
        // The one-pass reader finds each line break in 32-byte blocks that run past the line. Runs of
        // 0 to 40 trailing separators, and account ids of 1 to 12 digits, put the break and the token
        // ends at every position of a block and the next line's start anywhere in it.
        var lines = new List<string>();
        for (var width = 0; width <= 40; width++)
        {
            foreach (var account in new[] { "1", "1234", "123456789012" })
            {
                var trailing = width % 3 == 0 ? new string('\t', width) : new string(' ', width);
                lines.Add(UsualLine.Replace("123456789012", account, StringComparison.Ordinal) + trailing);
                lines.Add(UsualLine.Replace("123456789012", account, StringComparison.Ordinal) + trailing + "\r");
            }
        }

        var (onePass, fieldByField) = await ReadBothWaysAsync(lines);

        Assert.Equal(lines.Count, onePass.Records.Count);
        Assert.Equal(fieldByField.Records, onePass.Records);
        Assert.Empty(onePass.Rejections);
    }

    [Fact]
    public async Task Reader_LastLineWithoutBreak_Read()
    {
        var text = Header + "\n" + UsualLine + "\n" + UsualLine.Replace(" 10 8400 ", " 11 8401 ", StringComparison.Ordinal);

        var read = await FlowTextRead.TextAsync(text);

        Assert.Equal([8400L, 8401L], read.Records.Select(record => record.Bytes!.Value));
        Assert.Empty(read.Rejections);
    }

    [Fact]
    public async Task Reader_LongDefaultLine_RejectedLikeFieldByField()
    {
        // 14 tokens, one of them long enough to take the line over the limit.
        var options = new VpcFlowReaderOptions { MaxLineBytes = 200 };
        var lines = new[] { UsualLine, UsualLine.Replace("eni-0123456789abcdef0", "eni-" + new string('a', 150), StringComparison.Ordinal), UsualLine };

        var (onePass, fieldByField) = await ReadBothWaysAsync(lines, options);

        Assert.Equal(2, onePass.Records.Count);
        Assert.Equal(fieldByField.Records, onePass.Records);
        var rejection = Assert.Single(onePass.Rejections);
        Assert.Equal(3, rejection.Line);
        Assert.Contains("more than the limit of 200", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(Describe(fieldByField.Rejections), Describe(onePass.Rejections));
    }

    /// <summary>
    /// Reads the lines under the default header and under the reversed header, with each line's values
    /// reversed to match. The word HEADER stands for the header line in each read.
    /// </summary>
    private static async Task<(FlowTextRead OnePass, FlowTextRead FieldByField)> ReadBothWaysAsync(IReadOnlyList<string> lines, VpcFlowReaderOptions? options = null)
    {
        var reversedHeader = string.Join(' ', Header.Split(' ').Reverse());
        var inOrder = new StringBuilder(Header).Append('\n');
        var reversed = new StringBuilder(reversedHeader).Append('\n');
        foreach (var line in lines)
        {
            if (line.StartsWith("HEADER", StringComparison.Ordinal))
            {
                inOrder.Append(Header).Append(line[6..]).Append('\n');
                reversed.Append(reversedHeader).Append(line[6..]).Append('\n');
                continue;
            }

            // The reader drops one carriage return at the end of a line, so it stays at the end.
            var ending = line.EndsWith('\r') ? "\r" : string.Empty;
            var values = line[..^ending.Length].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            inOrder.Append(line).Append('\n');
            reversed.Append(string.Join(' ', values.Reverse())).Append(ending).Append('\n');
        }

        var onePass = await FlowTextRead.TextAsync(inOrder.ToString(), options);
        var fieldByField = await FlowTextRead.TextAsync(reversed.ToString(), options);
        return (onePass, fieldByField);
    }

    /// <summary>Describes each rejection without its byte offset, which differs when the separators do.</summary>
    private static List<string> Describe(IEnumerable<RecordRejection> rejections) =>
        [.. rejections.Select(rejection => $"line {rejection.Line}, record {rejection.RecordIndex}: {rejection.Field}: {rejection.Reason}")];

    /// <summary>The record that <see cref="DefaultFormatLine.TryParse"/> writes, or null when it returns false.</summary>
    private static FlowRecord? Parse(ReadOnlySpan<byte> line, DateTimeOffset ingestTime, Utf8StringCache cache, ref string? previousAccountId)
    {
        var record = default(FlowRecord);
        return DefaultFormatLine.TryParse(line, ingestTime, cache, ref previousAccountId, ref record) ? record : null;
    }
}
