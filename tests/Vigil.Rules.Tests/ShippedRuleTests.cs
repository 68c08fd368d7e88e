namespace Vigil.Rules.Tests;

/// <summary>The rule files shipped with Vigil, which new tenants get enabled, compile cleanly.</summary>
public sealed class ShippedRuleTests
{
    [Fact]
    public void ShippedRules_CompileWithoutDiagnostics()
    {
        var compilation = RuleSetCompiler.Compile(ShippedRules.All);

        Assert.Equal(6, ShippedRules.All.Count);
        Assert.Empty(compilation.Diagnostics);
        Assert.Contains(ShippedRules.All, file => file.Name == "aws_iam_saml_provider_updated.yml");
    }
}
