using System.Text.Json;

namespace Vigil.Enrichment;

/// <summary>
/// AWS's published address ranges (the <c>ip-ranges.json</c> format: <c>prefixes[].ip_prefix</c> and
/// <c>ipv6_prefixes[].ipv6_prefix</c>, each with <c>region</c> and <c>service</c>). The file lists a
/// range once under <c>AMAZON</c> and again under each service that uses it, so a lookup returns the
/// most specific service: the longest matching prefix, and when that one is listed only under
/// <c>AMAZON</c>, the service of the longest shorter prefix that names one. Lookups allocate nothing,
/// apart from the copy made in that last case.
/// </summary>
public sealed class AwsIpRanges
{
    /// <summary>The generic service name of the file, used for every AWS range.</summary>
    public const string GenericService = "AMAZON";

    private readonly PrefixTable table;

    private AwsIpRanges(PrefixTable table, string? syncToken)
    {
        this.table = table;
        SyncToken = syncToken;
    }

    /// <summary>The file's <c>syncToken</c>, which names its publication.</summary>
    public string? SyncToken { get; }

    public int Count => table.Count;

    /// <summary>Loads an <c>ip-ranges.json</c> file; entries that cannot be read are reported with their JSON path and skipped.</summary>
    /// <exception cref="EnrichmentFileException">The file is missing, is not JSON, or has no usable entry.</exception>
    public static AwsIpRanges Load(string path, IList<EnrichmentError> errors)
    {
        if (!File.Exists(path))
        {
            throw new EnrichmentFileException($"The AWS ip-ranges file '{path}' was not found.");
        }

        var collector = new EnrichmentErrorCollector(path);
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException exception)
        {
            throw new EnrichmentFileException($"The AWS ip-ranges file '{path}' is not valid JSON (line {exception.LineNumber + 1}): {exception.Message}", exception);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new EnrichmentFileException($"The AWS ip-ranges file '{path}' is not a JSON object with 'prefixes' and 'ipv6_prefixes'.");
            }

            var builder = new PrefixTable.Builder();
            ReadPrefixes(document.RootElement, "prefixes", "ip_prefix", builder, collector);
            ReadPrefixes(document.RootElement, "ipv6_prefixes", "ipv6_prefix", builder, collector);
            foreach (var error in collector.Kept)
            {
                errors.Add(error);
            }

            if (builder.Count == 0)
            {
                throw new EnrichmentFileException($"The AWS ip-ranges file '{path}' contains no usable prefix in 'prefixes' or 'ipv6_prefixes'.");
            }

            var token = document.RootElement.TryGetProperty("syncToken", out var sync) && sync.ValueKind == JsonValueKind.String ? sync.GetString() : null;
            return new AwsIpRanges(builder.Build(), token);
        }
    }

    /// <summary>Returns the AWS range of a public address, or null when AWS does not publish it.</summary>
    public AwsNetwork? Find(System.Net.IPAddress address)
    {
        address = IpBits.Unmap(address);
        return IpBits.IsV4(address) ? table.Find(IpBits.V4(address)) : table.Find(IpBits.V6(address));
    }

    private static void ReadPrefixes(JsonElement root, string arrayName, string prefixName, PrefixTable.Builder builder, EnrichmentErrorCollector errors)
    {
        if (!root.TryGetProperty(arrayName, out var array))
        {
            return;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(arrayName, "is not an array");
            return;
        }

        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var location = $"{arrayName}[{index++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                errors.Add(location, "is not an object");
                continue;
            }

            var prefix = Text(entry, prefixName);
            var region = Text(entry, "region") ?? "GLOBAL";
            var service = Text(entry, "service") ?? GenericService;
            if (prefix is null)
            {
                errors.Add($"{location}.{prefixName}", "is missing or not a string");
                continue;
            }

            if (!CsvRangeFile.TryParseCidr(prefix, out var range) || CidrLength(prefix) is not { } length)
            {
                errors.Add($"{location}.{prefixName}", $"'{Bound(prefix)}' is not CIDR text such as 3.5.140.0/22");
                continue;
            }

            builder.Add(range, length, new AwsNetwork(Bound(prefix), Bound(region), Bound(service)));
        }
    }

    private static int? CidrLength(string prefix) =>
        int.TryParse(prefix.AsSpan(prefix.IndexOf('/', StringComparison.Ordinal) + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) ? length : null;

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Bound(string text) => text.Length <= 64 ? text : text[..64];

    /// <summary>Networks grouped by prefix length; a lookup masks the address once per length in use, longest first.</summary>
    private sealed class PrefixTable
    {
        private readonly (int Length, Dictionary<uint, AwsNetwork> Networks)[] v4;
        private readonly (int Length, Dictionary<UInt128, AwsNetwork> Networks)[] v6;

        private PrefixTable((int, Dictionary<uint, AwsNetwork>)[] v4, (int, Dictionary<UInt128, AwsNetwork>)[] v6)
        {
            this.v4 = v4;
            this.v6 = v6;
        }

        public int Count => v4.Sum(group => group.Networks.Count) + v6.Sum(group => group.Networks.Count);

        public AwsNetwork? Find(uint address)
        {
            AwsNetwork? longest = null;
            foreach (var (length, networks) in v4)
            {
                if (networks.TryGetValue(IpBits.MaskV4(address, length), out var network))
                {
                    longest ??= network;
                    if (network.Service != GenericService)
                    {
                        return ReferenceEquals(longest, network) ? network : longest with { Service = network.Service };
                    }
                }
            }

            return longest;
        }

        public AwsNetwork? Find(UInt128 address)
        {
            AwsNetwork? longest = null;
            foreach (var (length, networks) in v6)
            {
                if (networks.TryGetValue(IpBits.MaskV6(address, length), out var network))
                {
                    longest ??= network;
                    if (network.Service != GenericService)
                    {
                        return ReferenceEquals(longest, network) ? network : longest with { Service = network.Service };
                    }
                }
            }

            return longest;
        }

        public sealed class Builder
        {
            private readonly SortedDictionary<int, Dictionary<uint, AwsNetwork>> v4 = [];
            private readonly SortedDictionary<int, Dictionary<UInt128, AwsNetwork>> v6 = [];

            public int Count { get; private set; }

            /// <summary>Adds a network; a network already added keeps its entry unless that names only the generic service and this one names a specific one.</summary>
            public void Add(AddressRange range, int length, AwsNetwork network)
            {
                if (range.IsV4)
                {
                    Put(GroupOf(v4, length), range.StartV4, network);
                }
                else
                {
                    Put(GroupOf(v6, length), range.StartV6, network);
                }
            }

            public PrefixTable Build() => new(
                [.. v4.Reverse().Select(group => (group.Key, group.Value))],
                [.. v6.Reverse().Select(group => (group.Key, group.Value))]);

            private static Dictionary<TKey, AwsNetwork> GroupOf<TKey>(SortedDictionary<int, Dictionary<TKey, AwsNetwork>> groups, int length)
                where TKey : notnull
            {
                if (!groups.TryGetValue(length, out var group))
                {
                    group = [];
                    groups[length] = group;
                }

                return group;
            }

            private void Put<TKey>(Dictionary<TKey, AwsNetwork> group, TKey start, AwsNetwork network)
                where TKey : notnull
            {
                if (!group.TryGetValue(start, out var existing))
                {
                    group[start] = network;
                    Count++;
                }
                else if (existing.Service == GenericService && network.Service != GenericService)
                {
                    group[start] = network;
                }
            }
        }
    }
}
