using Vigil.Rules;

namespace Vigil.Cli.Commands;

/// <summary>Finds and reads Sigma rule files: one file, or every <c>.yml</c> and <c>.yaml</c> file below a folder.</summary>
internal static class RuleFiles
{
    /// <summary>Largest rule file read, in bytes; the compiler accepts at most 1 Mi characters of it.</summary>
    private const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Returns the rule sources named by their path relative to <paramref name="path"/>'s folder, or null after writing why.</summary>
    public static IReadOnlyList<RuleSource>? Read(string path, TextWriter error)
    {
        string[] files;
        string root;
        if (File.Exists(path))
        {
            files = [Path.GetFullPath(path)];
            root = Path.GetDirectoryName(files[0])!;
        }
        else if (Directory.Exists(path))
        {
            root = Path.GetFullPath(path);
            files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(file => file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        else
        {
            error.WriteLine($"error: rule path '{path}' not found.");
            return null;
        }

        var sources = new List<RuleSource>();
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(root, file);
            if (new FileInfo(file).Length > MaxFileBytes)
            {
                error.WriteLine($"{name}:1:1: error: the file is larger than {MaxFileBytes} bytes; it was not read.");
                continue;
            }

            sources.Add(new RuleSource(name, File.ReadAllText(file)));
        }

        return sources;
    }
}
