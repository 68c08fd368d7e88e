namespace Vigil.Deployment.Tests.Support;

/// <summary>A systemd EnvironmentFile: NAME=value lines. Lines written as '#NAME=value' are examples left commented out.</summary>
internal static class EnvironmentFile
{
    /// <summary>Returns the active assignments.</summary>
    public static IReadOnlyDictionary<string, string> Active(string path) => Read(path, includeCommented: false);

    /// <summary>Returns the active assignments and the commented-out examples.</summary>
    public static IReadOnlyDictionary<string, string> ActiveAndCommented(string path) => Read(path, includeCommented: true);

    private static Dictionary<string, string> Read(string path, bool includeCommented)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            var commented = line.StartsWith('#');
            if (commented)
            {
                if (!includeCommented)
                {
                    continue;
                }

                line = line[1..];
            }

            // An assignment starts with a bare name, while prose comments have spaces before any '='.
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || line[..equals].Any(character => !char.IsAsciiLetterOrDigit(character) && character != '_'))
            {
                continue;
            }

            result[line[..equals]] = line[(equals + 1)..];
        }

        return result;
    }
}
