using System.Text;
using Vigil.Contracts.Text;

namespace Vigil.Tests.Text;

public sealed class DeferredTextTests
{
    [Fact]
    public void FromUtf8_ArraySlice_DecodesSlice()
    {
        var bytes = Encoding.UTF8.GetBytes("xx\"F285-AB\"yy");

        var text = DeferredText.FromUtf8(bytes.AsMemory(3, 7));

        Assert.Equal("F285-AB", text.ToString());
    }

    [Fact]
    public void Equals_BothForms_ComparesText()
    {
        var bytes = Encoding.UTF8.GetBytes("F285F285");
        var first = DeferredText.FromUtf8(bytes.AsMemory(0, 4));
        var second = DeferredText.FromUtf8(bytes.AsMemory(4, 4));
        var asString = new DeferredText("F285");
        var other = new DeferredText("F286");

        Assert.True(first.Equals(second));
        Assert.True(first.Equals(asString));
        Assert.True(asString.Equals(first));
        Assert.False(first.Equals(other));
        Assert.False(other.Equals(second));
        Assert.Equal(asString.GetHashCode(), first.GetHashCode());
        Assert.Equal(second.GetHashCode(), first.GetHashCode());
    }

    [Fact]
    public void Equals_NullAndEmpty_Distinct()
    {
        var none = new DeferredText(null);
        var empty = new DeferredText(string.Empty);
        var emptyBytes = DeferredText.FromUtf8(ReadOnlyMemory<byte>.Empty);

        Assert.Null(none.ToString());
        Assert.Null(default(DeferredText).ToString());
        Assert.Equal(string.Empty, empty.ToString());
        Assert.Equal(string.Empty, emptyBytes.ToString());
        Assert.True(empty.Equals(emptyBytes));
        Assert.False(none.Equals(empty));
        Assert.True(none.Equals(default));
    }
}
