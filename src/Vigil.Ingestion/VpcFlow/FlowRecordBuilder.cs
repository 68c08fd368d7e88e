using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using Vigil.Contracts.Events;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// Collects the checked values of one flow log record, field by field, and builds the
/// <see cref="FlowRecord"/>. One builder is reused for every record of an object.
/// </summary>
internal sealed class FlowRecordBuilder
{
    /// <summary>The placeholder AWS writes for a field that does not apply or could not be computed.</summary>
    public const string Placeholder = "-";

    private readonly string?[] texts = new string?[FlowFields.All.Count];
    private readonly long[] numbers = new long[FlowFields.All.Count];
    private List<FlowExtraField>? extraFields;

    // One bit per slot that has a value. A slot without its bit reads as null whatever it contains,
    // so Clear only resets the bits.
    private ulong filled;

    static FlowRecordBuilder()
    {
        if (FlowFields.All.Count > 64)
        {
            throw new InvalidOperationException("FlowRecordBuilder tracks filled slots in 64 bits; widen it before adding fields.");
        }
    }

    public void Clear()
    {
        filled = 0;
        extraFields = null;
    }

    /// <summary>Keeps a column that no <see cref="FlowField"/> maps, with <c>-</c> as null.</summary>
    public void AddExtraField(string name, string? value)
    {
        extraFields ??= [];
        extraFields.Add(new FlowExtraField(name, value == Placeholder ? null : value));
    }

    /// <summary>Checks and stores a value given as text, and returns why it is invalid or null when it was stored.</summary>
    public string? SetText(FlowField field, string value)
    {
        if (value == Placeholder)
        {
            return null;
        }

        switch (field.Kind)
        {
            case FlowFieldKind.Text:
                StoreText(field, value);
                return null;

            case FlowFieldKind.Address:
                if (!IsIpAddress(value))
                {
                    return $"\"{value}\" is not an IPv4 or IPv6 address";
                }

                StoreText(field, value);
                return null;

            default:
                var valid = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    && TryStoreNumber(field, number);
                return valid ? null : $"\"{value}\" is not {Describe(field.Kind)}";
        }
    }

    /// <summary>
    /// Checks and stores a value given as valid UTF-8 (from a text flow log line), with the same rules
    /// and messages as <see cref="SetText"/>. Text values come from <paramref name="cache"/>.
    /// </summary>
    public string? SetUtf8(FlowField field, ReadOnlySpan<byte> value, Utf8StringCache cache)
    {
        if (value.Length == 1 && value[0] == (byte)'-')
        {
            return null;
        }

        switch (field.Kind)
        {
            case FlowFieldKind.Text:
                StoreText(field, KnownText(value) ?? cache.Get(value));
                return null;

            case FlowFieldKind.Address:
                if (TryParseCanonicalIpv4(value, out var address))
                {
                    StoreText(field, cache.GetIpv4(address, value));
                    return null;
                }

                if (!IsIpAddress(value))
                {
                    return $"\"{Encoding.UTF8.GetString(value)}\" is not an IPv4 or IPv6 address";
                }

                StoreText(field, cache.Get(value));
                return null;

            default:
                var valid = TryParseDigits(value, out var number) && TryStoreNumber(field, number);
                return valid ? null : $"\"{Encoding.UTF8.GetString(value)}\" is not {Describe(field.Kind)}";
        }
    }

    /// <summary>Returns the constant for an <c>action</c> or <c>log-status</c> value, which nearly every line has, or null for any other text.</summary>
    internal static string? KnownText(ReadOnlySpan<byte> value) => value.Length switch
    {
        2 when value.SequenceEqual("OK"u8) => FlowLogStatus.Ok,
        6 when value.SequenceEqual("ACCEPT"u8) => FlowAction.Accept,
        6 when value.SequenceEqual("REJECT"u8) => FlowAction.Reject,
        6 when value.SequenceEqual("NODATA"u8) => FlowLogStatus.NoData,
        8 when value.SequenceEqual("SKIPDATA"u8) => FlowLogStatus.SkipData,
        _ => null,
    };

    /// <summary>The same constants as <see cref="KnownText(ReadOnlySpan{byte})"/>, for UTF-16 text.</summary>
    internal static string? KnownText(ReadOnlySpan<char> value) => value.Length switch
    {
        2 when value.SequenceEqual(FlowLogStatus.Ok) => FlowLogStatus.Ok,
        6 when value.SequenceEqual(FlowAction.Accept) => FlowAction.Accept,
        6 when value.SequenceEqual(FlowAction.Reject) => FlowAction.Reject,
        6 when value.SequenceEqual(FlowLogStatus.NoData) => FlowLogStatus.NoData,
        8 when value.SequenceEqual(FlowLogStatus.SkipData) => FlowLogStatus.SkipData,
        _ => null,
    };

    /// <summary>
    /// Parses an IPv4 address written the way AWS writes one: four decimal parts from 0 to 255 without
    /// leading zeros, separated by dots. Such text is the only spelling of its address, so the address
    /// can key the string cache. False means "not in this form", and <see cref="IsIpAddress(ReadOnlySpan{byte})"/> decides.
    /// </summary>
    internal static bool TryParseCanonicalIpv4<T>(ReadOnlySpan<T> value, out uint address)
        where T : unmanaged, IBinaryInteger<T>
    {
        address = 0;
        if (value.Length is < 7 or > 15)
        {
            return false;
        }

        var parts = 0;
        var position = 0;
        while (true)
        {
            var octet = 0;
            var digits = 0;
            while (position < value.Length && value[position] != T.CreateTruncating('.'))
            {
                var digit = int.CreateTruncating(value[position]) - '0';
                if ((uint)digit > 9 || (digits == 1 && octet == 0) || ++digits > 3)
                {
                    return false;
                }

                octet = (octet * 10) + digit;
                position++;
            }

            if (digits == 0 || octet > 255)
            {
                return false;
            }

            address = (address << 8) | (uint)octet;
            if (++parts == 4)
            {
                return position == value.Length;
            }

            if (position == value.Length)
            {
                return false;
            }

            position++;
        }
    }

    /// <summary>
    /// Checks and stores a value given as UTF-16 text (from a Parquet text column), with the same rules
    /// and messages as <see cref="SetText"/>. Text values come from <paramref name="cache"/>.
    /// </summary>
    public string? SetChars(FlowField field, ReadOnlySpan<char> value, Utf8StringCache cache)
    {
        if (value is "-")
        {
            return null;
        }

        switch (field.Kind)
        {
            case FlowFieldKind.Text:
                StoreText(field, KnownText(value) ?? cache.Get(value));
                return null;

            case FlowFieldKind.Address:
                if (TryParseCanonicalIpv4(value, out var address))
                {
                    StoreText(field, cache.GetIpv4(address, value));
                    return null;
                }

                if (!IsPlainIpv4(value) && !IsIpAddress(new string(value)))
                {
                    return $"\"{value}\" is not an IPv4 or IPv6 address";
                }

                StoreText(field, cache.Get(value));
                return null;

            default:
                var valid = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    && TryStoreNumber(field, number);
                return valid ? null : $"\"{value}\" is not {Describe(field.Kind)}";
        }
    }

    /// <summary>Checks and stores a value given as an integer (from a Parquet column), and returns why it is invalid or null.</summary>
    public string? SetInteger(FlowField field, long value)
    {
        switch (field.Kind)
        {
            case FlowFieldKind.Text:
                StoreText(field, value.ToString(CultureInfo.InvariantCulture));
                return null;

            case FlowFieldKind.Address:
                return $"the integer {value} is not an IPv4 or IPv6 address";

            default:
                return TryStoreNumber(field, value) ? null : $"{value} is not {Describe(field.Kind)}";
        }
    }

    /// <summary>
    /// Builds the record. A record with only version 2 fields gets no second object, so the
    /// properties that <see cref="FlowRecord"/> keeps there are not read from this builder at all.
    /// </summary>
    public FlowRecord Build(DateTimeOffset ingestTime) =>
        BuildWith(ingestTime, (filled & ~FlowFields.DefaultFormatSlots) == 0 && extraFields is null ? FlowRecord.ExtendedFields.Empty : BuildExtendedFields());

    private FlowRecord BuildWith(DateTimeOffset ingestTime, FlowRecord.ExtendedFields extended) => new(extended)
    {
        IngestTime = ingestTime,
        Version = Int32(FlowFields.Version),
        AccountId = Text(FlowFields.AccountId),
        InterfaceId = Text(FlowFields.InterfaceId),
        SourceAddress = Text(FlowFields.SourceAddress),
        DestinationAddress = Text(FlowFields.DestinationAddress),
        SourcePort = Int32(FlowFields.SourcePort),
        DestinationPort = Int32(FlowFields.DestinationPort),
        Protocol = Int32(FlowFields.Protocol),
        Packets = Int64(FlowFields.Packets),
        Bytes = Int64(FlowFields.Bytes),
        Start = Time(FlowFields.Start),
        End = Time(FlowFields.End),
        Action = Text(FlowFields.Action),
        LogStatus = Text(FlowFields.LogStatus),
        Region = Text(FlowFields.Region),
    };

    private FlowRecord.ExtendedFields BuildExtendedFields() => new()
    {
        VpcId = Text(FlowFields.VpcId),
        SubnetId = Text(FlowFields.SubnetId),
        InstanceId = Text(FlowFields.InstanceId),
        TcpFlags = Int32(FlowFields.TcpFlags),
        TrafficType = Text(FlowFields.TrafficType),
        PacketSourceAddress = Text(FlowFields.PacketSourceAddress),
        PacketDestinationAddress = Text(FlowFields.PacketDestinationAddress),
        AvailabilityZoneId = Text(FlowFields.AvailabilityZoneId),
        SublocationType = Text(FlowFields.SublocationType),
        SublocationId = Text(FlowFields.SublocationId),
        PacketSourceAwsService = Text(FlowFields.PacketSourceAwsService),
        PacketDestinationAwsService = Text(FlowFields.PacketDestinationAwsService),
        FlowDirection = Text(FlowFields.FlowDirection),
        TrafficPath = Int32(FlowFields.TrafficPath),
        EcsClusterArn = Text(FlowFields.EcsClusterArn),
        EcsClusterName = Text(FlowFields.EcsClusterName),
        EcsContainerInstanceArn = Text(FlowFields.EcsContainerInstanceArn),
        EcsContainerInstanceId = Text(FlowFields.EcsContainerInstanceId),
        EcsContainerId = Text(FlowFields.EcsContainerId),
        EcsSecondContainerId = Text(FlowFields.EcsSecondContainerId),
        EcsServiceName = Text(FlowFields.EcsServiceName),
        EcsTaskDefinitionArn = Text(FlowFields.EcsTaskDefinitionArn),
        EcsTaskArn = Text(FlowFields.EcsTaskArn),
        EcsTaskId = Text(FlowFields.EcsTaskId),
        RejectReason = Text(FlowFields.RejectReason),
        ResourceId = Text(FlowFields.ResourceId),
        EncryptionStatus = Int32(FlowFields.EncryptionStatus),
        ResourceType = Text(FlowFields.ResourceType),
        TransitGatewayId = Text(FlowFields.TransitGatewayId),
        TransitGatewayAttachmentId = Text(FlowFields.TransitGatewayAttachmentId),
        TransitGatewaySourceVpcAccountId = Text(FlowFields.TransitGatewaySourceVpcAccountId),
        TransitGatewayDestinationVpcAccountId = Text(FlowFields.TransitGatewayDestinationVpcAccountId),
        TransitGatewaySourceVpcId = Text(FlowFields.TransitGatewaySourceVpcId),
        TransitGatewayDestinationVpcId = Text(FlowFields.TransitGatewayDestinationVpcId),
        TransitGatewaySourceSubnetId = Text(FlowFields.TransitGatewaySourceSubnetId),
        TransitGatewayDestinationSubnetId = Text(FlowFields.TransitGatewayDestinationSubnetId),
        TransitGatewaySourceInterfaceId = Text(FlowFields.TransitGatewaySourceInterfaceId),
        TransitGatewayDestinationInterfaceId = Text(FlowFields.TransitGatewayDestinationInterfaceId),
        TransitGatewaySourceAvailabilityZoneId = Text(FlowFields.TransitGatewaySourceAvailabilityZoneId),
        TransitGatewayDestinationAvailabilityZoneId = Text(FlowFields.TransitGatewayDestinationAvailabilityZoneId),
        TransitGatewayPairAttachmentId = Text(FlowFields.TransitGatewayPairAttachmentId),
        PacketsLostNoRoute = Int64(FlowFields.PacketsLostNoRoute),
        PacketsLostBlackhole = Int64(FlowFields.PacketsLostBlackhole),
        PacketsLostMtuExceeded = Int64(FlowFields.PacketsLostMtuExceeded),
        PacketsLostTtlExpired = Int64(FlowFields.PacketsLostTtlExpired),
        ExtraFields = extraFields is { Count: > 0 } ? [.. extraFields] : null,
    };

    /// <summary>
    /// Accepts IPv6 text and IPv4 only as four dotted decimal parts, because
    /// <see cref="IPAddress.TryParse(string, out IPAddress)"/> also takes forms such as <c>10.1</c> or <c>0x0a000001</c>.
    /// </summary>
    internal static bool IsIpAddress(string value)
    {
        if (IsPlainIpv4(value.AsSpan()))
        {
            return true;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same check as <see cref="IsIpAddress(string)"/> on UTF-8 text.</summary>
    internal static bool IsIpAddress(ReadOnlySpan<byte> value) =>
        IsPlainIpv4(value) || (value.Contains((byte)':')
            ? IPAddress.TryParse(Encoding.UTF8.GetString(value), out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            : IsIpv4Slow(value));

    /// <summary>
    /// Parses the common form of a valid address in one pass: four parts of one to three digits with a
    /// value up to 255, separated by dots. False means "not in this form", and <see cref="IsIpv4Slow"/> decides.
    /// </summary>
    private static bool IsPlainIpv4(ReadOnlySpan<byte> value)
    {
        Span<char> text = stackalloc char[15];
        if (value.Length > text.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            text[i] = (char)value[i];
        }

        return IsPlainIpv4(text[..value.Length]);
    }

    /// <summary>The one-pass form check of <see cref="IsPlainIpv4(ReadOnlySpan{byte})"/> on UTF-16 text.</summary>
    private static bool IsPlainIpv4(ReadOnlySpan<char> value)
    {
        if (value.Length > 15)
        {
            return false;
        }

        var parts = 0;
        var digits = 0;
        var octet = 0;
        foreach (var character in value)
        {
            if (character == '.')
            {
                if (digits == 0 || ++parts == 4)
                {
                    return false;
                }

                digits = 0;
                octet = 0;
                continue;
            }

            var digit = character - '0';
            if ((uint)digit > 9 || ++digits > 3)
            {
                return false;
            }

            octet = (octet * 10) + digit;
            if (octet > 255)
            {
                return false;
            }
        }

        return parts == 3 && digits > 0;
    }

    /// <summary>The dotted-decimal check of <see cref="IsIpAddress(string)"/> part by part, with the integer parser's own rules.</summary>
    private static bool IsIpv4Slow(ReadOnlySpan<byte> value)
    {
        var parts = 0;
        while (true)
        {
            var dot = value.IndexOf((byte)'.');
            var part = dot < 0 ? value : value[..dot];
            if (part.Length is 0 or > 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return false;
            }

            parts++;
            if (dot < 0)
            {
                return parts == 4;
            }

            if (parts == 4)
            {
                return false;
            }

            value = value[(dot + 1)..];
        }
    }

    /// <summary>
    /// Parses a non-negative decimal integer as <see cref="long.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider, out long)"/>
    /// with <see cref="NumberStyles.None"/> does. Plain digits are read in one loop, and anything else
    /// (an overflow, or the trailing NUL characters that the library parser ignores) goes to that parser.
    /// </summary>
    internal static bool TryParseDigits(ReadOnlySpan<byte> value, out long number)
    {
        number = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
        }

        foreach (var character in value)
        {
            var digit = character - (byte)'0';
            if ((uint)digit > 9)
            {
                return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
            }

            // Eighteen digits or fewer never overflow a long.
            number = (number * 10) + digit;
        }

        return true;
    }

    private bool TryStoreNumber(FlowField field, long value)
    {
        if (value < 0 || value > field.Maximum)
        {
            return false;
        }

        numbers[field.Slot] = value;
        filled |= 1UL << field.Slot;
        return true;
    }

    private void StoreText(FlowField field, string value)
    {
        texts[field.Slot] = value;
        filled |= 1UL << field.Slot;
    }

    private static string Describe(FlowFieldKind kind) => kind switch
    {
        FlowFieldKind.Port => "a port number from 0 to 65535",
        FlowFieldKind.Protocol => "a protocol number from 0 to 255",
        FlowFieldKind.Code => $"an integer from 0 to {int.MaxValue}",
        FlowFieldKind.UnixSeconds => "a time in Unix seconds from 0 to the end of year 9999",
        _ => $"a counter from 0 to {long.MaxValue}",
    };

    private string? Text(FlowField field) => IsFilled(field) ? texts[field.Slot] : null;

    private bool IsFilled(FlowField field) => (filled & (1UL << field.Slot)) != 0;

    private long? Int64(FlowField field) => IsFilled(field) ? numbers[field.Slot] : null;

    private int? Int32(FlowField field) => IsFilled(field) ? (int)numbers[field.Slot] : null;

    private DateTimeOffset? Time(FlowField field) =>
        IsFilled(field) ? DateTimeOffset.FromUnixTimeSeconds(numbers[field.Slot]) : null;
}
