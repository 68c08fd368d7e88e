using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.Settings;

public sealed class S3ListUrlTests
{
    [Theory]
    [InlineData("s3://acme-intel/lists/bad ips.txt", "acme-intel", "lists/bad ips.txt")]
    [InlineData("s3://a.b-c/k", "a.b-c", "k")]
    public void TryParse_Valid_SplitsBucketAndKey(string text, string bucket, string key)
    {
        Assert.True(S3ListUrl.TryParse(text, out var url, out _));
        Assert.Equal(bucket, url.Bucket);
        Assert.Equal(key, url.Key);
        Assert.Equal(text, url.ToString());
    }

    [Theory]
    [InlineData("https://acme-intel.s3.amazonaws.com/list.txt", "s3://bucket/key")]
    [InlineData("s3://acme-intel", "bucket and an object key")]
    [InlineData("s3://acme-intel/", "bucket and an object key")]
    [InlineData("s3://Acme_Intel/list.txt", "not an S3 bucket name")]
    [InlineData("s3://ab/list.txt", "not an S3 bucket name")]
    [InlineData("s3://acme..intel/list.txt", "not an S3 bucket name")]
    [InlineData("s3://acme-intel/a\nb", "control characters")]
    public void TryParse_Invalid_SaysWhy(string text, string reason)
    {
        Assert.False(S3ListUrl.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
