using Vigil.Detection;

namespace Vigil.Tests.Detection;

public sealed class JsonFieldsTests
{
    [Theory]
    [InlineData("""{"flag": false}""", false)]
    [InlineData("""{"flag": true}""", true)]
    [InlineData("""{"flag": "false"}""", false)]
    [InlineData("""{"flag": "True"}""", true)]
    [InlineData("""{"flag": {"value": false}}""", null)]
    [InlineData("""{"flag": [false]}""", null)]
    [InlineData("""{"other": {"flag": false}}""", null)]
    [InlineData("""["flag", false]""", null)]
    [InlineData("""{"flag": fals""", null)]
    [InlineData("", null)]
    public void TopLevelBoolean_ReadsOnlyTopLevelScalar(string json, bool? expected)
    {
        Assert.Equal(expected, JsonFields.TopLevelBoolean(json, "flag"));
    }

    [Fact]
    public void TopLevelText_NestedSameName_IsSkipped()
    {
        var json = """{"tags": {"name": "nested"}, "name": "top"}""";

        Assert.Equal("top", JsonFields.TopLevelText(json, "name"));
    }

    [Fact]
    public void TopLevelText_LoneSurrogate_GivesNull()
    {
        Assert.Null(JsonFields.TopLevelText("""{"name": "\ud800"}""", "name"));
    }
}
