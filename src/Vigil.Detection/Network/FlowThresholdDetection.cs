using System.Collections.Frozen;
using System.Globalization;
using Vigil.Contracts.Detection;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Network;

/// <summary>
/// Threshold findings over one endpoint's flows, counted in tumbling windows of event time
/// (<see cref="FlowThresholdOptions.Window"/>). A counter raises its finding once per window, when it
/// reaches its threshold. A later window that reaches it again adds an occurrence to the same finding.
/// Only flows whose local and remote sides are known count (<see cref="FlowSides"/>), and docs/findings.md
/// gives each type's trigger, severity and default threshold.
/// </summary>
public sealed class FlowThresholdDetection(FlowThresholdOptions options)
{
    public const string PortscanType = "Recon:EC2/Portscan";
    public const string PortSweepType = "Impact:EC2/PortSweep";
    public const string SshBruteForceType = "UnauthorizedAccess:EC2/SSHBruteForce";
    public const string RdpBruteForceType = "UnauthorizedAccess:EC2/RDPBruteForce";
    public const string WinRmBruteForceType = "Impact:EC2/WinRMBruteForce";
    public const string DosDnsType = "Backdoor:EC2/DenialOfService.Dns";
    public const string DosTcpType = "Backdoor:EC2/DenialOfService.Tcp";
    public const string DosUdpType = "Backdoor:EC2/DenialOfService.Udp";
    public const string DosUdpOnTcpPortsType = "Backdoor:EC2/DenialOfService.UdpOnTcpPorts";
    public const string DosUnusualProtocolType = "Backdoor:EC2/DenialOfService.UnusualProtocol";

    /// <summary>Largest average packet size, in bytes, of a TCP flow record that counts towards DenialOfService.Tcp.</summary>
    public const int MaxTcpFloodPacketBytes = 200;

    private readonly FrozenSet<int> tcpPorts = options.UsualTcpPorts.ToFrozenSet();
    private readonly FrozenSet<int> usualProtocols = options.UsualProtocols.ToFrozenSet();

    public static FlowThresholdDetection Default { get; } = new(FlowThresholdOptions.Default);

    public FlowThresholdOptions Options => options;

    /// <summary>
    /// Counts one flow record into <paramref name="state"/> and adds the findings whose threshold it
    /// reaches. With <paramref name="changes"/>, every change to <paramref name="state"/> is recorded there, so it can be undone.
    /// </summary>
    public void Inspect(FlowRecord record, string endpointKey, DetectionContext context, FlowWindowState state, List<Finding> findings, FlowWindowChanges? changes = null)
    {
        if ((record.End ?? record.Start) is not { } time || !FlowSides.TryResolve(record, out var sides))
        {
            return;
        }

        var window = WindowFor(state, time);
        if (window is null)
        {
            return;
        }

        // Counter keys are written here and looked up as text, so a key becomes a string only for a new counter.
        Span<char> key = stackalloc char[KeyBufferLength];
        var accepted = record.Action == FlowAction.Accept;
        if (!sides.RemoteInitiated && accepted && sides.RemotePort is { } remotePort && sides.LocalPort is { } localPort)
        {
            if (ReachesThreshold(window, state, key.TryWrite($"portscan|{sides.RemoteAddress}", out var length) ? key[..length] : $"portscan|{sides.RemoteAddress}", PortText(remotePort), options.PortscanPorts, changes))
            {
                findings.Add(Create(record, endpointKey, context, sides, PortscanType, 5.0, "ACTOR",
                    $"{Subject(record)} is performing outbound port scans against a remote host.",
                    $"{Subject(record)} connected to {options.PortscanPorts} or more ports of {sides.RemoteAddress} within {Minutes} minutes, which looks like a port scan."));
            }

            if (FlowSides.IsPublic(sides.RemoteAddress)
                && ReachesThreshold(window, state, key.TryWrite($"sweep|{record.Protocol}/{remotePort}", out length) ? key[..length] : $"sweep|{record.Protocol}/{remotePort}", sides.RemoteAddress, options.PortSweepHosts, changes))
            {
                findings.Add(Create(record, endpointKey, context, sides, PortSweepType, 8.0, "ACTOR",
                    $"{Subject(record)} is probing port {remotePort} on many hosts.",
                    $"{Subject(record)} connected to port {remotePort} of {options.PortSweepHosts} or more public addresses within {Minutes} minutes, the latest {sides.RemoteAddress}."));
            }

            CountBruteForce(record, endpointKey, context, sides, window, state, serverPort: remotePort, clientPort: localPort, actor: true, findings, changes, key);
        }
        else if (sides.RemoteInitiated && accepted && sides.LocalPort is { } serverPort && sides.RemotePort is { } clientPort)
        {
            CountBruteForce(record, endpointKey, context, sides, window, state, serverPort, clientPort, actor: false, findings, changes, key);
        }

        if (!sides.RemoteIsSource && record.Packets is { } packets && packets > 0 && FlowSides.IsPublic(sides.RemoteAddress))
        {
            CountDenialOfService(record, endpointKey, context, sides, window, state, packets, findings, changes, key);
        }
    }

    private double Minutes => options.Window.TotalMinutes;

    /// <summary>Room for the longest counter key: a prefix, a finding type, a port and an IPv6 address.</summary>
    private const int KeyBufferLength = 160;

    // The text of each port, made once, since ports are counted as distinct values on every record.
    private static readonly string?[] PortTexts = new string?[65536];

    private static string PortText(int port) =>
        port is >= 0 and <= 65535
            ? PortTexts[port] ??= port.ToString(CultureInfo.InvariantCulture)
            : port.ToString(CultureInfo.InvariantCulture);

    private void CountBruteForce(
        FlowRecord record, string endpointKey, DetectionContext context, FlowSides sides, FlowWindow window, FlowWindowState state,
        int serverPort, int clientPort, bool actor, List<Finding> findings, FlowWindowChanges? changes, Span<char> buffer)
    {
        if (record.Protocol != 6)
        {
            return;
        }

        var (type, service) = serverPort switch
        {
            22 => (SshBruteForceType, "SSH"),
            3389 => (RdpBruteForceType, "RDP"),
            5985 or 5986 => (WinRmBruteForceType, "WinRM"),
            _ => (null, null),
        };
        if (type is null)
        {
            return;
        }

        var role = actor ? "brute-actor" : "brute-target";
        ReadOnlySpan<char> key = buffer.TryWrite($"{role}|{serverPort}|{sides.RemoteAddress}", out var length) ? buffer[..length] : $"{role}|{serverPort}|{sides.RemoteAddress}";
        if (!ReachesThreshold(window, state, key, PortText(clientPort), options.BruteForceConnections, changes))
        {
            return;
        }

        var subject = Subject(record);
        var (title, description) = actor
            ? ($"{subject} is performing {service} brute force attacks.",
                $"{subject} opened {options.BruteForceConnections} or more {service} connections to {sides.RemoteAddress} port {serverPort} within {Minutes} minutes, which looks like password guessing against that host.")
            : ($"{sides.RemoteAddress} is performing {service} brute force attacks against {subject}.",
                $"{sides.RemoteAddress} opened {options.BruteForceConnections} or more accepted {service} connections to {subject} port {serverPort} within {Minutes} minutes, which looks like password guessing.");
        findings.Add(Create(record, endpointKey, context, sides, type, actor ? 8.0 : 2.0, actor ? "ACTOR" : "TARGET", title, description));
    }

    private void CountDenialOfService(
        FlowRecord record, string endpointKey, DetectionContext context, FlowSides sides, FlowWindow window, FlowWindowState state, long packets, List<Finding> findings,
        FlowWindowChanges? changes, Span<char> buffer)
    {
        var protocol = record.Protocol ?? -1;
        var (type, what) = protocol switch
        {
            6 or 17 when sides.RemotePort == 53 => (DosDnsType, "DNS"),
            6 => (DosTcpType, "TCP"),
            17 when sides.RemotePort is { } port && tcpPorts.Contains(port) => (DosUdpOnTcpPortsType, "UDP on a TCP port"),
            17 => (DosUdpType, "UDP"),
            _ when !usualProtocols.Contains(protocol) => (DosUnusualProtocolType, $"protocol {protocol}"),
            _ => (null, null),
        };
        if (type is null)
        {
            return;
        }

        // TCP flood tools send bare SYN, ACK or RST packets of 40 to 60 bytes. A bulk upload also sends
        // millions of packets, but they carry data and average hundreds of bytes, so it is skipped here.
        if (type == DosTcpType && record.Bytes is { } bytes && bytes > packets * MaxTcpFloodPacketBytes)
        {
            return;
        }

        var counter = CounterFor(window, state, buffer.TryWrite($"dos|{type}|{sides.RemoteAddress}", out var length) ? buffer[..length] : $"dos|{type}|{sides.RemoteAddress}", changes);
        if (counter is null || counter.Raised)
        {
            return;
        }

        changes?.CounterChanging(counter);
        counter.Total += packets;
        if (counter.Total < options.DenialOfServicePackets)
        {
            return;
        }

        counter.Raised = true;
        var subject = Subject(record);
        findings.Add(Create(record, endpointKey, context, sides, type, 8.0, "ACTOR",
            $"{subject} is performing a {what} denial-of-service attack.",
            $"{subject} sent {counter.Total} or more {what} packets to {sides.RemoteAddress} within {Minutes} minutes, which looks like a denial-of-service attack."));
    }

    /// <summary>Adds a distinct value to the counter; true exactly once per window, when the counter reaches the threshold.</summary>
    private bool ReachesThreshold(FlowWindow window, FlowWindowState state, ReadOnlySpan<char> key, string value, int threshold, FlowWindowChanges? changes)
    {
        var counter = CounterFor(window, state, key, changes);
        if (counter is null || counter.Raised)
        {
            return false;
        }

        if (counter.Distinct.Add(value))
        {
            changes?.ValueAdded(counter, value);
        }

        if (counter.Distinct.Count < threshold)
        {
            return false;
        }

        // The finding is raised now, so the values are no longer needed to decide anything in this
        // window. They go with a new set, so that undoing the change can put the old one back.
        changes?.CounterChanging(counter);
        counter.Raised = true;
        counter.Total = counter.Distinct.Count;
        counter.Distinct = new HashSet<string>(StringComparer.Ordinal);
        return true;
    }

    private FlowCounter? CounterFor(FlowWindow window, FlowWindowState state, ReadOnlySpan<char> key, FlowWindowChanges? changes)
    {
        // A dictionary read from stored state may have another comparer, so then it is looked up by a string.
        FlowCounter? counter;
        if (window.Counters.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup) ? lookup.TryGetValue(key, out counter) : window.Counters.TryGetValue(key.ToString(), out counter))
        {
            return counter;
        }

        if (window.Counters.Count >= options.MaxCountersPerWindow)
        {
            state.DroppedCounters++;
            return null;
        }

        var text = key.ToString();
        counter = new FlowCounter();
        window.Counters[text] = counter;
        changes?.CounterAdded(window, text);
        return counter;
    }

    /// <summary>Returns the window of the event time, opening it if needed; null for a time before the oldest window kept.</summary>
    private FlowWindow? WindowFor(FlowWindowState state, DateTimeOffset time)
    {
        var ticks = options.Window.Ticks;
        var start = new DateTimeOffset(time.UtcTicks - (time.UtcTicks % ticks), TimeSpan.Zero);
        var windows = state.Windows;
        for (var i = windows.Count - 1; i >= 0; i--)
        {
            if (windows[i].Start == start)
            {
                return windows[i];
            }

            if (windows[i].Start < start)
            {
                var opened = new FlowWindow { Start = start };
                windows.Insert(i + 1, opened);
                Trim(windows);
                return windows.Contains(opened) ? opened : null;
            }
        }

        if (windows.Count >= options.MaxWindows)
        {
            state.LateRecords++;
            return null;
        }

        var oldest = new FlowWindow { Start = start };
        windows.Insert(0, oldest);
        return oldest;
    }

    private void Trim(List<FlowWindow> windows)
    {
        while (windows.Count > options.MaxWindows)
        {
            windows.RemoveAt(0);
        }
    }

    private static Finding Create(
        FlowRecord record, string endpointKey, DetectionContext context, FlowSides sides, string type, double severity, string role, string title, string description)
    {
        var template = new FindingTemplate(type, severity, title, description);
        return NetworkFindingFactory.ForFlow(
            record, endpointKey, context, template, role, sides.Direction, sides.LocalAddress, sides.LocalPort, sides.RemoteAddress, sides.RemotePort, null, null);
    }

    private static string Subject(FlowRecord record) => record.InstanceId ?? record.InterfaceId ?? "(unknown)";
}

/// <summary>Thresholds and window of <see cref="FlowThresholdDetection"/>; docs/findings.md documents the defaults.</summary>
public sealed record FlowThresholdOptions
{
    public static FlowThresholdOptions Default { get; } = new();

    /// <summary>Length of the tumbling event-time windows flows are counted in.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Windows kept open per endpoint, so that log files delivered out of order still count; older flows are not counted.</summary>
    public int MaxWindows { get; init; } = 3;

    /// <summary>Counters per window and endpoint; further keys are dropped and counted in <see cref="FlowWindowState.DroppedCounters"/>.</summary>
    public int MaxCountersPerWindow { get; init; } = 2_000;

    /// <summary>Distinct ports of one remote host the instance connects to in a window that make a port scan.</summary>
    public int PortscanPorts { get; init; } = 50;

    /// <summary>Distinct public hosts the instance connects to on one port in a window that make a port sweep.</summary>
    public int PortSweepHosts { get; init; } = 50;

    /// <summary>Accepted connections (distinct client ports) between the instance and one remote host on the SSH, RDP or WinRM port in a window that make brute force.</summary>
    public int BruteForceConnections { get; init; } = 20;

    /// <summary>Packets the instance sends to one public host in a window, by one kind of traffic, that make a denial-of-service attack.</summary>
    public long DenialOfServicePackets { get; init; } = 1_000_000;

    /// <summary>Ports normally used over TCP; a flood of UDP to one of them raises DenialOfService.UdpOnTcpPorts.</summary>
    public IReadOnlyList<int> UsualTcpPorts { get; init; } = [21, 22, 23, 25, 80, 110, 143, 443, 445, 465, 587, 993, 995, 1433, 3306, 3389, 5432, 8080, 8443];

    /// <summary>IANA protocol numbers that are not unusual: ICMP, TCP, UDP, ESP and ICMPv6. A flood of any other raises DenialOfService.UnusualProtocol.</summary>
    public IReadOnlyList<int> UsualProtocols { get; init; } = [1, 6, 17, 50, 58];
}
