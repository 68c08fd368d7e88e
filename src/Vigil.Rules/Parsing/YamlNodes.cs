using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Rules.Parsing;

/// <summary>Helpers over YamlDotNet's node model that raise <see cref="RuleCompileException"/> with the node's position.</summary>
internal static class YamlNodes
{
    public static YamlNode? Child(YamlMappingNode mapping, string key)
    {
        foreach (var (name, value) in mapping.Children)
        {
            if (name is YamlScalarNode { Value: { } text } && string.Equals(text, key, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    public static string KeyText(YamlNode key, string field) =>
        key is YamlScalarNode { Value: { } text } ? text : throw Fail(field, key, "a mapping key must be plain text");

    /// <summary>Returns true for a YAML null: an empty value, <c>null</c> or <c>~</c> written without quotes.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Value is null or "" or "null" or "Null" or "NULL" or "~";

    public static bool IsPlain(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;

    public static string? OptionalText(YamlMappingNode mapping, string key, string field)
    {
        var node = Child(mapping, key);
        if (node is null || IsNull(node))
        {
            return null;
        }

        return node is YamlScalarNode scalar ? scalar.Value : throw Fail(field, node, $"'{key}' must be a single text value");
    }

    public static IReadOnlyList<string> TextList(YamlMappingNode mapping, string key, string field)
    {
        var node = Child(mapping, key);
        if (node is null || IsNull(node))
        {
            return [];
        }

        if (node is YamlScalarNode { Value: { } single })
        {
            return [single];
        }

        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.Select(item => item is YamlScalarNode { Value: { } text } ? text : throw Fail(field, item, $"each item of '{key}' must be text")).ToList();
        }

        throw Fail(field, node, $"'{key}' must be a list of text values");
    }

    public static RuleCompileException Fail(string field, YamlNode node, string message) =>
        new(field, (int)node.Start.Line, (int)node.Start.Column, message);
}
