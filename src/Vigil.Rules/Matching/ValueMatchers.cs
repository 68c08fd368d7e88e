using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Vigil.Rules.Events;

namespace Vigil.Rules.Matching;

/// <summary>One compiled rule value: decides whether one event value matches it.</summary>
internal interface IValueMatcher
{
    bool IsMatch(FieldValue value, RuleEvent record, RuleMatchCounters counters);
}

/// <summary>A string value with Sigma wildcards, compared case-insensitively unless <c>cased</c> was given.</summary>
internal sealed class WildcardMatcher(WildcardPattern pattern) : IValueMatcher
{
    public WildcardPattern Pattern { get; } = pattern;

    public bool IsMatch(FieldValue value, RuleEvent record, RuleMatchCounters counters) => value.Text is { } text && Pattern.IsMatch(text);
}

/// <summary>
/// A <c>re</c> value. The expression is compiled with <see cref="RegexOptions.NonBacktracking"/>,
/// which runs in time linear in the input, and a match timeout as a second bound. A timeout counts
/// as no match and is counted for the rule, so it can be reported.
/// </summary>
internal sealed class RegexMatcher(Regex regex) : IValueMatcher
{
    /// <summary>Longest time one match may take.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public bool IsMatch(FieldValue value, RuleEvent record, RuleMatchCounters counters)
    {
        if (value.Text is not { } text)
        {
            return false;
        }

        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            counters.RegexTimeouts++;
            return false;
        }
    }
}

/// <summary>A <c>cidr</c> value: the event value is an IP address inside the network.</summary>
internal sealed class CidrMatcher(IPNetwork network) : IValueMatcher
{
    public bool IsMatch(FieldValue value, RuleEvent record, RuleMatchCounters counters)
    {
        if (value.Text is not { } text || !IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6 && network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address = address.MapToIPv4();
        }

        return network.Contains(address);
    }
}

internal enum NumericComparison
{
    LessThan,
    LessOrEqual,
    GreaterThan,
    GreaterOrEqual,
    Equal,
}

/// <summary>An <c>lt</c>, <c>lte</c>, <c>gt</c> or <c>gte</c> value; the event value must be a number or numeric text.</summary>
internal sealed class NumericMatcher(NumericComparison comparison, double bound, TimePart? part) : IValueMatcher
{
    public bool IsMatch(FieldValue value, RuleEvent record, RuleMatchCounters counters)
    {
        if (value.Text is not { } text || value.Kind is FieldValueKind.Boolean or FieldValueKind.Structure)
        {
            return false;
        }

        double number;
        if (part is { } timePart)
        {
            if (!TimeParts.TryExtract(text, timePart, out var extracted))
            {
                return false;
            }

            number = extracted;
        }
        else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        return comparison switch
        {
            NumericComparison.LessThan => number < bound,
            NumericComparison.LessOrEqual => number <= bound,
            NumericComparison.GreaterThan => number > bound,
            NumericComparison.GreaterOrEqual => number >= bound,
            _ => number == bound,
        };
    }
}

/// <summary>A <c>fieldref</c> value: the event value equals a value of the other field.</summary>
internal sealed class FieldReferenceMatcher(string otherField, bool caseSensitive) : IValueMatcher
{
    public bool IsMatch(FieldValue value, RuleEvent record, RuleMatchCounters counters)
    {
        if (value.Text is not { } text)
        {
            return false;
        }

        var comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        foreach (var other in record.Lookup(otherField).Values)
        {
            if (other.Text is { } otherText && string.Equals(text, otherText, comparison))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The date parts that Sigma's time modifiers extract.</summary>
internal enum TimePart
{
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

internal static class TimeParts
{
    public static bool TryExtract(string text, TimePart part, out double number)
    {
        number = 0;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return false;
        }

        var utc = time.UtcDateTime;
        number = part switch
        {
            TimePart.Minute => utc.Minute,
            TimePart.Hour => utc.Hour,
            TimePart.Day => utc.Day,
            TimePart.Week => ISOWeek.GetWeekOfYear(utc),
            TimePart.Month => utc.Month,
            _ => utc.Year,
        };
        return true;
    }
}

/// <summary>Counts kept while one rule set evaluates records; read after a batch.</summary>
public sealed class RuleMatchCounters
{
    /// <summary>Regular-expression matches abandoned at the timeout, counted as no match.</summary>
    public int RegexTimeouts { get; set; }
}
