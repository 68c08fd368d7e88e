namespace Vigil.Rules;

/// <summary>
/// The example rule files that ship with Vigil and are installed, enabled, for each new tenant:
/// SAML provider metadata update, console sign-in without MFA, access key created for another
/// user, snapshot or AMI shared publicly, flow logs deleted, and GuardDuty detector or list changes.
/// </summary>
public static class ShippedRules
{
    private const string Prefix = "Vigil.Rules.Shipped.";

    /// <summary>The files by name (such as <c>aws_iam_saml_provider_updated.yml</c>), ordered by name.</summary>
    public static IReadOnlyList<RuleSource> All { get; } = Load();

    private static List<RuleSource> Load()
    {
        var assembly = typeof(ShippedRules).Assembly;
        var files = new List<RuleSource>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            files.Add(new RuleSource(resource[Prefix.Length..], reader.ReadToEnd()));
        }

        return files;
    }
}
