using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// Knows which document paths of <see cref="Finding"/> pass through arrays, from the contract types
/// themselves, so an equality criterion can become a JSON containment document
/// (<c>{"resource":{"accessKeyDetails":{"userName":"alice"}}}</c>) that a GIN index answers.
/// </summary>
public static class FindingDocumentShape
{
    /// <summary>
    /// Returns the containment document for "the value at <paramref name="segments"/> equals
    /// <paramref name="value"/>", or null when the path leaves the typed contract (a dictionary of
    /// objects, an unknown name) or the value cannot have the leaf's JSON type (text for a number).
    /// </summary>
    public static string? Containment(IReadOnlyList<string> segments, string value)
    {
        var type = typeof(Finding);
        var steps = new List<bool>();
        for (var index = 0; index < segments.Count; index++)
        {
            if (IsStringDictionary(type))
            {
                // additionalInfo and affectedResources: the next name is a key with a text value.
                if (index != segments.Count - 1)
                {
                    return null;
                }

                steps.Add(false);
                type = typeof(string);
                break;
            }

            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(candidate => JsonNamingPolicy.CamelCase.ConvertName(candidate.Name) == segments[index]);
            if (property is null)
            {
                return null;
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var element = ListElement(type);
            steps.Add(element is not null);
            type = element ?? type;
        }

        JsonNode? leaf = ToJson(type, value);
        if (leaf is null)
        {
            return null;
        }

        for (var index = segments.Count - 1; index >= 0; index--)
        {
            var node = steps[index] ? new JsonArray(leaf) : leaf;
            leaf = new JsonObject { [segments[index]] = node };
        }

        return leaf.ToJsonString();
    }

    private static JsonNode? ToJson(Type type, string value)
    {
        if (type == typeof(string))
        {
            return JsonValue.Create(value);
        }

        if ((type == typeof(int) || type == typeof(long)) && long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (type == typeof(double) && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        if (type == typeof(bool) && bool.TryParse(value, out var flag))
        {
            return JsonValue.Create(flag);
        }

        return null;
    }

    private static bool IsStringDictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && type.GetGenericArguments()[1] == typeof(string);

    private static Type? ListElement(Type type) =>
        type != typeof(string) && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetGenericArguments()[0]
            : null;
}
