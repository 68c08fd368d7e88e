using Vigil.Ingestion.Objects;

namespace Vigil.Tests.VpcFlow;

/// <summary>Real flow log samples from the public sample data folder, read only when <c>VIGIL_SHARED_DATA</c> is set.</summary>
public sealed class SharedDataTests
{
    private const long Limit = 64 * 1024 * 1024;

    /// <summary>
    /// Reads every plain text flow log with a header line under <c>vpcflow/</c>, gzip or not. Skipped:
    /// <c>.json</c> files, which are captures of a log pipeline that wrap each line in a JSON event
    /// (the Cribl sample keeps its lines in <c>_raw</c>, and the same lines are delivered next to it
    /// as a <c>.log.gz</c> file), and files without a header, whose first line starts with a digit:
    /// a custom format without a header cannot be read by field name.
    /// </summary>
    [SharedDataFact]
    public async Task SharedData_TextFilesWithHeader_ReadWithoutRejections()
    {
        var folder = Path.Combine(SharedDataFactAttribute.Folder, "vpcflow");
        var read = new List<string>();
        var problems = new List<string>();

        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !await StartsWithHeaderAsync(path))
            {
                continue;
            }

            await using var content = await LogObjectStream.OpenAsync(File.OpenRead(path), Limit, CancellationToken.None);
            var result = await FlowTextRead.StreamAsync(content, Path.GetFileName(path));
            read.Add(Path.GetFileName(path));

            problems.AddRange(result.Rejections.Select(rejection => rejection.ToString()));
            if (result.Summary.Error is not null)
            {
                problems.Add(result.Summary.Error);
            }

            if (result.Records.Count == 0)
            {
                problems.Add($"{path}: no records");
            }
        }

        Assert.NotEmpty(read);
        Assert.Empty(problems);
    }

    private static async Task<bool> StartsWithHeaderAsync(string path)
    {
        await using var content = await LogObjectStream.OpenAsync(File.OpenRead(path), Limit, CancellationToken.None);
        var first = content.ReadByte();
        return first is >= 'a' and <= 'z';
    }
}
