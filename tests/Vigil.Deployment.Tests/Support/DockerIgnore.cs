using System.Text.RegularExpressions;

namespace Vigil.Deployment.Tests.Support;

/// <summary>
/// Matches paths against .dockerignore patterns: '*' and '?' within one path segment, '**' across
/// segments, '!' to include again, the last matching pattern wins, and excluding a folder excludes
/// what is inside it.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude, string Text)> rules = [];

    public DockerIgnore(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var text = (exclude ? line : line[1..]).Trim().Trim('/');
            rules.Add((new Regex("^" + ToRegex(text) + "$"), exclude, text));
        }
    }

    /// <summary>The patterns, without a leading '!' or leading and trailing '/'.</summary>
    public IReadOnlyList<string> Patterns => [.. rules.Select(rule => rule.Text)];

    /// <summary>True when the build context leaves out the path (relative to the context root, '/' separators).</summary>
    public bool Excludes(string path)
    {
        // A path is left out when it or any folder above it is.
        var segments = path.Trim('/').Split('/');
        for (var length = 1; length <= segments.Length; length++)
        {
            if (IsExcludedItself(string.Join('/', segments[..length])))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsExcludedItself(string path)
    {
        var excluded = false;
        foreach (var (pattern, exclude, _) in rules)
        {
            if (pattern.IsMatch(path))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    private static string ToRegex(string pattern)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var character = pattern[i];
            if (character == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of folders, including none.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                builder.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (character == '*')
            {
                builder.Append("[^/]*");
            }
            else if (character == '?')
            {
                builder.Append("[^/]");
            }
            else
            {
                builder.Append(Regex.Escape(character.ToString()));
            }
        }

        return builder.ToString();
    }
}
