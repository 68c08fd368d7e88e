using System.Collections.Frozen;

namespace Vigil.Detection.Dns;

/// <summary>
/// Splits a normalised query name into its registrable domain and the labels below it, and computes
/// the label features that the DNS detections use.
/// </summary>
/// <remarks>
/// NOTE: Vigil carries no copy of the Public Suffix List (no maintained .NET package of it is served
/// here). The registrable domain is the last two labels, or three when the last two are one of the
/// common multi-label public suffixes below or a dynamic DNS or free subdomain service of
/// <see cref="AbusedServices"/>. Names under other multi-label suffixes count one label short.
/// </remarks>
public static class DomainNames
{
    private static readonly FrozenSet<string> MultiLabelSuffixes = FrozenSet.ToFrozenSet(
    [
        "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "net.uk", "ltd.uk", "plc.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr", "com.cn", "net.cn", "org.cn", "gov.cn",
        "com.hk", "com.tw", "com.sg", "com.my", "co.in", "net.in", "org.in", "co.id", "co.th", "com.vn", "com.ph",
        "com.br", "net.br", "org.br", "gov.br", "com.ar", "com.mx", "com.co", "com.pe", "com.tr", "com.ua", "com.ru",
        "co.za", "org.za", "com.eg", "com.ng", "co.il", "org.il", "com.sa", "co.ke",
    ], StringComparer.Ordinal);

    /// <summary>
    /// Dynamic DNS, tunnelling and free subdomain services whose customers get a name below the
    /// service's domain; each customer name is a registrable domain of its own. A query below one of
    /// them feeds <c>AbusedDomainRequest.Reputation</c>. Sources: the services' own sign-up pages.
    /// </summary>
    public static FrozenSet<string> AbusedServices { get; } = FrozenSet.ToFrozenSet(
    [
        "duckdns.org", "no-ip.com", "no-ip.org", "no-ip.biz", "no-ip.info", "ddns.net", "hopto.org", "zapto.org", "sytes.net",
        "servebeer.com", "serveftp.com", "servehttp.com", "myftp.biz", "myftp.org", "redirectme.net", "3utilities.com",
        "dynu.net", "dynu.com", "changeip.com", "afraid.org", "dyndns.org", "dynv6.net", "dns.army", "dnsabr.com",
        "ngrok.io", "ngrok-free.app", "ngrok.app", "trycloudflare.com", "serveo.net", "portmap.io", "localtunnel.me", "loca.lt",
        "000webhostapp.com", "freehostia.com", "github.io", "pages.dev", "workers.dev", "glitch.me", "repl.co", "herokuapp.com",
        "blogspot.com", "weebly.com", "wixsite.com", "firebaseapp.com", "web.app", "netlify.app", "vercel.app", "azurewebsites.net",
    ], StringComparer.Ordinal);

    /// <summary>
    /// Registrable domains of AWS itself, excluded from the tunnelling and reputation rules because
    /// AWS services query many unique, long names below them (instance host names, S3 and API endpoints).
    /// </summary>
    public static FrozenSet<string> AwsDomains { get; } = FrozenSet.ToFrozenSet(
    [
        "amazonaws.com", "amazonaws.com.cn", "aws", "amazon.com", "amazontrust.com", "cloudfront.net", "awsdns-cn.net",
        "aws.dev", "awsstatic.com", "amazon.dev", "api.aws", "on.aws", "ec2.internal", "compute.internal",
    ], StringComparer.Ordinal);

    /// <summary>Returns the registrable domain of a normalised name, or the name itself when it has one label.</summary>
    public static string RegistrableDomain(string name)
    {
        var last = name.LastIndexOf('.');
        if (last <= 0)
        {
            return name;
        }

        var second = name.LastIndexOf('.', last - 1);
        if (second < 0)
        {
            return name;
        }

        var suffix = name[(second + 1)..];
        if (!MultiLabelSuffixes.Contains(suffix) && !AbusedServices.Contains(suffix))
        {
            return suffix;
        }

        var third = name.LastIndexOf('.', second - 1);
        return third < 0 ? name : name[(third + 1)..];
    }

    /// <summary>Returns the labels below the registrable domain, without the joining dot; empty when there are none.</summary>
    public static string Subdomain(string name, string registrable) =>
        name.Length > registrable.Length + 1 ? name[..(name.Length - registrable.Length - 1)] : string.Empty;

    /// <summary>Returns the service of <see cref="AbusedServices"/> that a registrable domain belongs to, or null.</summary>
    public static string? AbusedServiceOf(string registrable)
    {
        var dot = registrable.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && AbusedServices.Contains(registrable[(dot + 1)..]) ? registrable[(dot + 1)..] : null;
    }

    /// <summary>Returns the Shannon entropy, in bits per character, of the characters of a text.</summary>
    public static double Entropy(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[128];
        var other = 0;
        foreach (var character in text)
        {
            if (character < 128)
            {
                counts[character]++;
            }
            else
            {
                other++;
            }
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            entropy -= Term(count, text.Length);
        }

        return entropy - Term(other, text.Length);
    }

    private static double Term(int count, int length)
    {
        if (count == 0)
        {
            return 0;
        }

        var share = count / (double)length;
        return share * Math.Log2(share);
    }
}
