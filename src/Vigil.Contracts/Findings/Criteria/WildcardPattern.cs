using System.Text;

namespace Vigil.Contracts.Findings.Criteria;

/// <summary>Translates GuardDuty's wildcard patterns (<c>*</c> and <c>?</c>) into SQL LIKE patterns.</summary>
public static class WildcardPattern
{
    /// <summary>The escape character of the produced patterns, which is PostgreSQL's default for LIKE.</summary>
    public const char Escape = '\\';

    /// <summary>
    /// Returns the LIKE pattern of a wildcard pattern: <c>*</c> becomes <c>%</c>, <c>?</c> becomes
    /// <c>_</c>, and the LIKE metacharacters <c>%</c>, <c>_</c> and <c>\</c> of the input are escaped so
    /// they match themselves. LIKE matching takes linear time in the text for any such pattern.
    /// </summary>
    public static string ToLike(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var like = new StringBuilder(pattern.Length + 8);
        foreach (var c in pattern)
        {
            switch (c)
            {
                case '*':
                    like.Append('%');
                    break;
                case '?':
                    like.Append('_');
                    break;
                case '%' or '_' or Escape:
                    like.Append(Escape).Append(c);
                    break;
                default:
                    like.Append(c);
                    break;
            }
        }

        return like.ToString();
    }
}
