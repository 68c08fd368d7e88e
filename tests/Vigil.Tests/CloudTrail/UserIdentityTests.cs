using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Tests.Support;

namespace Vigil.Tests.CloudTrail;

/// <summary>Every documented <c>userIdentity</c> type, read from one fixture with one record per type.</summary>
public sealed class UserIdentityTests
{
    private const string Fixture = "identity-types.json";

    [Fact]
    public async Task Reader_IdentityTypes_ReadsEveryRecord()
    {
        var read = await CloudTrailRead.FixtureAsync(Fixture);

        Assert.Equal(12, read.Events.Count);
        Assert.Empty(read.Rejections);
        Assert.Null(read.Summary.Error);
    }

    [Theory]
    [InlineData(0, "Root")]
    [InlineData(1, "IAMUser")]
    [InlineData(2, "AssumedRole")]
    [InlineData(3, "Role")]
    [InlineData(4, "FederatedUser")]
    [InlineData(5, "SAMLUser")]
    [InlineData(6, "WebIdentityUser")]
    [InlineData(7, "AWSAccount")]
    [InlineData(8, "AWSService")]
    [InlineData(9, "Directory")]
    [InlineData(10, "Unknown")]
    public async Task Reader_IdentityType_IsKeptAsWritten(int index, string type)
    {
        var record = await ReadAsync(index);

        Assert.Equal(type, record.UserIdentity?.Type);
    }

    [Theory]
    [InlineData(0, "111122223333/arn:aws:iam::111122223333:root")]
    [InlineData(1, "111122223333/arn:aws:iam::111122223333:user/alice")]
    [InlineData(2, "111122223333/arn:aws:iam::111122223333:role/Deployer")]
    [InlineData(3, "111122223333/arn:aws:iam::111122223333:role/Auditor")]
    [InlineData(4, "111122223333/arn:aws:sts::111122223333:federated-user/bob")]
    [InlineData(5, "111122223333/ExampleSamlIssuer0001=:carol@example.com")]
    [InlineData(6, "111122223333/accounts.example.com:example-app:subject-0001")]
    [InlineData(7, "111122223333/account:444455556666")]
    [InlineData(8, "111122223333/service:cloudtrail.amazonaws.com")]
    [InlineData(9, "111122223333/d-0000000001:dave")]
    [InlineData(10, "111122223333/erin@example.com")]
    [InlineData(11, "111122223333/(no identity)")]
    public async Task PrincipalKey_IdentityType_GivesExpectedKey(int index, string expected)
    {
        var record = await ReadAsync(index);

        Assert.Equal(expected, PrincipalKey.For(record));
    }

    [Fact]
    public async Task Reader_Root_ReadsFields()
    {
        var identity = (await ReadAsync(0)).UserIdentity!;

        Assert.Equal("111122223333", identity.PrincipalId);
        Assert.Equal("arn:aws:iam::111122223333:root", identity.Arn);
        Assert.Equal("111122223333", identity.AccountId);
        Assert.Equal("ASIAEXAMPLEROOT00001", identity.AccessKeyId);
        Assert.True(identity.MfaAuthenticated);
        Assert.Null(identity.SessionIssuerArn);
        Assert.Null(identity.InvokedBy);
    }

    [Fact]
    public async Task Reader_IamUser_ReadsFields()
    {
        var identity = (await ReadAsync(1)).UserIdentity!;

        Assert.Equal("AIDAEXAMPLEUSER00001", identity.PrincipalId);
        Assert.Equal("arn:aws:iam::111122223333:user/alice", identity.Arn);
        Assert.Equal("AKIAEXAMPLEKEY000001", identity.AccessKeyId);
        Assert.Equal("alice", identity.UserName);
        Assert.Null(identity.MfaAuthenticated);
    }

    [Fact]
    public async Task Reader_AssumedRole_ReadsSessionIssuer()
    {
        var identity = (await ReadAsync(2)).UserIdentity!;

        Assert.Equal("AROAEXAMPLEROLE00001:deploy-session", identity.PrincipalId);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/Deployer/deploy-session", identity.Arn);
        Assert.Equal("ASIAEXAMPLESESSION01", identity.AccessKeyId);
        Assert.Equal("Role", identity.SessionIssuerType);
        Assert.Equal("arn:aws:iam::111122223333:role/Deployer", identity.SessionIssuerArn);
        Assert.Equal("Deployer", identity.SessionIssuerUserName);
        Assert.False(identity.MfaAuthenticated);
        Assert.Null(identity.UserName);
    }

    [Fact]
    public async Task Reader_Role_ReadsFields()
    {
        var identity = (await ReadAsync(3)).UserIdentity!;

        Assert.Equal("arn:aws:iam::111122223333:role/Auditor", identity.Arn);
        Assert.Equal("Auditor", identity.UserName);
        Assert.Null(identity.SessionIssuerArn);
    }

    [Fact]
    public async Task Reader_FederatedUser_ReadsIssuingUser()
    {
        var identity = (await ReadAsync(4)).UserIdentity!;

        Assert.Equal("111122223333:bob", identity.PrincipalId);
        Assert.Equal("arn:aws:sts::111122223333:federated-user/bob", identity.Arn);
        Assert.Equal("IAMUser", identity.SessionIssuerType);
        Assert.Equal("arn:aws:iam::111122223333:user/broker", identity.SessionIssuerArn);
        Assert.Equal("broker", identity.SessionIssuerUserName);
    }

    [Fact]
    public async Task Reader_SamlUser_ReadsIdentityProvider()
    {
        var record = await ReadAsync(5);
        var identity = record.UserIdentity!;

        Assert.Equal("carol@example.com", identity.UserName);
        Assert.Equal("ExampleSamlIssuer0001=", identity.IdentityProvider);
        Assert.Null(identity.Arn);
        Assert.Null(identity.AccountId);
        Assert.Equal("111122223333", record.AccountId);
    }

    [Fact]
    public async Task Reader_WebIdentityUser_ReadsIdentityProvider()
    {
        var identity = (await ReadAsync(6)).UserIdentity!;

        Assert.Equal("accounts.example.com:example-app:subject-0001", identity.PrincipalId);
        Assert.Equal("subject-0001", identity.UserName);
        Assert.Equal("accounts.example.com", identity.IdentityProvider);
    }

    [Fact]
    public async Task Reader_AwsAccount_KeepsCallerAccount()
    {
        var record = await ReadAsync(7);

        Assert.Equal("444455556666", record.UserIdentity!.AccountId);
        Assert.Equal("AIDAEXAMPLEOTHER0001", record.UserIdentity.PrincipalId);
        Assert.Equal("111122223333", record.AccountId);
    }

    [Fact]
    public async Task Reader_AwsService_ReadsInvokedBy()
    {
        var record = await ReadAsync(8);

        Assert.Equal("cloudtrail.amazonaws.com", record.UserIdentity!.InvokedBy);
        Assert.Null(record.UserIdentity.Arn);
        Assert.Null(record.UserIdentity.PrincipalId);
        Assert.Equal("cloudtrail.amazonaws.com", record.SourceIpAddress);
    }

    [Fact]
    public async Task Reader_DirectoryAndUnknown_ReadUserName()
    {
        var directory = (await ReadAsync(9)).UserIdentity!;
        var unknown = (await ReadAsync(10)).UserIdentity!;

        Assert.Equal("dave", directory.UserName);
        Assert.Equal("d-0000000001:dave", directory.PrincipalId);
        Assert.Equal("erin@example.com", unknown.UserName);
        Assert.Equal("erin@example.com", unknown.PrincipalId);
    }

    [Fact]
    public async Task Reader_NoIdentity_GivesNull()
    {
        var record = await ReadAsync(11);

        Assert.Null(record.UserIdentity);
        Assert.Equal("111122223333", record.AccountId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(11)]
    public async Task PrincipalGrainKey_IdentityType_IsTenantAndPrincipalKey(int index)
    {
        var record = await ReadAsync(index);

        Assert.Equal("tenant-a/" + PrincipalKey.For(record), PrincipalKey.GrainKeyFor("tenant-a", record));
    }

    [Fact]
    public void PrincipalKey_RootWithoutArn_BuildsRootArn()
    {
        var record = new CloudTrailEvent
        {
            EventId = "root-without-arn",
            EventTime = new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.Zero),
            IngestTime = CloudTrailRead.IngestTime,
            RecipientAccountId = "111122223333",
            UserIdentity = new UserIdentity { Type = "Root", AccountId = "111122223333" },
            RawJson = "{}",
        };

        Assert.Equal("111122223333/arn:aws:iam::111122223333:root", PrincipalKey.For(record));
    }

    [Fact]
    public void PrincipalKey_VeryLongArn_IsBounded()
    {
        var longArn = "arn:aws:iam::111122223333:user/" + new string('u', 2000);
        var record = new CloudTrailEvent
        {
            EventId = "long-arn",
            EventTime = new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.Zero),
            IngestTime = CloudTrailRead.IngestTime,
            RecipientAccountId = "111122223333",
            UserIdentity = new UserIdentity { Type = "IAMUser", Arn = longArn },
            RawJson = "{}",
        };
        var otherRecord = record with { UserIdentity = new UserIdentity { Type = "IAMUser", Arn = longArn + "x" } };

        var key = PrincipalKey.For(record);

        Assert.Equal(PrincipalKey.MaxLength, key.Length);
        Assert.NotEqual(key, PrincipalKey.For(otherRecord));
        Assert.Equal("tenant-a/" + key, PrincipalKey.GrainKeyFor("tenant-a", record));
    }

    private static async Task<CloudTrailEvent> ReadAsync(int index) =>
        (await CloudTrailRead.FixtureAsync(Fixture)).Events[index];
}
