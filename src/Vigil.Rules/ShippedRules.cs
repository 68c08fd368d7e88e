namespace Vigil.Rules;

/// <summary>
/// The example rule files that ship with Vigil and are installed, enabled, for each new tenant:
/// SAML provider metadata update, console sign-in without MFA, access key created for another
/// user, snapshot or AMI shared publicly, flow logs deleted, and GuardDuty detector or list changes.
/// Each file comes with test events: a CloudTrail log file whose record its rule must match
/// (<c>NAME.match.json</c>) and one whose record it must not match (<c>NAME.no-match.json</c>).
/// </summary>
public static class ShippedRules
{
    private const string Prefix = "Vigil.Rules.Shipped.";

    /// <summary>The files by name (such as <c>aws_iam_saml_provider_updated.yml</c>), ordered by name.</summary>
    public static IReadOnlyList<RuleSource> All { get; } = Load();

    /// <summary>Returns the test events shipped with the rule file <paramref name="name"/>: the log text its rules must match and the text they must not match.</summary>
    public static (string Matching, string NonMatching) TestEventsOf(string name)
    {
        var baseName = name.EndsWith(".yml", StringComparison.Ordinal) ? name[..^4] : name;
        return (Read(baseName + ".match.json"), Read(baseName + ".no-match.json"));
    }

    private static List<RuleSource> Load() =>
        [.. typeof(ShippedRules).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(resource => new RuleSource(resource[Prefix.Length..], Read(resource[Prefix.Length..])))];

    private static string Read(string fileName)
    {
        using var stream = typeof(ShippedRules).Assembly.GetManifestResourceStream(Prefix + fileName)
            ?? throw new InvalidOperationException($"The shipped rule resource {fileName} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
