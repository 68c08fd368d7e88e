using System.Text.Json;

namespace Vigil.Rules.Events;

/// <summary>Resolves a dotted Sigma field name against a JSON object, visiting every element of arrays on the way.</summary>
internal static class JsonPath
{
    public static FieldLookup Resolve(JsonElement root, string field)
    {
        var segments = field.Split('.');
        var current = new List<JsonElement> { root };
        var next = new List<JsonElement>();
        foreach (var segment in segments)
        {
            next.Clear();
            foreach (var element in current)
            {
                Step(element, segment, next);
                if (next.Count >= RuleEvent.MaxValues)
                {
                    break;
                }
            }

            if (next.Count == 0)
            {
                return FieldLookup.Missing;
            }

            (current, next) = (next, current);
        }

        var values = new List<FieldValue>(current.Count);
        foreach (var element in current)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    values.Add(ValueOf(item));
                    if (values.Count >= RuleEvent.MaxValues)
                    {
                        break;
                    }
                }
            }
            else
            {
                values.Add(ValueOf(element));
            }

            if (values.Count >= RuleEvent.MaxValues)
            {
                break;
            }
        }

        return new FieldLookup(true, values);
    }

    private static void Step(JsonElement element, string name, List<JsonElement> into)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(name, out var property))
            {
                into.Add(property);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var property))
                {
                    into.Add(property);
                    if (into.Count >= RuleEvent.MaxValues)
                    {
                        return;
                    }
                }
            }
        }
    }

    public static FieldValue ValueOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new FieldValue(FieldValueKind.String, element.GetString()),
        JsonValueKind.Number => new FieldValue(FieldValueKind.Number, element.GetRawText()),
        JsonValueKind.True => new FieldValue(FieldValueKind.Boolean, "true"),
        JsonValueKind.False => new FieldValue(FieldValueKind.Boolean, "false"),
        JsonValueKind.Null or JsonValueKind.Undefined => FieldValue.Null,
        _ => new FieldValue(FieldValueKind.Structure, element.GetRawText()),
    };
}
