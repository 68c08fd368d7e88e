using Vigil.Console.Display;

namespace Vigil.Console.Tests;

public sealed class DisplayTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("line1\r\nline2", @"line1\r\nline2")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("\u001b[31mred", @"\u001b[31mred")]
    [InlineData("nul\0byte", @"nul\u0000byte")]
    [InlineData("c1\u0085next", @"c1\u0085next")]
    [InlineData("bidi\u202Eevil", @"bidi\u202eevil")]
    [InlineData(@"already\nescaped", @"already\\nescaped")]
    [InlineData("<b>tag</b>", "<b>tag</b>")]
    public void SingleLine_EscapesControls(string input, string expected)
    {
        Assert.Equal(expected, DisplayText.SingleLine(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void SingleLine_MissingValue_ShowsDash(string? input)
    {
        Assert.Equal(DisplayText.Missing, DisplayText.SingleLine(input));
    }

    [Fact]
    public void MultiLine_KeepsLineBreaks()
    {
        Assert.Equal("first\nsecond\tcolumn", DisplayText.MultiLine("first\r\nsecond\tcolumn"));
    }

    [Fact]
    public void MultiLine_EscapesOtherControls()
    {
        Assert.Equal("bell\\u0007\nnext", DisplayText.MultiLine("bell\a\nnext"));
    }

    [Fact]
    public void Timestamp_UsesUtc()
    {
        var value = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));

        Assert.Equal("2025-01-02 01:04:05Z", DisplayText.Timestamp(value));
    }

    [Fact]
    public void MachineTimestamp_IsIso8601()
    {
        var value = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5));

        Assert.Equal("2025-01-02T08:04:05Z", DisplayText.MachineTimestamp(value));
    }
}
