using System.Text;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Tests.CloudTrail;

/// <summary>The last value of a field, which the readers compare with the next one.</summary>
public sealed class RepeatedTextTests
{
    [Fact]
    public void Matches_EveryLengthAndPosition_ComparesWholeValue()
    {
        // Short values are compared as words read from both ends, which overlap for most lengths,
        // so a change at any one position must still be seen.
        var repeated = new RepeatedText();
        for (var length = 1; length <= 40; length++)
        {
            var value = Encoding.ASCII.GetBytes(new string('v', length));
            repeated.Remember(value, new string('v', length));

            Assert.True(repeated.Matches(value), $"length {length}: the same bytes do not match");
            Assert.Equal(new string('v', length), repeated.Text);
            Assert.False(repeated.Matches(value.AsSpan(0, length - 1)), $"length {length}: a shorter value matches");
            for (var position = 0; position < length; position++)
            {
                var changed = (byte[])value.Clone();
                changed[position] = (byte)'w';
                Assert.False(repeated.Matches(changed), $"length {length}: a change at {position} matches");
            }
        }
    }
}
