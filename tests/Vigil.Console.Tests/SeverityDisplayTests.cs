using MudBlazor;
using Vigil.Console.Display;

namespace Vigil.Console.Tests;

public sealed class SeverityDisplayTests
{
    // The level is passed by name because SeverityLevel is internal and xunit test methods are public.
    [Theory]
    [InlineData(1.0, "Low")]
    [InlineData(3.9, "Low")]
    [InlineData(3.99, "Low")]
    [InlineData(4.0, "Medium")]
    [InlineData(6.9, "Medium")]
    [InlineData(7.0, "High")]
    [InlineData(8.9, "High")]
    [InlineData(9.0, "Critical")]
    [InlineData(10.0, "Critical")]
    [InlineData(0.0, "Low")]
    [InlineData(double.NaN, "Low")]
    [InlineData(12.0, "Critical")]
    public void GetLevel_MapsBands(double score, string expectedLevel)
    {
        Assert.Equal(expectedLevel, SeverityDisplay.GetLevel(score).ToString());
    }

    [Fact]
    public void GetColor_DiffersPerLevel()
    {
        var colors = Enum.GetValues<SeverityLevel>().Select(SeverityDisplay.GetColor).ToList();

        Assert.Equal(colors.Count, colors.Distinct().Count());
    }

    [Theory]
    [InlineData(8.0, "8.0")]
    [InlineData(5.25, "5.3")]
    [InlineData(10.0, "10.0")]
    public void FormatScore_OneDecimal(double score, string expected)
    {
        Assert.Equal(expected, SeverityDisplay.FormatScore(score));
    }

    [Fact]
    public void GetColor_CriticalIsTertiary()
    {
        Assert.Equal(Color.Tertiary, SeverityDisplay.GetColor(SeverityLevel.Critical));
    }
}
