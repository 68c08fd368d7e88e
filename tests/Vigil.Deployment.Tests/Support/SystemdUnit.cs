namespace Vigil.Deployment.Tests.Support;

/// <summary>A systemd unit file read into sections of keys, each with every value assigned to it.</summary>
internal sealed class SystemdUnit
{
    private readonly Dictionary<string, Dictionary<string, List<string>>> sections = new(StringComparer.Ordinal);

    public SystemdUnit(IEnumerable<string> lines)
    {
        Dictionary<string, List<string>>? current = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                current = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                sections[line[1..^1]] = current;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (current is null || equals <= 0)
            {
                throw new FormatException($"Line '{line}' of the unit is neither a section header nor a key=value assignment inside a section.");
            }

            var key = line[..equals].Trim();
            if (!current.TryGetValue(key, out var values))
            {
                values = [];
                current[key] = values;
            }

            values.Add(line[(equals + 1)..].Trim());
        }
    }

    public static SystemdUnit Load(string path) => new(File.ReadAllLines(path));

    public bool HasSection(string section) => sections.ContainsKey(section);

    /// <summary>Returns the last value of the key, as systemd applies it, or null when it is not set.</summary>
    public string? Value(string section, string key) =>
        sections.TryGetValue(section, out var keys) && keys.TryGetValue(key, out var values) ? values[^1] : null;

    /// <summary>Returns every value assigned to the key, in file order.</summary>
    public IReadOnlyList<string> Values(string section, string key) =>
        sections.TryGetValue(section, out var keys) && keys.TryGetValue(key, out var values) ? values : [];
}
