using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Contracts.Findings.Criteria;

/// <summary>JSON settings for criteria, saved filters and suppression rules: camel case, enums as names.</summary>
public static class FindingCriteriaJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { MaxDepth = 16 };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
