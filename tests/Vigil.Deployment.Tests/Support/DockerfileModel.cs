using System.Text.RegularExpressions;

namespace Vigil.Deployment.Tests.Support;

/// <summary>One Dockerfile instruction, with continuation lines joined and comment lines removed.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>One build stage: its FROM image, its name after AS, and its instructions after FROM.</summary>
internal sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) =>
        Instructions.Where(instruction => instruction.Keyword == keyword);
}

/// <summary>
/// A small Dockerfile reader, enough to check stages and instructions. It joins lines that end in a
/// backslash and drops full-line comments, but it does not expand ARG or ENV values.
/// </summary>
internal static partial class DockerfileModel
{
    public static IReadOnlyList<DockerStage> ReadStages(string path)
    {
        var stages = new List<DockerStage>();
        string? image = null;
        string? name = null;
        var instructions = new List<DockerInstruction>();
        foreach (var instruction in ReadInstructions(File.ReadAllLines(path)))
        {
            if (instruction.Keyword != "FROM")
            {
                instructions.Add(instruction);
                continue;
            }

            if (image is not null)
            {
                stages.Add(new DockerStage(image, name, instructions));
            }

            var match = FromPattern().Match(instruction.Arguments);
            image = match.Groups["image"].Value;
            name = match.Groups["name"].Success ? match.Groups["name"].Value : null;
            instructions = [];
        }

        if (image is not null)
        {
            stages.Add(new DockerStage(image, name, instructions));
        }

        return stages;
    }

    /// <summary>Returns the source paths of a COPY or ADD instruction, without its --flags and destination.</summary>
    public static IReadOnlyList<string> CopySources(DockerInstruction copy)
    {
        var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(word => !word.StartsWith("--", StringComparison.Ordinal))
            .ToList();
        return words.Count < 2 ? [] : words[..^1];
    }

    /// <summary>Returns the value of a flag such as <c>--from=build</c>, or null.</summary>
    public static string? Flag(DockerInstruction instruction, string flag)
    {
        var prefix = "--" + flag + "=";
        var word = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(item => item.StartsWith(prefix, StringComparison.Ordinal));
        return word?[prefix.Length..];
    }

    /// <summary>Returns the variable names that ENV instructions set, in both the KEY=value and the KEY value forms.</summary>
    public static IReadOnlyList<string> EnvironmentNames(DockerStage stage)
    {
        var names = new List<string>();
        foreach (var instruction in stage.All("ENV"))
        {
            if (!instruction.Arguments.Contains('=', StringComparison.Ordinal))
            {
                names.Add(instruction.Arguments.Split(' ', 2)[0]);
                continue;
            }

            // The KEY=value form: one assignment per word (the values here contain no spaces or quotes).
            names.AddRange(instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(word => EnvAssignmentPattern().Match(word))
                .Where(match => match.Success)
                .Select(match => match.Groups["name"].Value));
        }

        return names;
    }

    private static List<DockerInstruction> ReadInstructions(string[] lines)
    {
        var instructions = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].TrimEnd() + " ";
                continue;
            }

            var text = (pending + line).Trim();
            pending = "";
            if (text.Length == 0)
            {
                continue;
            }

            var parts = text.Split(' ', 2);
            instructions.Add(new DockerInstruction(parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : ""));
        }

        return instructions;
    }

    [GeneratedRegex(@"^(?<image>\S+)(\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex EnvAssignmentPattern();
}
