using Vigil.Detection.Profiles;

namespace Vigil.Tests.Profiles;

public sealed class BehaviorProfileTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Classes_FromDaysOfUse()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        for (var day = 0; day < 30; day++)
        {
            profile.Observe(Observation("ec2:DescribeInstances"), Start.AddDays(day));
            if (day % 10 == 0)
            {
                profile.Observe(Observation("iam:ListUsers"), Start.AddDays(day));
            }
        }

        profile.Observe(Observation("iam:GetUser"), Start.AddDays(1));
        var at = Start.AddDays(30);

        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Api, "ec2:DescribeInstances", at));
        Assert.Equal(FrequencyClass.Infrequent, profile.Classify(ProfileDimension.Api, "iam:ListUsers", at));
        Assert.Equal(FrequencyClass.Rare, profile.Classify(ProfileDimension.Api, "iam:GetUser", at));
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(ProfileDimension.Api, "iam:CreateUser", at));
        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Network, "AS64500", at));
        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.ApiNetwork, ProfileObservation.CombinationKey("ec2:DescribeInstances", "AS64500"), at));
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(ProfileDimension.ApiNetwork, ProfileObservation.CombinationKey("ec2:DescribeInstances", "AS64501"), at));
    }

    [Fact]
    public void Classes_YoungProfile_OneDayNotFrequent()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        profile.Observe(Observation("ec2:DescribeInstances"), Start);
        profile.Observe(Observation("ec2:DescribeInstances"), Start.AddDays(1));
        profile.Observe(Observation("iam:ListUsers"), Start.AddDays(1));
        var at = Start.AddDays(1);

        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Api, "ec2:DescribeInstances", at));
        Assert.Equal(FrequencyClass.Infrequent, profile.Classify(ProfileDimension.Api, "iam:ListUsers", at));

        // The console's profile page shows the classes that Top returns.
        var top = profile.Top(ProfileDimension.Api, at, 10);
        Assert.Equal(FrequencyClass.Frequent, Assert.Single(top, value => value.Value == "ec2:DescribeInstances").Class);
        Assert.Equal(FrequencyClass.Infrequent, Assert.Single(top, value => value.Value == "iam:ListUsers").Class);
    }

    [Fact]
    public void Classes_OneDayProfile_NoneFrequent()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        profile.Observe(Observation("ec2:DescribeInstances"), Start);
        profile.Observe(Observation("iam:ListUsers", "AS64501"), Start.AddHours(3));

        var top = profile.Top(ProfileDimension.Api, Start, 10).Concat(profile.Top(ProfileDimension.Network, Start, 10)).ToList();

        Assert.Equal(4, top.Count);
        Assert.All(top, value => Assert.Equal(FrequencyClass.Infrequent, value.Class));
    }

    [Fact]
    public void Classes_NoLearningPeriod_OwnDaysOnly()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default with { LearningPeriod = TimeSpan.Zero });
        profile.Observe(Observation("iam:ListUsers"), Start);

        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Api, "iam:ListUsers", Start));
    }

    [Fact]
    public void Events_CountedOncePerDay()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        for (var call = 0; call < 500; call++)
        {
            profile.Observe(Observation("s3:ListBuckets"), Start.AddMinutes(call));
        }

        var daily = new BehaviorProfile(ProfileOptions.Default);
        daily.Observe(Observation("s3:ListBuckets"), Start);

        Assert.Equal(500, profile.EventCount);
        Assert.Equal(1, profile.ActiveDays);
        Assert.Equal(
            daily.Top(ProfileDimension.Api, Start.AddDays(20), 1)[0],
            profile.Top(ProfileDimension.Api, Start.AddDays(20), 1)[0]);
    }

    [Fact]
    public void Learning_NeedsPeriodAndActiveDays()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        profile.Observe(Observation("sts:GetCallerIdentity"), Start);
        profile.Observe(Observation("sts:GetCallerIdentity"), Start.AddDays(20));

        Assert.True(profile.IsLearning(Start.AddDays(13)));
        Assert.True(profile.IsLearning(Start.AddDays(20)));

        profile.Observe(Observation("sts:GetCallerIdentity"), Start.AddDays(21));

        Assert.False(profile.IsLearning(Start.AddDays(21)));
        Assert.Equal(3, profile.ActiveDays);
    }

    [Fact]
    public void Decay_OldBehaviourBecomesUnseen()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        for (var day = 0; day < 5; day++)
        {
            profile.Observe(Observation("rds:DescribeDBInstances"), Start.AddDays(day));
        }

        var soon = Start.AddDays(10);
        var muchLater = Start.AddDays(250);

        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Api, "rds:DescribeDBInstances", soon));
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(ProfileDimension.Api, "rds:DescribeDBInstances", muchLater));
        Assert.Empty(profile.Top(ProfileDimension.Api, muchLater, 10));

        profile.Prune(muchLater);

        Assert.Equal(0, profile.CountOf(ProfileDimension.Api));
    }

    [Fact]
    public void Prune_SameDay_DropsOldEventCountedSince()
    {
        // A half-life of 30 days fades a single day of use below the forget weight of 0.1 after 100 days.
        var profile = new BehaviorProfile(ProfileOptions.Default);
        var today = Start.AddDays(200);
        profile.Observe(Observation("ec2:DescribeInstances"), today);
        profile.Prune(today);
        Assert.Equal(1, profile.CountOf(ProfileDimension.Api));

        // An event from long ago arrives after the day was pruned: its value has faded already.
        profile.Observe(Observation("s3:ListBuckets"), Start);
        Assert.Equal(2, profile.CountOf(ProfileDimension.Api));

        profile.Prune(today);

        Assert.Equal(1, profile.CountOf(ProfileDimension.Api));
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(ProfileDimension.Api, "s3:ListBuckets", today));
    }

    [Fact]
    public void Prune_LaterDay_DropsValuesFadedSince()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        profile.Observe(Observation("ec2:DescribeInstances"), Start);
        profile.Prune(Start.AddDays(50));
        Assert.Equal(1, profile.CountOf(ProfileDimension.Api));

        profile.Prune(Start.AddDays(20));
        Assert.Equal(1, profile.CountOf(ProfileDimension.Api));

        profile.Prune(Start.AddDays(150));
        Assert.Equal(0, profile.CountOf(ProfileDimension.Api));
    }

    [Fact]
    public void Prune_AfterRollBack_DropsRestoredFadedValue()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        var today = Start.AddDays(200);

        // A value counted long ago and not pruned yet, then a prune on a day before it fades.
        profile.Observe(Observation("s3:ListBuckets"), Start);
        profile.Prune(Start.AddDays(10));

        // A recording prunes on today and is rolled back, so the faded value is back.
        profile.BeginChanges();
        profile.Prune(today);
        Assert.Equal(0, profile.CountOf(ProfileDimension.Api));
        profile.RollBackChanges();
        Assert.Equal(1, profile.CountOf(ProfileDimension.Api));

        profile.Prune(today);

        Assert.Equal(0, profile.CountOf(ProfileDimension.Api));
    }

    [Fact]
    public void Bound_DropsLeastUsefulValue()
    {
        var options = ProfileOptions.Default with { MaxApiEntries = 4 };
        var profile = new BehaviorProfile(options);
        for (var day = 0; day < 20; day++)
        {
            profile.Observe(Observation("ec2:DescribeInstances"), Start.AddDays(day));
            profile.Observe(Observation("s3:ListBuckets"), Start.AddDays(day));
        }

        for (var once = 0; once < 10; once++)
        {
            profile.Observe(Observation($"iam:OneOff{once}"), Start.AddDays(20 + once));
        }

        var at = Start.AddDays(30);

        Assert.Equal(4, profile.CountOf(ProfileDimension.Api));
        Assert.Equal(4, profile.CountOf(ProfileDimension.ApiNetwork));
        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Api, "ec2:DescribeInstances", at));
        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Api, "s3:ListBuckets", at));
        Assert.NotEqual(FrequencyClass.Unseen, profile.Classify(ProfileDimension.Api, "iam:OneOff9", at));
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(ProfileDimension.Api, "iam:OneOff0", at));
    }

    [Fact]
    public void Serialisation_KeepsClassesAndStaysSmall()
    {
        var profile = new PrincipalProfile(ProfileOptions.Default);
        for (var day = 0; day < 30; day++)
        {
            for (var api = 0; api < 40; api++)
            {
                if ((day + api) % 3 == 0)
                {
                    profile.Behavior.Observe(Observation($"ec2:DescribeThing{api}", network: $"AS{64500 + (api % 5)}"), Start.AddDays(day).AddHours(api % 8));
                }
            }
        }

        profile.LastEventTime = Start.AddDays(29);
        profile.LastSignIn = new SignInRecord(Start.AddDays(29), 52.52, 13.40, "DE", "Berlin", "198.51.100.7");
        profile.RememberAnomaly("0123456789abcdef0123456789abcdef", new ProfileObservation("iam:CreateUser", "AS64999", null, "boto3", null));
        var at = Start.AddDays(30);

        var bytes = profile.Serialize();
        var copy = PrincipalProfile.Deserialize(bytes, ProfileOptions.Default);

        Assert.True(bytes.Length < 8 * 1024, $"serialised profile is {bytes.Length} bytes");
        Assert.Equal(profile.Behavior.EventCount, copy.Behavior.EventCount);
        Assert.Equal(profile.Behavior.ActiveDays, copy.Behavior.ActiveDays);
        Assert.Equal(profile.Behavior.Top(ProfileDimension.Api, at, 50), copy.Behavior.Top(ProfileDimension.Api, at, 50));
        Assert.Equal(profile.Behavior.Top(ProfileDimension.ApiNetwork, at, 200), copy.Behavior.Top(ProfileDimension.ApiNetwork, at, 200));
        Assert.Equal(profile.Behavior.HourWeights(at), copy.Behavior.HourWeights(at), (left, right) => Math.Abs(left - right) < 0.01);
        Assert.Equal(profile.LastSignIn, copy.LastSignIn);
        Assert.Equal(profile.LastEventTime, copy.LastEventTime);
        Assert.Equal(["0123456789abcdef0123456789abcdef"], copy.RememberedFindingIds);
    }

    [Fact]
    public void Deserialise_RejectsOtherVersion()
    {
        var error = Assert.Throws<InvalidDataException>(() => PrincipalProfile.Deserialize([9, 1, 2], ProfileOptions.Default));

        Assert.Contains("version 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialise_RejectsTruncatedData()
    {
        var profile = new PrincipalProfile(ProfileOptions.Default);
        profile.Behavior.Observe(Observation("iam:ListUsers"), Start);
        var bytes = profile.Serialize();

        Assert.Throws<InvalidDataException>(() => PrincipalProfile.Deserialize(bytes[..(bytes.Length / 2)], ProfileOptions.Default));
    }

    [Fact]
    public void Teach_MakesValueExpected()
    {
        var profile = new BehaviorProfile(ProfileOptions.Default);
        for (var day = 0; day < 20; day++)
        {
            profile.Observe(Observation("ec2:DescribeInstances"), Start.AddDays(day));
        }

        var at = Start.AddDays(20);
        profile.Teach(new ProfileObservation("iam:CreateAccessKey", "AS64999", null, null, null), at);

        Assert.Equal(FrequencyClass.Infrequent, profile.Classify(ProfileDimension.Api, "iam:CreateAccessKey", at));
        Assert.Equal(FrequencyClass.Infrequent, profile.Classify(ProfileDimension.Network, "AS64999", at));
        Assert.Equal(FrequencyClass.Frequent, profile.Classify(ProfileDimension.Api, "ec2:DescribeInstances", at));
    }

    [Fact]
    public void Options_DefaultsAreValid()
    {
        Assert.Empty(ProfileOptions.Default.Validate());
        Assert.Contains(
            ProfileOptions.Default.Validate().Concat((ProfileOptions.Default with { HalfLife = TimeSpan.Zero }).Validate()),
            problem => problem.StartsWith("HalfLife", StringComparison.Ordinal));
    }

    private static ProfileObservation Observation(string api, string network = "AS64500") =>
        new(api, network, "DE", "aws-cli", "IAMUser");
}
