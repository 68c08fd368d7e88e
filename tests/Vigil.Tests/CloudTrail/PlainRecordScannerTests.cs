using System.Text;
using Vigil.Ingestion;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Objects;
using Vigil.Tests.Support;

namespace Vigil.Tests.CloudTrail;

/// <summary>
/// The plain-record scanner against the general parser: on every input, the reader gives the same
/// events, rejections and summary with the scanner as without it.
/// </summary>
public sealed class PlainRecordScannerTests
{
    private static readonly CloudTrailReaderOptions General = new() { ScanPlainRecords = false };

    private const string RoleRecord =
        """{"eventVersion":"1.10","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2026-11-03T06:00:00Z","mfaAuthenticated":"true"},"webIdFederationData":{"federatedProvider":"accounts.google.com","attributes":{}}}},"eventTime":"2026-11-03T06:03:48Z","eventSource":"iam.amazonaws.com","eventName":"PutRolePolicy","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.44","userAgent":"Terraform/1.7.4 (\u002Bhttps://www.terraform.io)","requestParameters":{"roleName":"Admin","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}","tags":[1,-2.5e3,true,false,null,[],{}]},"responseElements":null,"requestID":"F285","eventID":"aebfcd90-6ca2-5751-2cb8-01e576559cd5","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}""";

    private const string UserRecord =
        """{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","accessKeyId":"","userName":"bob"},"eventTime":"2026-11-03T06:04:00.123Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.30","errorCode":"AccessDenied","errorMessage":"Access Denied","requestParameters":{"bucketName":"logs","key":"a/b"},"responseElements":"text","additionalEventData":{"bytesTransferredIn":0},"requestID":"A1","eventID":"e2","readOnly":"true","eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333"}""";

    [Fact]
    public void TryRead_PlainRecord_ReadsToEnd()
    {
        var data = Encoding.UTF8.GetBytes("[" + RoleRecord + ",{}]");
        var fields = new CloudTrailRecordParser.RecordFields();

        var outcome = PlainRecordScanner.TryRead(data, 1, final: true, fields, CloudTrailReaderOptions.Default, new Utf8StringCache(), out var end);

        Assert.Equal(PlainRecordScanner.Outcome.Read, outcome);
        Assert.Equal(1 + RoleRecord.Length, end);
        Assert.Equal("PutRolePolicy", fields.EventName);
        Assert.Equal("Terraform/1.7.4 (+https://www.terraform.io)", fields.UserAgent);
        Assert.Equal("arn:aws:iam::111122223333:role/Admin", fields.UserIdentity?.SessionIssuerArn);
        Assert.True(fields.UserIdentity?.MfaAuthenticated);
        Assert.Equal("""{"bucketName":"logs","key":"a/b"}""", ReadFields(UserRecord).RequestParametersJson);
    }

    [Theory]
    [InlineData("""{"eventName":"caf\u00e9"}""", true, "a value with an escape")]
    [InlineData("{\"eventName\":\"café\"}", false, "a byte beyond ASCII")]
    [InlineData("{\"eventName\":\"a\tb\"}", false, "a control character")]
    [InlineData("""{"event\u004eame":"x"}""", false, "an escaped member name")]
    [InlineData("""{"readOnly":"True"}""", true, "a flag written as text")]
    [InlineData("""{"eventTime":{"at":1}}""", false, "an object where a time belongs")]
    [InlineData("""{"insightDetails":{"state":"Start"}}""", false, "an Insight event")]
    [InlineData("""{"eventName":"x",}""", false, "a trailing comma")]
    [InlineData("""{"eventName":01}""", false, "a number with a leading zero")]
    [InlineData("""{"eventName":tru}""", false, "a misspelt literal")]
    public void TryRead_OddRecord_ReadOrLeftToGeneralParser(string record, bool readHere, string description)
    {
        var data = Encoding.UTF8.GetBytes(record);
        var outcome = PlainRecordScanner.TryRead(data, 0, final: true, new CloudTrailRecordParser.RecordFields(), CloudTrailReaderOptions.Default, new Utf8StringCache(), out _);

        var expected = readHere ? PlainRecordScanner.Outcome.Read : PlainRecordScanner.Outcome.Unusual;
        Assert.True(expected == outcome, $"{description}: expected {expected}, got {outcome}");
    }

    [Fact]
    public void NameOf_EveryField_IdentifiesAsItself()
    {
        foreach (var field in Enum.GetValues<CloudTrailRecordParser.Field>().Where(field => field != CloudTrailRecordParser.Field.Other))
        {
            Assert.Equal(field, CloudTrailRecordParser.Identify(Encoding.ASCII.GetBytes(CloudTrailRecordParser.NameOf(field))));
        }

        foreach (var name in Enum.GetValues<UserIdentityParser.Name>().Where(name => name != UserIdentityParser.Name.Other))
        {
            Assert.Equal(name, UserIdentityParser.Identify(Encoding.ASCII.GetBytes(UserIdentityParser.NameOf(name))));
        }
    }

    [Fact]
    public async Task Reader_ChangingMemberOrder_SameResults()
    {
        // Each record swaps two members of the one before, so the member tried first is often wrong.
        var random = new Random(7);
        var members = SplitMembers(RoleRecord);
        var identity = members.FindIndex(member => member.StartsWith("\"userIdentity\"", StringComparison.Ordinal));
        var identityMembers = SplitMembers(members[identity]["\"userIdentity\":".Length..]);
        var records = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var a = random.Next(members.Count);
            var b = random.Next(members.Count);
            (members[a], members[b]) = (members[b], members[a]);

            // The identity's members change order too, and so do those of the session's issuer.
            var c = random.Next(identityMembers.Count);
            var d = random.Next(identityMembers.Count);
            (identityMembers[c], identityMembers[d]) = (identityMembers[d], identityMembers[c]);
            var reversedIssuer = identityMembers.Select(member => member.StartsWith("\"sessionContext\"", StringComparison.Ordinal) && i % 2 == 1
                ? member.Replace("\"type\":\"Role\",\"principalId\":\"AROAEXAMPLE\"", "\"principalId\":\"AROAEXAMPLE\",\"type\":\"Role\"", StringComparison.Ordinal)
                : member);
            members[members.FindIndex(member => member.StartsWith("\"userIdentity\"", StringComparison.Ordinal))] =
                "\"userIdentity\":{" + string.Join(",", reversedIssuer) + "}";
            records.Add("{" + string.Join(",", members) + "}");
        }

        var plain = await AssertSameAsync(Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", records) + "]}"), "order.json");
        Assert.Equal(200, plain.Events.Count);
    }

    [Fact]
    public async Task Reader_EqualLengthNames_NotConfused()
    {
        // eventName, eventType and eventTime have the same length and first letters, so only a
        // comparison of the whole name distinguishes the expected member from the one present.
        const string nameFirst = """{"eventTime":"2026-11-03T06:03:48Z","eventName":"GetObject","eventType":"AwsApiCall","eventID":"a"}""";
        const string typeFirst = """{"eventType":"AwsApiCall","eventTime":"2026-11-03T06:03:49Z","eventName":"PutObject","eventID":"b"}""";
        var content = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", nameFirst, typeFirst, nameFirst, typeFirst) + "]}");

        var plain = await AssertSameAsync(content, "equal-length.json");

        Assert.Equal(["GetObject", "PutObject", "GetObject", "PutObject"], plain.Events.Select(e => e.EventName));
        Assert.All(plain.Events, e => Assert.Equal("AwsApiCall", e.EventType));
    }

    [Fact]
    public async Task Reader_AlternatingIdentities_SameResults()
    {
        // The identity's type, account, invoking service and issuer change from record to record,
        // so a value remembered from the record before must not be taken for the next one.
        const string user = """{"eventTime":"2026-11-03T06:03:48Z","eventID":"u","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","userName":"bob"}}""";
        const string service = """{"eventTime":"2026-11-03T06:03:49Z","eventID":"s","userIdentity":{"type":"AWSService","accountId":"444455556666","invokedBy":"lambda.amazonaws.com"}}""";
        const string role = """{"eventTime":"2026-11-03T06:03:50Z","eventID":"r","userIdentity":{"type":"AssumedRole","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/Admin","userName":"Admin"}}}}""";
        const string otherRole = """{"eventTime":"2026-11-03T06:03:51Z","eventID":"o","userIdentity":{"type":"AssumedRole","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Root","arn":"arn:aws:iam::111122223333:role/Audit","userName":"Audit"}}}}""";
        string[] records = [user, service, role, otherRole, role, user, otherRole, service];
        var content = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", records) + "]}");

        var plain = await AssertSameAsync(content, "identities.json");

        var identities = plain.Events.Select(e => e.UserIdentity!).ToList();
        Assert.Equal(["IAMUser", "AWSService", "AssumedRole", "AssumedRole", "AssumedRole", "IAMUser", "AssumedRole", "AWSService"], identities.Select(i => i.Type));
        Assert.Equal("444455556666", identities[1].AccountId);
        Assert.Equal("111122223333", identities[2].AccountId);
        Assert.Equal([null, "lambda.amazonaws.com", null, null, null, null, null, "lambda.amazonaws.com"], identities.Select(i => i.InvokedBy));
        Assert.Equal([null, null, "Role", "Root", "Role", null, "Root", null], identities.Select(i => i.SessionIssuerType));
        Assert.Equal("arn:aws:iam::111122223333:role/Admin", identities[4].SessionIssuerArn);
        Assert.Equal("arn:aws:iam::111122223333:role/Audit", identities[6].SessionIssuerArn);
        Assert.Equal("Admin", identities[4].SessionIssuerUserName);
        Assert.Equal("Audit", identities[6].SessionIssuerUserName);
    }

    [Fact]
    public async Task Reader_RequestIdForms_SameResults()
    {
        // Plain request ids stay undecoded, and escaped, empty, null, numeric and overlong ones are decoded as before.
        string[] ids = ["\"F285\"", "\"a\\u0041b\"", "\"\"", "null", "42", "\"" + new string('r', 300) + "\""];
        var records = ids.Select((id, i) => $$"""{"eventTime":"2026-11-03T06:03:48Z","eventID":"e{{i}}","requestID":{{id}}}""");
        var content = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", records) + "]}");

        var plain = await AssertSameAsync(content, "request-ids.json");

        Assert.Equal(["F285", "aAb", "", null, "42", new string('r', 300)], plain.Events.Select(e => e.RequestId));
    }

    [Fact]
    public async Task Reader_DeferredRequestId_BehavesAsString()
    {
        var content = Encoding.UTF8.GetBytes("{\"Records\":[" + RoleRecord + "]}");
        var read = await CloudTrailRead.BytesAsync(content, "request-id.json");
        var deferred = Assert.Single(read.Events);
        var fromString = deferred with { RequestId = "F285" };

        Assert.Equal("F285", deferred.RequestId);
        Assert.Equal(fromString, deferred);
        Assert.Equal(fromString.GetHashCode(), deferred.GetHashCode());
        Assert.NotEqual(deferred, deferred with { RequestId = "F286" });
        Assert.Null((deferred with { RequestId = null }).RequestId);
        Assert.Contains("\"RequestId\":\"F285\"", System.Text.Json.JsonSerializer.Serialize(deferred), StringComparison.Ordinal);
        Assert.Contains("RequestId = F285", deferred.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_IdentityKeyAndNameForms_SameResults()
    {
        // Plain access keys and user names stay undecoded; the rest are decoded, and an empty key is null.
        string[] values = ["\"AKIAEXAMPLE\"", "\"b\\u006Fb\"", "\"\"", "null", "7", "true", "{}"];
        var records = values.Select((value, i) =>
            $$$"""{"eventTime":"2026-11-03T06:03:48Z","eventID":"e{{{i}}}","userIdentity":{"type":"IAMUser","accessKeyId":{{{value}}},"userName":{{{value}}}}}""");
        var content = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", records) + "]}");

        var plain = await AssertSameAsync(content, "identity-forms.json");

        var identities = plain.Events.Select(e => e.UserIdentity!).ToList();
        Assert.Equal(["AKIAEXAMPLE", "bob", null, null, "7", "true", null], identities.Select(i => i.AccessKeyId));
        Assert.Equal(["AKIAEXAMPLE", "bob", "", null, "7", "true", null], identities.Select(i => i.UserName));
        Assert.Equal(identities[0] with { AccessKeyId = "AKIAEXAMPLE", UserName = "AKIAEXAMPLE" }, identities[0]);
        Assert.NotEqual(identities[0] with { UserName = "alice" }, identities[0]);
    }

    [Fact]
    public async Task Reader_DetachedEvent_KeepsRequestId()
    {
        var content = Encoding.UTF8.GetBytes("{\"Records\":[" + RoleRecord + "]}");
        var read = await CloudTrailRead.BytesAsync(content, "detach.json");
        var deferred = Assert.Single(read.Events);

        var identity = deferred.UserIdentity!;
        var detached = deferred with
        {
            RawJson = new Vigil.Contracts.Text.Utf8JsonText(deferred.RawJson.Utf8.ToArray()),
            RequestId = deferred.RequestId,
            UserIdentity = identity with { AccessKeyId = identity.AccessKeyId, UserName = identity.UserName },
        };

        Assert.Equal(deferred, detached);
        Assert.Equal("F285", detached.RequestId);
        Assert.Equal("ASIAEXAMPLE", detached.UserIdentity!.AccessKeyId);
    }

    [Fact]
    public void TryRead_CutRecord_NeedsMoreData()
    {
        var data = Encoding.UTF8.GetBytes(RoleRecord);
        var fields = new CloudTrailRecordParser.RecordFields();
        var cache = new Utf8StringCache();

        foreach (var cut in new[] { 1, 20, 300, 700, data.Length - 1 })
        {
            Assert.Equal(PlainRecordScanner.Outcome.NeedMoreData, PlainRecordScanner.TryRead(data.AsSpan(0, cut), 0, final: false, fields, CloudTrailReaderOptions.Default, cache, out _));
            Assert.Equal(PlainRecordScanner.Outcome.Unusual, PlainRecordScanner.TryRead(data.AsSpan(0, cut), 0, final: true, fields, CloudTrailReaderOptions.Default, cache, out _));
        }
    }

    [Fact]
    public async Task Reader_Fixtures_SameResults()
    {
        foreach (var name in Directory.GetFiles(Fixture.PathOf("CloudTrail"), "*.json").Select(Path.GetFileName))
        {
            var content = Fixture.Bytes("CloudTrail/" + name);
            await AssertSameAsync(content, name!);
        }
    }

    [Fact]
    public async Task Reader_MutatedRecords_SameResults()
    {
        // Each file contains plain records with one mutated record among them, so every kind of fault
        // meets the scanner at the start, in the middle and at the end of a run of plain records.
        var random = new Random(20261205);
        var unusual = 0;
        for (var file = 0; file < 400; file++)
        {
            var records = new List<string> { RoleRecord, UserRecord, RoleRecord };
            var mutated = Mutate(random.Next(2) == 0 ? RoleRecord : UserRecord, random);
            records.Insert(random.Next(records.Count + 1), mutated);
            var content = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(random.Next(4) == 0 ? ",\n" : ",", records) + "]}");

            var plain = await AssertSameAsync(content, $"mutated-{file}.json");
            if (plain.Rejections.Count > 0 || plain.Summary.Error is not null)
            {
                unusual++;
            }
        }

        // The mutations must also produce faults, or the comparison proves little.
        Assert.InRange(unusual, 40, 360);
    }

    [Fact]
    public async Task Reader_OneBytePerRead_SameResults()
    {
        var content = Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", Enumerable.Repeat(RoleRecord + "," + UserRecord, 20)) + "]}");

        var general = await CloudTrailRead.StreamAsync(new OneBytePerReadStream(content), "trickle.json", General);
        var plain = await CloudTrailRead.StreamAsync(new OneBytePerReadStream(content), "trickle.json");

        Assert.Equal(40, plain.Events.Count);
        Assert.Equal(general.Events, plain.Events);
    }

    [SharedDataFact]
    public async Task Reader_SharedData_SameResults()
    {
        var files = Directory.EnumerateFiles(Path.Combine(SharedDataFactAttribute.Folder, "cloudtrail"), "*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        var events = 0;
        foreach (var path in files)
        {
            await using var content = await LogObjectStream.OpenAsync(File.OpenRead(path), 256L * 1024 * 1024, CancellationToken.None);
            using var bytes = new MemoryStream();
            await content.CopyToAsync(bytes);
            events += (await AssertSameAsync(bytes.ToArray(), Path.GetFileName(path))).Events.Count;
        }

        Assert.True(events > 1000, $"only {events} events in the shared CloudTrail files");
    }

    private static async Task<CloudTrailRead> AssertSameAsync(byte[] content, string name)
    {
        var general = await CloudTrailRead.BytesAsync(content, name, General);
        var plain = await CloudTrailRead.BytesAsync(content, name);

        Assert.Equal(general.Events, plain.Events);
        Assert.Equal(general.Rejections, plain.Rejections);
        Assert.Equal(general.Summary, plain.Summary);
        return plain;
    }

    private static CloudTrailRecordParser.RecordFields ReadFields(string record)
    {
        var fields = new CloudTrailRecordParser.RecordFields();
        var outcome = PlainRecordScanner.TryRead(Encoding.UTF8.GetBytes(record), 0, final: true, fields, CloudTrailReaderOptions.Default, new Utf8StringCache(), out _);
        Assert.Equal(PlainRecordScanner.Outcome.Read, outcome);
        return fields;
    }

    /// <summary>The top-level members of a well-formed record, each as its name, colon and value.</summary>
    private static List<string> SplitMembers(string record)
    {
        var members = new List<string>();
        var start = 1;
        while (start < record.Length - 1)
        {
            var colon = record.IndexOf(':', start);
            var end = ValueEnd(record, colon + 1);
            members.Add(record[start..end]);
            start = end + 1;
        }

        return members;
    }

    /// <summary>One random change to a record: whitespace, an escape, odd bytes or types, a cut, or a broken token.</summary>
    private static string Mutate(string record, Random random)
    {
        var at = random.Next(record.Length);
        string[] inserts =
        [
            " ", "\n", "\t", "\\u0041", "\\u00G1", "\\u12", "\\\"", "\\n", "é", "\u2028", "\u0001", "\\x", "\\ud800", ",", ":", "{", "}", "[", "]", "\"",
            "-", "0", "01", "1e", "1.", "true", "nul", "\\", "{\"k\":[1,{\"j\":null}]}", new string('[', 70) + new string(']', 70),
        ];

        return random.Next(6) switch
        {
            0 => record.Insert(at, inserts[random.Next(inserts.Length)]),
            1 => record.Remove(at, 1),
            2 => record[..at],
            3 => ReplaceValue(record, random, ["1", "-0.5E+2", "true", "false", "null", "{}", "[]", "{\"a\":{\"b\":[\"c\"]}}", "\"\"", "\"x\\u00e9y\"", "\"2026-11-03T06:03:48+02:00\""]),
            4 => ReplaceValue(record, random, ["\"True\"", "\"" + new string('a', 200) + "\"", "\"caf\\u00e9\"", "{\"type\":\"Root\"}", "[{\"sessionIssuer\":1}]"]),
            _ => record.Replace("\"eventName\"", inserts[random.Next(3)] + "\"eventName\"" + inserts[random.Next(3)], StringComparison.Ordinal),
        };
    }

    /// <summary>Replaces the value after one of the record's member names with one of <paramref name="values"/>.</summary>
    private static string ReplaceValue(string record, Random random, string[] values)
    {
        string[] names = ["eventTime", "eventName", "readOnly", "userIdentity", "sessionContext", "mfaAuthenticated", "requestParameters", "eventID", "userAgent", "accessKeyId", "arn", "attributes"];
        var name = "\"" + names[random.Next(names.Length)] + "\":";
        var start = record.IndexOf(name, StringComparison.Ordinal);
        if (start < 0)
        {
            return record;
        }

        start += name.Length;
        var end = ValueEnd(record, start);
        return record[..start] + values[random.Next(values.Length)] + record[end..];
    }

    /// <summary>The end of the JSON value starting at <paramref name="start"/> in a well-formed record.</summary>
    private static int ValueEnd(string record, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < record.Length; i++)
        {
            var c = record[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    if (depth == 0)
                    {
                        return i;
                    }

                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }

                    break;
                case ',' when depth == 0:
                    return i;
            }
        }

        return record.Length;
    }
}
