using System.Globalization;
using Vigil.Console.Findings;
using Vigil.Contracts.Findings;

namespace Vigil.Console.Tests;

public sealed class FindingExportTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+1+2")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    public async Task Csv_FormulaCell_Neutralised(string hostile)
    {
        var finding = TestFindings.Create("f1", userName: hostile);

        var csv = await WriteCsvAsync(finding);

        // A cell with a quote or carriage return is also enclosed in quotes, with inner quotes doubled.
        var cell = "'" + hostile.Replace("\"", "\"\"", StringComparison.Ordinal);
        Assert.Contains(cell, csv, StringComparison.Ordinal);
        Assert.DoesNotContain("," + hostile, csv, StringComparison.Ordinal);
        Assert.DoesNotContain("\"" + hostile, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_PlainCells_Unchanged()
    {
        var finding = TestFindings.Create("f1", severity: 7.5, userName: "alice");

        var lines = (await WriteCsvAsync(finding)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(string.Join(',', FindingCsvWriter.Header), lines[0]);
        Assert.StartsWith("f1,UnauthorizedAccess:IAMUser/MaliciousIPCaller,7.5,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",alice,", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task JsonLines_OneDocumentPerLine()
    {
        var findings = new[] { TestFindings.Create("f1", userName: "line\nbreak"), TestFindings.Create("f2") };
        using var writer = new StringWriter(CultureInfo.InvariantCulture);

        await FindingJsonLinesWriter.WriteAsync(writer, ToAsync(findings), CancellationToken.None);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("f1", FindingJson.Deserialize(lines[0]).Id);
        Assert.Equal("line\nbreak", FindingJson.Deserialize(lines[0]).Resource.AccessKeyDetails!.UserName);
    }

    private static async Task<string> WriteCsvAsync(Finding finding)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        await FindingCsvWriter.WriteAsync(writer, ToAsync([finding]), CancellationToken.None);
        return writer.ToString();
    }

    private static async IAsyncEnumerable<Finding> ToAsync(IEnumerable<Finding> findings)
    {
        foreach (var finding in findings)
        {
            await Task.Yield();
            yield return finding;
        }
    }
}
