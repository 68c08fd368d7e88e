using Vigil.Console.Sources;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class SourceValidatorTests
{
    [Theory]
    [InlineData("org-trail-logs")]
    [InlineData("abc")]
    [InlineData("logs.example.com")]
    [InlineData("a1-b2.c3")]
    public void BucketName_Valid(string bucket) => Assert.Null(SourceValidator.BucketNameError(bucket));

    [Theory]
    [InlineData("ab", "3 to 63")]
    [InlineData("Upper-Case", "lower-case letters")]
    [InlineData("under_score", "lower-case letters")]
    [InlineData("-starts-with-dash", "start and end with a letter or digit")]
    [InlineData("ends-with-dot.", "start and end with a letter or digit")]
    [InlineData("two..periods", "two adjacent periods")]
    [InlineData("192.168.5.4", "IP address")]
    [InlineData("xn--bucket", "starts with 'xn--'")]
    [InlineData("sthree-bucket", "starts with 'sthree-'")]
    [InlineData("amzn-s3-demo-bucket", "starts with 'amzn-s3-demo-'")]
    [InlineData("bucket-s3alias", "ends with '-s3alias'")]
    [InlineData("bucket--ol-s3", "ends with '--ol-s3'")]
    [InlineData("bucket.mrap", "ends with '.mrap'")]
    [InlineData("bucket--x-s3", "ends with '--x-s3'")]
    [InlineData("bucket--table-s3", "ends with '--table-s3'")]
    [InlineData("", "required")]
    public void BucketName_Invalid(string bucket, string expected) =>
        Assert.Contains(expected, SourceValidator.BucketNameError(bucket), StringComparison.Ordinal);

    [Fact]
    public void BucketName_64Characters_Invalid() =>
        Assert.Contains("3 to 63", SourceValidator.BucketNameError(new string('a', 64)), StringComparison.Ordinal);

    [Theory]
    [InlineData("12345678901", "exactly 12 digits")]
    [InlineData("1234567890123", "exactly 12 digits")]
    [InlineData("12345678901a", "exactly 12 digits")]
    public void AccountId_Invalid(string account, string expected)
    {
        var errors = SourceValidator.Validate(Firehose(account));

        Assert.Contains(expected, Assert.Single(errors["accountIds"]), StringComparison.Ordinal);
    }

    [Fact]
    public void AccountIds_DuplicateAndMissing()
    {
        var duplicate = SourceValidator.Validate(Firehose("111122223333", "111122223333"));
        var missing = SourceValidator.Validate(Firehose());

        Assert.Contains("more than once", Assert.Single(duplicate["accountIds"]), StringComparison.Ordinal);
        Assert.Contains("at least one", Assert.Single(missing["accountIds"]), StringComparison.Ordinal);
    }

    [Fact]
    public void ValidFirehose_NoErrors() => Assert.Empty(SourceValidator.Validate(Firehose("111122223333")));

    [Theory]
    [InlineData("us-east-1", null)]
    [InlineData("us-gov-west-1", null)]
    [InlineData("cn-north-1", null)]
    [InlineData("ap-southeast-4", null)]
    [InlineData("useast1", "region code")]
    [InlineData("US-EAST-1", "region code")]
    public void Region_Checked(string region, string? expected)
    {
        var errors = SourceValidator.Validate(new SourceInput { Name = "s3", Kind = "S3Listing", AccountIds = ["111122223333"], Bucket = "logs-bucket", Region = region });

        AssertFieldError(errors, "region", expected);
    }

    [Theory]
    [InlineData("https://s3.example.net:9000", null)]
    [InlineData("http://127.0.0.1:9000", null)]
    [InlineData("s3.example.net", "not an absolute http or https URL")]
    [InlineData("ftp://s3.example.net", "not an absolute http or https URL")]
    [InlineData("https://user:secret@s3.example.net", "user name or password")]
    [InlineData("https://s3.example.net/?x=1", "query or fragment")]
    public void ServiceUrl_Checked(string url, string? expected)
    {
        var errors = SourceValidator.Validate(new SourceInput { Name = "s3", Kind = "S3Listing", AccountIds = ["111122223333"], Bucket = "logs-bucket", ServiceUrl = url });

        AssertFieldError(errors, "serviceUrl", expected);
    }

    [Theory]
    [InlineData("https://sqs.us-east-1.amazonaws.com/123456789012/vigil-events", null)]
    [InlineData("https://sqs.us-east-1.amazonaws.com/123456789012/vigil-events.fifo", null)]
    [InlineData("http://127.0.0.1:9324/000000000000/local-queue", null)]
    [InlineData("http://127.0.0.1:9324/queue/local-queue", null)]
    [InlineData("https://sqs.us-east-1.amazonaws.com/vigil-events", "does not end with a queue name")]
    [InlineData("https://sqs.us-east-1.amazonaws.com/123456789012/bad name", "does not end with a queue name")]
    [InlineData("", "required")]
    [InlineData("sqs://queue", "not an absolute http or https URL")]
    public void QueueUrl_Checked(string url, string? expected)
    {
        var errors = SourceValidator.Validate(new SourceInput { Name = "sqs", Kind = "S3Notifications", AccountIds = ["111122223333"], Bucket = "logs-bucket", QueueUrl = url });

        AssertFieldError(errors, "queueUrl", expected);
    }

    [Theory]
    [InlineData("/var/log/aws", null)]
    [InlineData("relative/path", "not an absolute path")]
    [InlineData("", "required")]
    public void Folder_Checked(string folder, string? expected)
    {
        var errors = SourceValidator.Validate(new SourceInput { Name = "folder", Kind = "Folder", AccountIds = ["111122223333"], Folder = folder });

        AssertFieldError(errors, "folder", expected);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("Kinesis", "not a source kind")]
    [InlineData("7", "not a source kind")]
    public void Kind_Checked(string? kind, string expected)
    {
        var errors = SourceValidator.Validate(new SourceInput { Name = "x", Kind = kind, AccountIds = ["111122223333"] });

        Assert.Contains(expected, Assert.Single(errors["kind"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Name_ControlCharacterAndLength()
    {
        var control = SourceValidator.Validate(Firehose("111122223333") with { Name = "bad\nname" });
        var tooLong = SourceValidator.Validate(Firehose("111122223333") with { Name = new string('n', SourceValidator.MaxNameLength + 1) });

        Assert.Contains("control character", Assert.Single(control["name"]), StringComparison.Ordinal);
        Assert.Contains("at most 100", Assert.Single(tooLong["name"]), StringComparison.Ordinal);
    }

    [Fact]
    public void ToDefinition_KeepsOnlyFieldsOfKind()
    {
        var input = new SourceInput
        {
            Name = "  flows  ",
            Kind = "firehose",
            AccountIds = [" 111122223333 ", "111122223333"],
            Bucket = "ignored-bucket",
            Folder = "/ignored",
            FlowLogFormat = " ${version} ${account-id} ",
        };

        var source = SourceValidator.ToDefinition(input, Guid.NewGuid(), "tenant-a", "hash", DateTimeOffset.UnixEpoch, "admin1");

        Assert.Equal("flows", source.Name);
        Assert.Equal(SourceKind.Firehose, source.Kind);
        Assert.Equal(["111122223333"], source.AccountIds);
        Assert.Null(source.Bucket);
        Assert.Null(source.Folder);
        Assert.Equal("${version} ${account-id}", source.FlowLogFormat);
        Assert.Equal("hash", source.AccessKeySha256);
    }

    private static SourceInputRecord Firehose(params string[] accounts) => new("flows", accounts);

    private static void AssertFieldError(Dictionary<string, string[]> errors, string field, string? expected)
    {
        if (expected is null)
        {
            Assert.False(errors.ContainsKey(field), errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : "");
        }
        else
        {
            Assert.Contains(expected, Assert.Single(errors[field]), StringComparison.Ordinal);
        }
    }

    /// <summary>A Firehose input as a record, so a test can change one field with <c>with</c>.</summary>
    private sealed record SourceInputRecord(string Name, string[] Accounts)
    {
        public static implicit operator SourceInput(SourceInputRecord record) =>
            new() { Name = record.Name, Kind = "Firehose", AccountIds = record.Accounts };
    }
}
