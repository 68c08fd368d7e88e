using System.Globalization;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// Stealth:IAMUser/PasswordPolicyChange (severity 2, 5 or 8): a successful DeleteAccountPasswordPolicy,
/// or an UpdateAccountPasswordPolicy that leaves the policy weak. AWS ties the severity to how
/// much weaker the policy became but publishes no scale. One event does not show the old policy,
/// so Vigil scores the new policy alone:
/// <list type="bullet">
/// <item>High (8): the policy was deleted, or the minimum length is below 8;</item>
/// <item>Medium (5): the minimum length is 8 to 13, or two or more of the four character-class requirements are off;</item>
/// <item>Low (2): one character-class requirement is off, or password reuse prevention is off;</item>
/// <item>no finding: minimum length 14 or more, all four requirements on, reuse prevention on.</item>
/// </list>
/// UpdateAccountPasswordPolicy replaces the whole policy, and IAM gives an omitted parameter its
/// default (minimum length 6, requirements off, no reuse prevention), so an omitted field scores as that default.
/// The maximum password age is not scored, because forced expiry is no longer advised (NIST SP 800-63B).
/// </summary>
public sealed class PasswordPolicyChangeDetector : ICloudTrailDetector
{
    public const string FindingType = "Stealth:IAMUser/PasswordPolicyChange";

    /// <summary>IAM's minimum password length when UpdateAccountPasswordPolicy omits it.</summary>
    private const int DefaultMinimumLength = 6;

    private static readonly (string Parameter, string Requirement)[] CharacterClasses =
    [
        ("requireSymbols", "symbols"),
        ("requireNumbers", "numbers"),
        ("requireUppercaseCharacters", "upper-case letters"),
        ("requireLowercaseCharacters", "lower-case letters"),
    ];

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.EventSource != "iam.amazonaws.com" || !record.Succeeded)
        {
            return;
        }

        var assessment = record.EventName switch
        {
            "DeleteAccountPasswordPolicy" => new PolicyAssessment(8.0, ["the password policy was deleted"]),
            "UpdateAccountPasswordPolicy" => Assess(record.RequestParametersJson),
            _ => null,
        };
        if (assessment is null)
        {
            return;
        }

        var user = ApiCallFindingFactory.UserNameOf(record.UserIdentity) ?? "(unknown)";
        var title = record.EventName == "DeleteAccountPasswordPolicy"
            ? "The account password policy was deleted."
            : "The account password policy was weakened.";
        var template = new FindingTemplate(
            FindingType,
            assessment.Severity,
            title,
            $"{record.UserIdentity?.Type ?? "A principal"} {user} called {record.EventName}: {string.Join("; ", assessment.Weaknesses)}. A weak password policy lets IAM users set passwords that are easier to guess.");
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template));
    }

    /// <summary>Scores the policy an UpdateAccountPasswordPolicy sets; returns null when it has no weakness.</summary>
    private static PolicyAssessment? Assess(string? requestParameters)
    {
        var weaknesses = new List<string>();
        var minimumLength = MinimumLength(requestParameters);
        if (minimumLength < 14)
        {
            weaknesses.Add($"minimum password length {minimumLength} (below {(minimumLength < 8 ? 8 : 14)})");
        }

        var classesOff = 0;
        foreach (var (parameter, requirement) in CharacterClasses)
        {
            if (JsonFields.TopLevelBoolean(requestParameters, parameter) != true)
            {
                classesOff++;
                weaknesses.Add($"{requirement} not required");
            }
        }

        var reuse = Number(requestParameters, "passwordReusePrevention");
        if (reuse is null or < 1)
        {
            weaknesses.Add("password reuse prevention off");
        }

        if (weaknesses.Count == 0)
        {
            return null;
        }

        var severity = minimumLength < 8 ? 8.0
            : minimumLength < 14 || classesOff >= 2 ? 5.0
            : 2.0;
        return new PolicyAssessment(severity, weaknesses);
    }

    private static long MinimumLength(string? requestParameters) =>
        Number(requestParameters, "minimumPasswordLength") ?? DefaultMinimumLength;

    private static long? Number(string? json, string name)
    {
        var text = JsonFields.TopLevelText(json, name);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? (long)Math.Clamp(Math.Floor(value), -1e9, 1e9)
            : null;
    }

    /// <summary>The severity Vigil gives a password policy change and the weaknesses that set it.</summary>
    private sealed record PolicyAssessment(double Severity, IReadOnlyList<string> Weaknesses);
}
