using YamlDotNet.RepresentationModel;

namespace Vigil.Deployment.Tests.Support;

/// <summary>Navigation over YamlDotNet's representation model by mapping keys.</summary>
internal static class YamlNodes
{
    /// <summary>Returns the node at the path of mapping keys, or null when any step is missing.</summary>
    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Returns the scalar text at the path, or null when it is missing or not a scalar.</summary>
    public static string? Text(this YamlNode node, params string[] path) =>
        node.At(path) is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>Returns the items of the sequence at the path, or none when it is missing.</summary>
    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? [.. sequence.Children] : [];

    /// <summary>Returns the scalar entries of the mapping at the path, or none when it is missing.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(this YamlNode node, params string[] path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.At(path) is YamlMappingNode mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                if (key is YamlScalarNode { Value: { } name } && value is YamlScalarNode scalar)
                {
                    result[name] = scalar.Value ?? string.Empty;
                }
            }
        }

        return result;
    }
}
