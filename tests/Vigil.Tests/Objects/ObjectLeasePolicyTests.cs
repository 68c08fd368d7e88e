using Vigil.Contracts.Storage;

namespace Vigil.Tests.Objects;

public sealed class ObjectLeasePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CanAcquire_NoHolder_True()
    {
        Assert.True(ObjectLeasePolicy.CanAcquire(null, null, "silo-a", Now));
    }

    [Fact]
    public void CanAcquire_OtherHolderUnexpired_False()
    {
        Assert.False(ObjectLeasePolicy.CanAcquire("silo-b", Now.AddTicks(1), "silo-a", Now));
    }

    [Fact]
    public void CanAcquire_OtherHolderExpired_True()
    {
        Assert.True(ObjectLeasePolicy.CanAcquire("silo-b", Now, "silo-a", Now));
        Assert.True(ObjectLeasePolicy.CanAcquire("silo-b", Now.AddSeconds(-1), "silo-a", Now));
    }

    [Fact]
    public void CanAcquire_OwnLease_True()
    {
        Assert.True(ObjectLeasePolicy.CanAcquire("silo-a", Now.AddMinutes(2), "silo-a", Now));
    }

    [Fact]
    public void CanAcquire_OwnerIdsDifferInCase_False()
    {
        Assert.False(ObjectLeasePolicy.CanAcquire("Silo-A", Now.AddMinutes(2), "silo-a", Now));
    }

    [Fact]
    public void RenewalInterval_ThirdOfDuration()
    {
        Assert.Equal(TimeSpan.FromSeconds(40), ObjectLeasePolicy.RenewalInterval(TimeSpan.FromMinutes(2)));
        Assert.Equal(TimeSpan.FromSeconds(1), ObjectLeasePolicy.RenewalInterval(ObjectLeasePolicy.MinDuration));
    }

    [Fact]
    public void Validate_Defaults_Valid()
    {
        var options = new ObjectLeaseOptions();

        Assert.Empty(ObjectLeasePolicy.Validate(options));
        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), options.OwnerId, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultOwnerIds_Differ()
    {
        Assert.NotEqual(new ObjectLeaseOptions().OwnerId, new ObjectLeaseOptions().OwnerId);
    }

    [Theory]
    [InlineData(2.9)]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(3601)]
    public void Validate_DurationOutOfRange_Rejected(double seconds)
    {
        var problems = ObjectLeasePolicy.Validate(new ObjectLeaseOptions { OwnerId = "silo-a", Duration = TimeSpan.FromSeconds(seconds) });

        var problem = Assert.Single(problems);
        Assert.Contains("lease duration", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyOwner_Rejected(string owner)
    {
        var problems = ObjectLeasePolicy.Validate(new ObjectLeaseOptions { OwnerId = owner });

        Assert.Contains("owner id", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LongOwner_Rejected()
    {
        var problems = ObjectLeasePolicy.Validate(new ObjectLeaseOptions { OwnerId = new string('s', ObjectLeasePolicy.MaxOwnerIdLength + 1) });

        Assert.Single(problems);
    }
}
