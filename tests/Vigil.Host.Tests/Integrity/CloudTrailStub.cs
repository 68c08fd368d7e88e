using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Ingestion.Integrity;
using Vigil.Tests.Integrity;

namespace Vigil.Host.Tests.Integrity;

/// <summary>
/// A CloudTrail endpoint on 127.0.0.1 that serves <c>ListPublicKeys</c> in the JSON 1.1 protocol
/// after it has verified the request's Signature Version 4 signature with its own secret key. It returns its keys one per page, linked by <c>NextToken</c>, and rejects a request with
/// a wrong target, content type or signature as CloudTrail does, with a JSON error body.
/// </summary>
internal sealed class CloudTrailStub : IAsyncDisposable
{
    public const string AccessKey = "AKIDSTUBEXAMPLE";
    public const string SecretKey = "stub-secret-key-for-tests";

    private readonly WebApplication app;

    private CloudTrailStub(WebApplication app, Uri endpoint)
    {
        this.app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>The keys returned, one per page, with their validity windows.</summary>
    public List<(SigningKey Key, DateTimeOffset From, DateTimeOffset To)> Keys { get; } = [];

    /// <summary>The Region and the StartTime and EndTime (seconds since 1970) of each accepted request.</summary>
    public ConcurrentQueue<(string Region, long StartTime, long EndTime)> Requests { get; } = new();

    public static async Task<CloudTrailStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        CloudTrailStub? stub = null;
        app.MapPost("/", (Func<HttpContext, Task<IResult>>)(context => stub!.HandleAsync(context)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        stub = new CloudTrailStub(app, new Uri(address.TrimEnd('/') + "/"));
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();

        if (request.Headers["X-Amz-Target"] != CloudTrailPublicKeyClient.Target || request.ContentType != "application/x-amz-json-1.1")
        {
            return Error(400, "UnknownOperationException", "wrong target or content type");
        }

        if (VerifySignature(request, body) is { } signatureError)
        {
            return Error(403, "InvalidSignatureException", signatureError);
        }

        var input = JsonNode.Parse(body)!.AsObject();
        var page = input["NextToken"] is { } token ? int.Parse(token.GetValue<string>(), CultureInfo.InvariantCulture) : 0;
        Requests.Enqueue((RegionOf(request), input["StartTime"]!.GetValue<long>(), input["EndTime"]!.GetValue<long>()));

        var list = new JsonArray();
        if (page < Keys.Count)
        {
            var (key, from, to) = Keys[page];
            list.Add(new JsonObject
            {
                ["Value"] = Convert.ToBase64String(key.Pkcs1Der),
                ["ValidityStartTime"] = from.ToUnixTimeSeconds(),
                ["ValidityEndTime"] = to.ToUnixTimeSeconds(),
                ["Fingerprint"] = key.Fingerprint,
            });
        }

        var output = new JsonObject { ["PublicKeyList"] = list };
        if (page + 1 < Keys.Count)
        {
            output["NextToken"] = (page + 1).ToString(CultureInfo.InvariantCulture);
        }

        return Results.Text(output.ToJsonString(), "application/x-amz-json-1.1");
    }

    /// <summary>Recomputes the signature from the request as received; returns null when it matches, else the reason.</summary>
    private static string? VerifySignature(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "missing or unknown Authorization header";
        }

        var parts = authorization[Prefix.Length..].Split(", ").Select(part => part.Split('=', 2)).ToDictionary(part => part[0], part => part[1]);
        var credential = parts["Credential"].Split('/');
        if (credential is not [AccessKey, var date, var region, "cloudtrail", "aws4_request"])
        {
            return $"unexpected credential scope {parts["Credential"]}";
        }

        var time = DateTimeOffset.ParseExact(request.Headers["X-Amz-Date"].ToString(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        if (time.ToString("yyyyMMdd", CultureInfo.InvariantCulture) != date)
        {
            return "X-Amz-Date does not match the credential date";
        }

        var signed = parts["SignedHeaders"].Split(';');
        if (!signed.Contains("host") || !signed.Contains("x-amz-date") || !signed.Contains("x-amz-target") || !signed.Contains("content-type"))
        {
            return $"SignedHeaders {parts["SignedHeaders"]} leaves out a required header";
        }

        var headers = signed.Select(name => new KeyValuePair<string, string>(name, name == "host" ? request.Host.Value! : request.Headers[name].ToString()));
        var canonical = AwsSignatureV4.CanonicalRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", headers, Convert.ToHexStringLower(SHA256.HashData(body)));
        var expected = AwsSignatureV4.Signature(SecretKey, time, region, "cloudtrail", canonical);
        return expected == parts["Signature"] ? null : "The request signature we calculated does not match the signature you provided.";
    }

    private static string RegionOf(HttpRequest request) => request.Headers.Authorization.ToString().Split('/')[2];

    private static IResult Error(int status, string type, string message) =>
        Results.Text(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }), "application/x-amz-json-1.1", statusCode: status);
}
