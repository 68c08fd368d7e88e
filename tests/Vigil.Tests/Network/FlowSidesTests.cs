using Vigil.Detection.Network;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Network;

public sealed class FlowSidesTests
{
    [Fact]
    public void PrivateSource_IsLocal()
    {
        Assert.True(FlowSides.TryResolve(Flow(Local, 49152, "203.0.113.5", 443), out var sides));

        Assert.Equal(Local, sides.LocalAddress);
        Assert.Equal("203.0.113.5", sides.RemoteAddress);
        Assert.False(sides.RemoteInitiated);
        Assert.Equal("OUTBOUND", sides.Direction);
    }

    [Fact]
    public void HigherRemotePort_RemoteInitiated()
    {
        Assert.True(FlowSides.TryResolve(Flow("203.0.113.5", 51000, Local, 22), out var sides));

        Assert.True(sides.RemoteInitiated);
        Assert.Equal(22, sides.ServerPort);
    }

    [Fact]
    public void SynAckFromRemote_InstanceInitiated()
    {
        // The remote port is higher, but the SYN-ACK shows that the remote side replied.
        Assert.True(FlowSides.TryResolve(Flow("203.0.113.5", 50000, Local, 40000, tcpFlags: 18), out var sides));

        Assert.False(sides.RemoteInitiated);
    }

    [Fact]
    public void FlowDirectionField_WinsOverAddresses()
    {
        var record = Flow("10.0.2.9", 51000, Local, 22) with { FlowDirection = "ingress" };

        Assert.True(FlowSides.TryResolve(record, out var sides));

        Assert.Equal(Local, sides.LocalAddress);
        Assert.True(sides.RemoteInitiated);
    }

    [Theory]
    [InlineData("10.0.2.9")]
    [InlineData("203.0.113.5")]
    public void SameKindOfAddress_IsUnknown(string destination)
    {
        var source = destination.StartsWith("10.", StringComparison.Ordinal) ? Local : "198.51.100.1";

        Assert.False(FlowSides.TryResolve(Flow(source, 49152, destination, 443), out _));
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("169.254.169.254", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("2001:db8::1", false)]
    [InlineData("8.8.8.8", false)]
    public void IsPublic_ClassifiesRanges(string address, bool isPrivate)
    {
        Assert.Equal(!isPrivate, FlowSides.IsPublic(address));
    }
}
