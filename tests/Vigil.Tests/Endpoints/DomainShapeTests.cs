using Vigil.Detection.Dns;

namespace Vigil.Tests.Endpoints;

public sealed class DomainShapeTests
{
    [Theory]
    [InlineData("example.com", "example", "com")]
    [InlineData("Example.CO.UK", "example", "co.uk")]
    [InlineData("localhost", "localhost", "")]
    public void Split_FirstLabelAndSuffix(string domain, string label, string suffix)
    {
        Assert.Equal((label, suffix), DomainShape.Split(domain));
    }

    [Fact]
    public void Measure_CountsLabelShape()
    {
        var shape = DomainShape.Measure("the4x-qz");

        Assert.Equal(DomainShape.Size, shape.Length);
        Assert.Equal(8, shape[0]);
        Assert.Equal(1 / 8f, shape[1]);
        Assert.Equal(1 / 6f, shape[2]);
        Assert.Equal(3f, shape[3], 3);
        Assert.Equal(2, shape[4]);
        Assert.Equal(1, shape[5]);
        Assert.Equal(1f, shape[6]);
        Assert.Equal(1, shape[7]);
        Assert.Equal(2 / 3f, shape[8], 3);
        Assert.Equal(3 / 6f, shape[9]);
        Assert.Equal(2, shape[10]);
    }

    [Fact]
    public void Measure_RandomLettersLookLessEnglish()
    {
        var english = DomainShape.Measure("northernweather");
        var random = DomainShape.Measure("xkqzvbwjtrpl");

        Assert.True(english[8] > random[8]);
        Assert.True(english[2] > random[2]);
        Assert.True(random[9] > english[9]);
    }

    [Fact]
    public void Measure_EmptyAndLongLabels()
    {
        Assert.All(DomainShape.Measure(string.Empty), value => Assert.Equal(0, value));
        Assert.Equal(63, DomainShape.Measure(new string('a', 500))[0]);
    }
}
