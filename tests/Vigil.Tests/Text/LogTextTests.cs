using Vigil.Contracts.Text;

namespace Vigil.Tests.Text;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("line1\r\nforged entry", @"line1\r\nforged entry")]
    [InlineData("\u001b[2Jcleared", @"\u001b[2Jcleared")]
    [InlineData("tab\tseparated", @"tab\tseparated")]
    [InlineData("nul\0byte", @"nul\u0000byte")]
    [InlineData("next\u0085line", @"next\u0085line")]
    [InlineData("para\u2029graph", @"para\u2029graph")]
    public void Escape_ControlCharacters_BecomeVisible(string value, string expected)
    {
        Assert.Equal(expected, LogText.Escape(value));
    }

    [Fact]
    public void Escape_PlainText_IsUnchanged()
    {
        const string value = "arn:aws:iam::111122223333:user/alice <b>&amp;</b> é";

        Assert.Same(value, LogText.Escape(value));
    }

    [Fact]
    public void Escape_Null_GivesMarker()
    {
        Assert.Equal("(null)", LogText.Escape(null));
    }

    [Fact]
    public void Escape_LongValue_IsCutAndMarked()
    {
        var value = new string('a', LogText.MaxLength + 88);

        var escaped = LogText.Escape(value);

        Assert.Equal(new string('a', LogText.MaxLength) + "…(+88 chars)", escaped);
    }

    [Fact]
    public void Escape_ValueAtMaxLength_IsKept()
    {
        var value = new string('a', LogText.MaxLength);

        Assert.Equal(value, LogText.Escape(value));
    }

    [Fact]
    public void Escape_LongValueWithNewline_EscapesAndCuts()
    {
        var value = "first\nsecond" + new string('z', 1000);

        var escaped = LogText.Escape(value);

        Assert.StartsWith(@"first\nsecond", escaped, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', escaped);
        Assert.EndsWith($"…(+{value.Length - LogText.MaxLength} chars)", escaped, StringComparison.Ordinal);
    }
}
