using System.Text;
using Vigil.Ingestion;

namespace Vigil.Tests.Text;

/// <summary>The bounded table that lets the readers share one string per repeated value.</summary>
public sealed class Utf8StringCacheTests
{
    [Fact]
    public void Get_SameBytesTwice_SameInstance()
    {
        var cache = new Utf8StringCache();

        var first = cache.Get("us-east-1"u8);
        var second = cache.Get("us-east-1"u8);

        Assert.Equal("us-east-1", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Get_CharsAndBytes_SameText()
    {
        var cache = new Utf8StringCache();

        var fromChars = cache.Get("eni-0a1b2c3d4e5f60001".AsSpan());

        Assert.Equal("eni-0a1b2c3d4e5f60001", fromChars);
        Assert.Same(fromChars, cache.Get("eni-0a1b2c3d4e5f60001".AsSpan()));
        Assert.Equal(fromChars, cache.Get("eni-0a1b2c3d4e5f60001"u8));
    }

    [Fact]
    public void Get_ValueOverLimit_NotKept()
    {
        var cache = new Utf8StringCache();
        var longValue = Encoding.UTF8.GetBytes(new string('a', Utf8StringCache.MaxCachedBytes + 1));

        var first = cache.Get(longValue);
        var second = cache.Get(longValue);

        Assert.Equal(first, second);
        Assert.NotSame(first, second);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Get_ManyDistinctValues_StaysWithinSlots()
    {
        var cache = new Utf8StringCache();

        for (var i = 0; i < Utf8StringCache.Slots * 4; i++)
        {
            var text = $"arn:aws:iam::111122223333:user/user-{i}";
            Assert.Equal(text, cache.Get(Encoding.UTF8.GetBytes(text)));
            Assert.Equal(text, cache.Get(text.AsSpan()));
        }

        Assert.InRange(cache.Count, 1, 2 * Utf8StringCache.Slots);
    }

    [Fact]
    public void Get_Empty_EmptyString()
    {
        var cache = new Utf8StringCache();

        Assert.Same(string.Empty, cache.Get(ReadOnlySpan<byte>.Empty));
        Assert.Same(string.Empty, cache.Get(ReadOnlySpan<char>.Empty));
    }
}
