using System.Text.Json;
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
    [Fact]
    public void TextAt_NestedPath_ReadsValue()
    {
        var json = """{"userIdentity": {"type": "Root", "sessionContext": {"attributes": {}, "assumedRoot": "true"}}}""";

        Assert.Equal("true", JsonFields.TextAt(json, "userIdentity", "sessionContext", "assumedRoot"));
    }

    [Theory]
    [InlineData("""{"assumedRoot": "true", "userIdentity": {"sessionContext": {}}}""")]
    [InlineData("""{"userIdentity": {"sessionContext": ["assumedRoot", "true"]}}""")]
    [InlineData("""{"userIdentity": "sessionContext"}""")]
    [InlineData("""{"userIdentity": {"sessionContext": {"assumedRoot": {"value": "true"}}}}""")]
    [InlineData("""{"userIdentity": {"sessionContext": {"assumedRoot": "tr""")]
    public void TextAt_PathNotThere_GivesNull(string json)
    {
        Assert.Null(JsonFields.TextAt(json, "userIdentity", "sessionContext", "assumedRoot"));
    }

    [Fact]
    public void TextAt_DeepNestingBeforeField_IsSkipped()
    {
        var json = """{"padding": """ + new string('[', 900) + new string(']', 900) + """, "name": "after"}""";

        Assert.Equal("after", JsonFields.TextAt(json, "name"));
    }

    [Fact]
    public void TextAt_NestingBeyondReaderLimit_GivesNull()
    {
        var json = """{"padding": """ + new string('[', 5000) + new string(']', 5000) + """, "name": "after"}""";

        Assert.Null(JsonFields.TextAt(json, "name"));
    }

    [Fact]
    public void TextAt_NumberOutOfRange_GivesInfinity()
    {
        Assert.Equal("Infinity", JsonFields.TextAt("""{"length": 1e999}""", "length"));
    }

    [Theory]
    [InlineData("""{"a": {"b": {}}}""", JsonValueKind.Object)]
    [InlineData("""{"a": {"b": []}}""", JsonValueKind.Array)]
    [InlineData("""{"a": {"b": ""}}""", JsonValueKind.String)]
    [InlineData("""{"a": {"b": null}}""", JsonValueKind.Null)]
    [InlineData("""{"a": {"c": {}}}""", JsonValueKind.Undefined)]
    [InlineData("""{"a": "b"}""", JsonValueKind.Undefined)]
    public void ValueKindAt_Path_GivesKind(string json, JsonValueKind expected)
    {
        Assert.Equal(expected, JsonFields.ValueKindAt(json, "a", "b"));
    }

    [Fact]
    public void ParseBounded_TooDeep_GivesNull()
    {
        var json = new string('[', JsonFields.MaxDocumentDepth + 1) + new string(']', JsonFields.MaxDocumentDepth + 1);

        Assert.Null(JsonFields.ParseBounded(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[1, 2")]
    public void ParseBounded_Malformed_GivesNull(string json)
    {
        Assert.Null(JsonFields.ParseBounded(json));
    }

    [Fact]
    public void ParseBounded_UnpairedSurrogateCharacter_GivesNull()
    {
        Assert.Null(JsonFields.ParseBounded("{\"a\": \"" + '\ud800' + "\"}"));
    }

    [Fact]
    public void StringOf_LoneSurrogateEscape_GivesNull()
    {
        using var document = JsonFields.ParseBounded("""{"name": "\ud800"}""");

        Assert.NotNull(document);
        Assert.Null(JsonFields.StringOf(JsonFields.Property(document.RootElement, "name")));
    }

    [Theory]
    [InlineData("""{"v": ["x", "y"]}""", 2)]
    [InlineData("""{"v": "x"}""", 1)]
    [InlineData("""{"v": null}""", 0)]
    [InlineData("""{"w": "x"}""", 0)]
    public void OneOrMany_Value_GivesItems(string json, int expected)
    {
        using var document = JsonFields.ParseBounded(json);

        Assert.Equal(expected, JsonFields.OneOrMany(JsonFields.Property(document!.RootElement, "v")).Count());
    }
}
