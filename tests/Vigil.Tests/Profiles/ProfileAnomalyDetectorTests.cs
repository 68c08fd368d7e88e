using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Profiles;
using Vigil.Tests.Detection;

namespace Vigil.Tests.Profiles;

public sealed class ProfileAnomalyDetectorTests : IDisposable
{
    private readonly AnomalyScenario scenario = new();

    /// <summary>Returns the given hour (UTC) of a day counted from the scenario's first day.</summary>
    private static DateTimeOffset Day(int day, int hour = 10) => new DateTimeOffset(AnomalyScenario.Start.Date, TimeSpan.Zero).AddDays(day).AddHours(hour);

    [Fact]
    public void UnseenNetworkAndApi_RaisesTacticFinding()
    {
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21), userAgent: "Boto3/1.34.0", source: AnomalyScenario.Elsewhere));

        var finding = Assert.Single(findings);
        Assert.Equal("Persistence:IAMUser/AnomalousBehavior", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("CreateAccessKey", finding.Service.Action.AwsApiCallAction?.Api);
        Assert.Equal("64666", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.Organization?.Asn);
        Assert.Equal("Example Far Hosting", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.Organization?.AsnOrg);
        Assert.Equal("BR", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.Country?.CountryCode);

        var anomaly = finding.Service.Detection?.Anomaly;
        Assert.NotNull(anomaly);
        var unusual = anomaly.Unusual.Behavior["PRINCIPAL"];
        Assert.Equal("UNSEEN", unusual["API"].ProfileSubtype);
        Assert.Equal(["iam:CreateAccessKey"], unusual["API"].Observations.Text);
        Assert.Equal(["AS64666"], unusual["ASN"].Observations.Text);
        Assert.Equal(["BR"], unusual["COUNTRY"].Observations.Text);
        Assert.Equal(["boto3"], unusual["USER_AGENT"].Observations.Text);

        var usualApis = anomaly.Profiles["PRINCIPAL"]["API"];
        var frequent = Assert.Single(usualApis);
        Assert.Equal("FREQUENT", frequent.ProfileSubtype);
        Assert.Equal(["ec2:DescribeInstances", "s3:ListBuckets"], frequent.Observations.Text);
        Assert.Equal(["AS64500"], Assert.Single(anomaly.Profiles["PRINCIPAL"]["ASN"]).Observations.Text);
        Assert.Equal([9L, 11L], Assert.Single(anomaly.Profiles["PRINCIPAL"]["HOUR_OF_DAY"]).Observations.Number);

        var accountUnusual = anomaly.Unusual.Behavior["ACCOUNT"];
        Assert.Equal("UNSEEN", accountUnusual["ASN"].ProfileSubtype);
    }

    [Theory]
    [InlineData("GetSecretValue", "secretsmanager.amazonaws.com", "CredentialAccess:IAMUser/AnomalousBehavior", 5.0)]
    [InlineData("StopLogging", "cloudtrail.amazonaws.com", "DefenseEvasion:IAMUser/AnomalousBehavior", 5.0)]
    [InlineData("ListRoles", "iam.amazonaws.com", "Discovery:IAMUser/AnomalousBehavior", 2.0)]
    [InlineData("CreateSnapshot", "ec2.amazonaws.com", "Exfiltration:IAMUser/AnomalousBehavior", 8.0)]
    [InlineData("DeleteSecurityGroup", "ec2.amazonaws.com", "Impact:IAMUser/AnomalousBehavior", 8.0)]
    [InlineData("GetFederationToken", "sts.amazonaws.com", "InitialAccess:IAMUser/AnomalousBehavior", 5.0)]
    [InlineData("AttachUserPolicy", "iam.amazonaws.com", "PrivilegeEscalation:IAMUser/AnomalousBehavior", 5.0)]
    public void Tactic_NamesFindingType(string api, string eventSource, string expectedType, double expectedSeverity)
    {
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call(eventSource, api, Day(21), source: AnomalyScenario.Elsewhere));

        var finding = Assert.Single(findings);
        Assert.Equal(expectedType, finding.Type);
        Assert.Equal(expectedSeverity, finding.Severity);
    }

    [Fact]
    public void NewApiFromUsualPlace_RaisesNothing()
    {
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21)));

        Assert.Empty(findings);
    }

    [Fact]
    public void UsualApiFromNewPlace_RaisesNothing()
    {
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), source: AnomalyScenario.Elsewhere));

        Assert.Empty(findings);
    }

    [Fact]
    public void ApiWithoutTactic_RaisesNothing()
    {
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call("ec2.amazonaws.com", "CreateTags", Day(21), source: AnomalyScenario.Elsewhere));

        Assert.Empty(findings);
    }

    [Fact]
    public void LearningPeriod_RaisesNothing()
    {
        scenario.LearnUsualDays(10);

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(11), userAgent: "Boto3/1.34.0", source: AnomalyScenario.Elsewhere));

        Assert.Empty(findings);
    }

    [Fact]
    public void UsualForAccount_RaisesNothing()
    {
        scenario.LearnAccountDays(20, "CreateAccessKey", AnomalyScenario.Elsewhere, "Boto3/1.34.0");
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21), userAgent: "Boto3/1.34.0", source: AnomalyScenario.Elsewhere));

        Assert.Empty(findings);
    }

    [Fact]
    public void AccountUsesApiOnlyElsewhere_StillRaised()
    {
        scenario.LearnAccountDays(20, "CreateAccessKey", AnomalyScenario.Office, "Boto3/1.34.0");
        scenario.LearnAccountDays(20, "ListUsers", AnomalyScenario.Elsewhere, "Boto3/1.34.0");
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21), userAgent: "Boto3/1.34.0", source: AnomalyScenario.Elsewhere));

        var finding = Assert.Single(findings);
        var accountUnusual = finding.Service.Detection!.Anomaly!.Unusual.Behavior["ACCOUNT"];
        Assert.Equal("FREQUENT", accountUnusual["API"].ProfileSubtype);
        Assert.Equal("FREQUENT", accountUnusual["ASN"].ProfileSubtype);
        Assert.Equal("FREQUENT", accountUnusual["USER_AGENT"].ProfileSubtype);
    }

    [Fact]
    public void NetworkKnownToAccountOnly_StillRaised()
    {
        scenario.LearnAccountDays(20, "ListUsers", AnomalyScenario.Elsewhere, "aws-cli/2.15.0");
        scenario.LearnUsualDays(20);

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21), userAgent: "Boto3/1.34.0", source: AnomalyScenario.Elsewhere));

        var finding = Assert.Single(findings);
        var accountUnusual = finding.Service.Detection!.Anomaly!.Unusual.Behavior["ACCOUNT"];
        Assert.Equal("FREQUENT", accountUnusual["ASN"].ProfileSubtype);
        Assert.Equal("UNSEEN", accountUnusual["USER_AGENT"].ProfileSubtype);
        Assert.Equal("UNSEEN", finding.Service.Detection.Anomaly.Unusual.Behavior["PRINCIPAL"]["ASN"].ProfileSubtype);
    }

    [Fact]
    public void Decay_OldNetworkUnseenAgain()
    {
        scenario.LearnUsualDays(20);
        scenario.Apply(scenario.Call("iam.amazonaws.com", "ListUsers", Day(20), source: AnomalyScenario.Elsewhere));
        for (var day = 21; day < 200; day += 7)
        {
            scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(day)));
        }

        Assert.NotEqual(FrequencyClass.Unseen, scenario.Principal.Behavior.Classify(ProfileDimension.Network, "AS64666", Day(60)));
        Assert.Equal(FrequencyClass.Unseen, scenario.Principal.Behavior.Classify(ProfileDimension.Network, "AS64666", Day(200)));

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateUser", Day(200), source: AnomalyScenario.Elsewhere));

        Assert.Equal("Persistence:IAMUser/AnomalousBehavior", Assert.Single(findings).Type);
    }

    [Fact]
    public void Feedback_TeachesUnusualValues()
    {
        scenario.LearnUsualDays(20);
        var first = Assert.Single(scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21), userAgent: "Boto3/1.34.0", source: AnomalyScenario.Elsewhere)));

        Assert.True(scenario.Principal.TryTeach(first.Id));
        Assert.False(scenario.Principal.TryTeach(first.Id));

        var again = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(22), userAgent: "Boto3/1.34.0", source: AnomalyScenario.Elsewhere));

        Assert.Empty(again);
        Assert.False(scenario.Principal.TryTeach("ffffffffffffffffffffffffffffffff"));
    }

    [Fact]
    public void ConsoleSignIns_TooFarApart()
    {
        const string success = """{"ConsoleLogin": "Success"}""";
        var berlin = scenario.Apply(scenario.Call("signin.amazonaws.com", "ConsoleLogin", Day(0, 9), userAgent: "Mozilla/5.0", responseElements: success));
        var sanFrancisco = scenario.Apply(scenario.Call("signin.amazonaws.com", "ConsoleLogin", Day(0, 11), userAgent: "Mozilla/5.0", source: AnomalyScenario.SanFrancisco, responseElements: success));

        Assert.Empty(berlin);
        var finding = Assert.Single(sanFrancisco);
        Assert.Equal("UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("9105", finding.Service.AdditionalInfo?["travel.distanceKm"]);
        Assert.Equal("2", finding.Service.AdditionalInfo?["travel.hours"]);
        Assert.Equal(AnomalyScenario.Office, finding.Service.AdditionalInfo?["travel.previousSourceIp"]);
        Assert.Equal(37.7749, finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.GeoLocation?.Lat);
    }

    [Fact]
    public void ConsoleSignIns_EnoughTimeBetween()
    {
        const string success = """{"ConsoleLogin": "Success"}""";
        scenario.Apply(scenario.Call("signin.amazonaws.com", "ConsoleLogin", Day(0, 9), userAgent: "Mozilla/5.0", responseElements: success));

        var later = scenario.Apply(scenario.Call("signin.amazonaws.com", "ConsoleLogin", Day(1, 9), userAgent: "Mozilla/5.0", source: AnomalyScenario.SanFrancisco, responseElements: success));

        Assert.Empty(later);
    }

    [Fact]
    public void ConsoleSignIns_DisabledWithoutLocation()
    {
        using var withoutLocation = new AnomalyScenario(withLocation: false);
        const string success = """{"ConsoleLogin": "Success"}""";
        withoutLocation.Apply(withoutLocation.Call("signin.amazonaws.com", "ConsoleLogin", Day(0, 9), userAgent: "Mozilla/5.0", responseElements: success));

        var second = withoutLocation.Apply(withoutLocation.Call("signin.amazonaws.com", "ConsoleLogin", Day(0, 10), userAgent: "Mozilla/5.0", source: AnomalyScenario.SanFrancisco, responseElements: success));

        Assert.Empty(second);
        Assert.False(withoutLocation.Enricher.HasLocationDatabase);
    }

    [Fact]
    public void S3_UnusualReadIsExfiltration()
    {
        scenario.LearnUsualDays(20);
        var read = scenario.Call("s3.amazonaws.com", "GetObject", Day(21), source: AnomalyScenario.Elsewhere) with
        {
            EventCategory = "Data",
            ManagementEvent = false,
            RequestParametersJson = """{"bucketName": "payroll-archive", "key": "2024/march.csv"}""",
        };

        var finding = Assert.Single(scenario.Apply(read));

        Assert.Equal("Exfiltration:S3/AnomalousBehavior", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("payroll-archive", finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::S3::Bucket"]);
        Assert.Equal(["payroll-archive"], finding.Service.Detection?.Anomaly?.Unusual.Behavior["PRINCIPAL"]["BUCKET"].Observations.Text);
    }

    [Fact]
    public void InstanceCredentials_UsedOutsideAws()
    {
        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);

        var stolen = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: AnomalyScenario.Elsewhere));
        var home = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: AnomalyScenario.Ec2Address));

        Assert.Equal(AnomalyTypes.InstanceCredentialOutsideAws, Assert.Single(stolen).Type);
        Assert.Equal(8.0, stolen[0].Severity);
        Assert.Empty(home);
    }

    [Fact]
    public void InstanceCredentials_FromOtherAwsAddress()
    {
        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);

        var ownAddress = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: AnomalyScenario.Ec2Address));
        var otherAddress = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21, 11), identity: role, source: "192.0.2.99"));

        Assert.Empty(ownAddress);
        var finding = Assert.Single(otherAddress);
        Assert.Equal(AnomalyTypes.InstanceCredentialInsideAws, finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal("192.0.2.99", finding.Service.Action.AwsApiCallAction?.RemoteIpDetails?.IpAddressV4);
        Assert.Null(finding.Service.Action.AwsApiCallAction?.RemoteAccountDetails?.AccountId);
        Assert.Equal(["aws:192.0.2.99"], finding.Service.Detection?.Anomaly?.Unusual.Behavior["PRINCIPAL"]["INSTANCE_SOURCE"].Observations.Text);
    }

    [Fact]
    public void InstanceCredentials_AwsAddressOfEarlierDayIsKnown()
    {
        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);
        scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(20, 9), identity: role, source: "192.0.2.99"));

        var nextDay = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: "192.0.2.99"));

        Assert.Empty(nextDay);
    }

    [Fact]
    public void InstanceCredentials_AccountsSharedAwsAddressIsQuiet()
    {
        // Another instance role of the account calls from 192.0.2.99 every day, as roles behind one NAT gateway do.
        var other = InstanceRole() with
        {
            PrincipalId = "AROAEXAMPLEROLE00002:i-0fed1234abc567890",
            Arn = "arn:aws:sts::111122223333:assumed-role/batch/i-0fed1234abc567890",
            SessionIssuerArn = "arn:aws:iam::111122223333:role/batch",
            SessionIssuerUserName = "batch",
        };
        for (var day = 0; day < 20; day++)
        {
            var call = scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(day), identity: other, source: "192.0.2.99");
            scenario.Account.Observe(ProfileFeatures.Of(call, scenario.Enricher.Enrich(call.SourceIpAddress)), call.EventTime);
        }

        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);

        var sharedAddress = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: "192.0.2.99"));
        var newAddress = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: "192.0.2.200"));

        Assert.Empty(sharedAddress);
        Assert.Equal(AnomalyTypes.InstanceCredentialInsideAws, Assert.Single(newAddress).Type);
    }

    [Fact]
    public void InstanceCredentials_NoLearnedAwsAddressIsQuiet()
    {
        // A role that only called from an outside network (an on-premises egress) has no AWS address to compare with.
        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Office);

        var findings = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: "192.0.2.99"));

        Assert.Empty(findings);
    }

    [Fact]
    public void InstanceCredentials_DisabledWithoutAwsRanges()
    {
        using var withoutRanges = new AnomalyScenario(withAwsRanges: false);
        var role = InstanceRole();
        withoutRanges.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);

        var stolen = withoutRanges.Apply(withoutRanges.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: AnomalyScenario.Elsewhere));

        Assert.Empty(stolen);
    }

    [Fact]
    public void InstanceCredentials_ThroughEndpointOfOtherAccount()
    {
        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);

        var findings = scenario.Apply(scenario.Call(
            "ec2.amazonaws.com",
            "DescribeInstances",
            Day(21),
            identity: role,
            source: "10.20.0.15",
            rawJson: """{"vpcEndpointId": "vpce-0abc", "vpcEndpointAccountId": "444455556666"}"""));

        var finding = Assert.Single(findings);
        Assert.Equal(AnomalyTypes.InstanceCredentialInsideAws, finding.Type);
        Assert.Equal("444455556666", finding.Service.Action.AwsApiCallAction?.RemoteAccountDetails?.AccountId);
    }

    [Fact]
    public void InstanceCredentials_OtherAccountsEndpointRaisesAgain()
    {
        const string endpoint = """{"vpcEndpointId": "vpce-0abc", "vpcEndpointAccountId": "444455556666"}""";
        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);

        var first = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: "10.20.0.15", rawJson: endpoint));
        var twoWeeksLater = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(35), identity: role, source: "10.20.0.15", rawJson: endpoint));

        Assert.Equal(AnomalyTypes.InstanceCredentialInsideAws, Assert.Single(first).Type);
        Assert.Equal(AnomalyTypes.InstanceCredentialInsideAws, Assert.Single(twoWeeksLater).Type);
        Assert.NotEqual(FrequencyClass.Unseen, scenario.Principal.Behavior.ClassifyAtDayStart(ProfileDimension.InstanceEndpointAccount, "444455556666", Day(35)));
    }

    [Fact]
    public void Burst_LaterCallsFromNewNetworkRaise()
    {
        scenario.LearnUsualDays(20);
        scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21, 9), source: AnomalyScenario.Elsewhere));

        // The network was first used earlier the same day, so it still counts as new for the principal.
        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "ListUsers", Day(21, 11), source: AnomalyScenario.Elsewhere));

        var finding = Assert.Single(findings);
        Assert.Equal("Discovery:IAMUser/AnomalousBehavior", finding.Type);
        Assert.Equal("UNSEEN", finding.Service.Detection!.Anomaly!.Unusual.Behavior["PRINCIPAL"]["ASN"].ProfileSubtype);
    }

    [Fact]
    public void Burst_NetworkOfEarlierDayIsKnown()
    {
        scenario.LearnUsualDays(20);
        scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(20, 9), source: AnomalyScenario.Elsewhere));

        var findings = scenario.Apply(scenario.Call("iam.amazonaws.com", "ListUsers", Day(21, 11), source: AnomalyScenario.Elsewhere));

        Assert.Empty(findings);
    }

    [Fact]
    public void S3_NewBucketWithFrequentApiIsExfiltration()
    {
        for (var day = 0; day < 20; day++)
        {
            Assert.Empty(scenario.Apply(S3Read(Day(day), "team-reports", AnomalyScenario.Office)));
        }

        var findings = scenario.Apply(S3Read(Day(21), "payroll-archive", AnomalyScenario.Elsewhere));
        var ownBucketElsewhere = scenario.Apply(S3Read(Day(22), "team-reports", "192.0.2.99"));

        Assert.Equal("Exfiltration:S3/AnomalousBehavior", Assert.Single(findings).Type);
        Assert.Empty(ownBucketElsewhere);
    }

    [Fact]
    public void Discovery_EverythingFrequentForAccountIsQuiet()
    {
        scenario.LearnAccountDays(20, "ListUsers", AnomalyScenario.Elsewhere, "aws-cli/2.15.0");
        scenario.LearnAccountDays(20, "ListRoles", AnomalyScenario.Office, "aws-cli/2.15.0");
        scenario.LearnUsualDays(20);

        var discovery = scenario.Apply(scenario.Call("iam.amazonaws.com", "ListRoles", Day(21), source: AnomalyScenario.Elsewhere));
        var persistence = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21), source: AnomalyScenario.Elsewhere));

        Assert.Empty(discovery);
        Assert.Equal("Persistence:IAMUser/AnomalousBehavior", Assert.Single(persistence).Type);
    }

    [Fact]
    public void OwnNetwork_ColleaguesApiAndToolIsQuiet()
    {
        // Colleagues call GetFederationToken with a browser every day, but never from the principal's office.
        const string browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36";
        scenario.LearnAccountDays(20, "GetFederationToken", AnomalyScenario.Elsewhere, browser);
        scenario.LearnUsualDays(20);

        var colleaguesHabit = scenario.Apply(scenario.Call("iam.amazonaws.com", "GetFederationToken", Day(21), userAgent: browser));
        var newForAccount = scenario.Apply(scenario.Call("iam.amazonaws.com", "CreateAccessKey", Day(21), userAgent: browser));
        var fromElsewhere = scenario.Apply(scenario.Call("iam.amazonaws.com", "GetFederationToken", Day(21, 12), userAgent: browser, source: AnomalyScenario.SanFrancisco));

        Assert.Empty(colleaguesHabit);
        Assert.Equal("Persistence:IAMUser/AnomalousBehavior", Assert.Single(newForAccount).Type);
        Assert.Equal("InitialAccess:IAMUser/AnomalousBehavior", Assert.Single(fromElsewhere).Type);
    }

    [Fact]
    public void SecondTripDay_ColleaguesApiAndToolIsQuiet()
    {
        // The first day of a trip makes San Francisco a network of the principal. On the second day
        // the principal signs in with a browser for the first time, as colleagues do every day.
        const string browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36";
        using var firstDay = new AnomalyScenario();
        foreach (var trip in new[] { scenario, firstDay })
        {
            trip.LearnAccountDays(20, "GetFederationToken", AnomalyScenario.Elsewhere, browser);
            trip.LearnUsualDays(20);
            Assert.Empty(trip.Apply(trip.Call("ec2.amazonaws.com", "DescribeInstances", Day(20, 9), source: AnomalyScenario.SanFrancisco)));
        }

        var secondDay = scenario.Apply(scenario.Call("iam.amazonaws.com", "GetFederationToken", Day(21), userAgent: browser, source: AnomalyScenario.SanFrancisco));
        var sameDay = firstDay.Apply(firstDay.Call("iam.amazonaws.com", "GetFederationToken", Day(20, 11), userAgent: browser, source: AnomalyScenario.SanFrancisco));

        Assert.Empty(secondDay);
        var finding = Assert.Single(sameDay);
        Assert.Equal("InitialAccess:IAMUser/AnomalousBehavior", finding.Type);
        Assert.Equal("UNSEEN", finding.Service.Detection!.Anomaly!.Unusual.Behavior["PRINCIPAL"]["ASN"].ProfileSubtype);
    }

    [Fact]
    public void Trip_KnownApiAndToolFromNewPlaceIsQuiet()
    {
        // GetSecretValue was called on one day six weeks earlier, so it is rare, not unseen.
        scenario.LearnUsualDays(20);
        Assert.Empty(scenario.Apply(scenario.Call("secretsmanager.amazonaws.com", "GetSecretValue", Day(20, 12))));
        for (var day = 21; day < 60; day++)
        {
            Assert.Empty(scenario.Apply(
                scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(day, 9)),
                scenario.Call("s3.amazonaws.com", "ListBuckets", Day(day, 11))));
        }

        Assert.Equal(FrequencyClass.Rare, scenario.Principal.Behavior.ClassifyAtDayStart(ProfileDimension.Api, "secretsmanager:GetSecretValue", Day(60)));

        var ownTool = scenario.Apply(scenario.Call("secretsmanager.amazonaws.com", "GetSecretValue", Day(60), source: AnomalyScenario.SanFrancisco));
        var newTool = scenario.Apply(scenario.Call("secretsmanager.amazonaws.com", "GetSecretValue", Day(60, 11), userAgent: "Boto3/1.34.0", source: AnomalyScenario.SanFrancisco));
        var newApi = scenario.Apply(scenario.Call("secretsmanager.amazonaws.com", "BatchGetSecretValue", Day(60, 12), source: AnomalyScenario.SanFrancisco));

        Assert.Empty(ownTool);
        Assert.Equal("CredentialAccess:IAMUser/AnomalousBehavior", Assert.Single(newTool).Type);
        Assert.Equal("CredentialAccess:IAMUser/AnomalousBehavior", Assert.Single(newApi).Type);
    }

    [Fact]
    public void InstanceCredentials_OutsideNetworkUsedOnceRaisesAgain()
    {
        var role = InstanceRole();
        scenario.LearnUsualDays(20, role, AnomalyScenario.Ec2Address);

        var first = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(21), identity: role, source: AnomalyScenario.Elsewhere));
        var weekLater = scenario.Apply(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(28), identity: role, source: AnomalyScenario.Elsewhere));

        Assert.Equal(AnomalyTypes.InstanceCredentialOutsideAws, Assert.Single(first).Type);
        Assert.Equal(AnomalyTypes.InstanceCredentialOutsideAws, Assert.Single(weekLater).Type);
    }

    [Fact]
    public void Features_UserAgentFamily()
    {
        Assert.Equal("aws-cli", ProfileFeatures.UserAgentFamily("aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64"));
        Assert.Equal("boto3", ProfileFeatures.UserAgentFamily("[Boto3/1.34.0 md/Botocore#1.34.0]"));
        Assert.Equal("browser", ProfileFeatures.UserAgentFamily("Mozilla/5.0 (X11; Linux x86_64)"));
        Assert.Equal("console.ec2.amazonaws.com", ProfileFeatures.UserAgentFamily("console.ec2.amazonaws.com"));
        Assert.Equal("(none)", ProfileFeatures.UserAgentFamily(null));
        Assert.Equal("scriptalert", ProfileFeatures.UserAgentFamily("<script>alert(x)</script>"));
    }

    [Fact]
    public void Features_InstanceSourceIsAddressInsideAws()
    {
        var ec2 = scenario.Enricher.Enrich(AnomalyScenario.Ec2Address);
        var outside = scenario.Enricher.Enrich(AnomalyScenario.Elsewhere);
        var role = InstanceRole();

        var inside = ProfileFeatures.Of(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(1), identity: role, source: AnomalyScenario.Ec2Address), ec2);
        var fromOutside = ProfileFeatures.Of(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(1), identity: role, source: AnomalyScenario.Elsewhere), outside);
        var user = ProfileFeatures.Of(scenario.Call("ec2.amazonaws.com", "DescribeInstances", Day(1), source: AnomalyScenario.Ec2Address), ec2);

        Assert.Equal("aws:192.0.2.40", inside.InstanceSource);
        Assert.Equal(ec2.NetworkKey, inside.Network);
        Assert.Equal("AS64666", fromOutside.InstanceSource);
        Assert.Null(user.InstanceSource);
        Assert.Equal("aws:192.0.2.40", ProfileFeatures.InstanceSourceKey("::ffff:192.0.2.40", ec2, ec2.NetworkKey));
    }

    [Fact]
    public void Features_InstanceCredentialSession()
    {
        Assert.True(ProfileFeatures.IsInstanceCredential(InstanceRole()));
        Assert.False(ProfileFeatures.IsInstanceCredential(InstanceRole() with { PrincipalId = "AROAEXAMPLEROLE00001:alice@example.com" }));
        Assert.False(ProfileFeatures.IsInstanceCredential(InstanceRole() with { PrincipalId = "AROAEXAMPLEROLE00001:i-0ABC1234" }));
        Assert.False(ProfileFeatures.IsInstanceCredential(TestEvents.Alice));
    }

    public void Dispose() => scenario.Dispose();

    private CloudTrailEvent S3Read(DateTimeOffset time, string bucket, string source) =>
        scenario.Call("s3.amazonaws.com", "GetObject", time, source: source) with
        {
            EventCategory = "Data",
            ManagementEvent = false,
            RequestParametersJson = $$"""{"bucketName": "{{bucket}}", "key": "2024/march.csv"}""",
        };

    private static UserIdentity InstanceRole() => new()
    {
        Type = "AssumedRole",
        PrincipalId = "AROAEXAMPLEROLE00001:i-0abc1234def567890",
        Arn = "arn:aws:sts::111122223333:assumed-role/web-server/i-0abc1234def567890",
        AccountId = TestEvents.Account,
        AccessKeyId = "ASIAEXAMPLEKEY000001",
        SessionIssuerType = "Role",
        SessionIssuerArn = "arn:aws:iam::111122223333:role/web-server",
        SessionIssuerUserName = "web-server",
    };
}
