using Vigil.Detection.Profiles;

namespace Vigil.Detection.Endpoints;

/// <summary>A feature of a network endpoint's traffic that its profile counts.</summary>
public enum EndpointDimension : byte
{
    /// <summary>Server port of a connection the endpoint opened to a public address, as <c>tcp/443</c>.</summary>
    RemotePort = 0,

    /// <summary>Public address the endpoint exchanged traffic with.</summary>
    Peer = 1,

    /// <summary>Public address the endpoint sent DNS (port 53) queries to.</summary>
    DnsResolver = 2,

    /// <summary>Public DNS-over-HTTPS server address the endpoint connected to on port 443.</summary>
    DohServer = 3,

    /// <summary>Public address the endpoint connected to on the DNS-over-TLS port 853.</summary>
    DotServer = 4,

    /// <summary>Registrable domain the endpoint queried through the VPC resolver.</summary>
    Domain = 5,
}

/// <summary>One value of an endpoint profile: its decayed weight, the last and first day it was used (UTC day numbers).</summary>
internal struct EndpointEntry
{
    public float Weight;
    public int LastDay;
    public int FirstDay;

    /// <summary>Outbound bytes to a peer on <see cref="LastDay"/>; only the peer dimension uses it.</summary>
    public double DayBytes;

    /// <summary>Day on which a volume finding was last raised for a peer, so it is raised once a day.</summary>
    public int VolumeRaisedDay;
}

/// <summary>A profiled value with its class, for evidence.</summary>
public readonly record struct EndpointProfiledValue(string Value, FrequencyClass Class);

/// <summary>A profiled value for the console: its class, decayed days of use a month, its newest day and, for a peer, the outbound bytes of that day.</summary>
public readonly record struct EndpointValueDetail(string Value, FrequencyClass Class, double DaysPerMonth, DateOnly LastDay, double? LastDayBytes);

/// <summary>What the profile learned of the outbound bytes per peer and day, for the volume rule.</summary>
/// <param name="PeerDays">Decayed number of peer-days counted.</param>
/// <param name="MeanLog10">Mean of log10 of the bytes of a peer-day.</param>
/// <param name="StdLog10">Standard deviation of log10 of the bytes of a peer-day.</param>
/// <param name="MaxBytes">Largest peer-day, decayed with the half-life.</param>
public readonly record struct VolumeBaseline(double PeerDays, double MeanLog10, double StdLog10, double MaxBytes);

/// <summary>One connection start to a peer, for the beaconing rule: Unix seconds, bytes in both directions, and the local port.</summary>
public readonly record struct ConnectionSample(long Seconds, float Bytes, int LocalPort);
