using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Text;

namespace Vigil.Ingestion.CloudTrail;

/// <summary>
/// Reads a CloudTrail record written the way AWS writes nearly all of them: strings of printable
/// ASCII, no <c>insightDetails</c>, and nesting of at most <see cref="MaxNesting"/>
/// levels. Such a record is read straight from its bytes, without <see cref="System.Text.Json.Utf8JsonReader"/>,
/// into the same <see cref="CloudTrailRecordParser.RecordFields"/> the general parser fills.
/// </summary>
/// <remarks>
/// Everything this scanner accepts is valid JSON that the general parser reads to the same fields:
/// a string without escapes needs no decoding and no UTF-8 check, and one with escapes is decoded
/// by <see cref="Utf8JsonReader"/> as the general parser does. Anything else (an escaped member
/// name, a byte outside printable ASCII, a control character, a malformed token, deeper nesting, a record longer
/// than the limit, a field whose value the general parser treats as an error) gives
/// <see cref="Outcome.Unusual"/>, and the caller reads the record with the general parser, which
/// also reports any fault with its reason.
/// </remarks>
internal static class PlainRecordScanner
{
    /// <summary>Deepest nesting inside a record that is scanned here; the general parser takes deeper records.</summary>
    public const int MaxNesting = 60;

    // Bytes that may stand in a string as they are: printable ASCII and DEL, except the quote and the backslash.
    private static readonly SearchValues<byte> PlainStringBytes = SearchValues.Create(
        Enumerable.Range(0x20, 0x60).Where(value => value is not ('"' or '\\')).Select(value => (byte)value).ToArray());

    public enum Outcome
    {
        /// <summary>The record was read; its end is known.</summary>
        Read,

        /// <summary>The record is not in the plain form; read it with the general parser.</summary>
        Unusual,

        /// <summary>The data ends inside the record, which may still be plain.</summary>
        NeedMoreData,
    }

    /// <summary>
    /// Reads the record whose opening brace is at <paramref name="start"/> into <paramref name="fields"/>
    /// and returns where it ends (after its closing brace) in <paramref name="end"/>. When <paramref name="buffer"/>
    /// is given, <paramref name="data"/> must be its start, and the identity's access key and user name
    /// are kept as slices of it, so the caller must not write to it again once it keeps the record.
    /// </summary>
    public static Outcome TryRead(
        ReadOnlySpan<byte> data, int start, bool final, CloudTrailRecordParser.RecordFields fields,
        CloudTrailReaderOptions options, Utf8StringCache cache, out int end, byte[]? buffer = null)
    {
        end = start;
        // The record sits two levels down in its file, and userIdentity's sessionContext sections
        // add three more. A container in any field may nest this much further within the reader's limit.
        var nesting = Math.Min(MaxNesting, options.MaxDepth - 8);
        if (nesting < 1)
        {
            return Outcome.Unusual;
        }

        // A record longer than the limit is the general parser's to reject or discard.
        var limit = (int)Math.Min(data.Length, (long)start + options.MaxRecordBytes);
        var more = limit == data.Length && data.Length - start < options.MaxRecordBytes && !final;
        var cursor = new Cursor(data[..limit], start, more ? Outcome.NeedMoreData : Outcome.Unusual, nesting, buffer);
        fields.Clear();
        if (!ReadRecord(ref cursor, fields, options, cache))
        {
            return cursor.Failure;
        }

        end = cursor.Position;
        return Outcome.Read;
    }

    private static bool ReadRecord(ref Cursor cursor, CloudTrailRecordParser.RecordFields fields, CloudTrailReaderOptions options, Utf8StringCache cache)
    {
        if (!cursor.Expect((byte)'{'))
        {
            return false;
        }

        if (!cursor.TryEndObject(out var empty))
        {
            return false;
        }

        var previous = fields.FollowingField.Length - 1;
        if (!empty && !ReadExpectedName(ref cursor, fields.FollowingField, FieldNames, ref previous))
        {
            return false;
        }

        while (!empty)
        {
            if (!ReadField(ref cursor, (CloudTrailRecordParser.Field)previous, fields, options, cache)
                || !ReadNextName(ref cursor, fields.FollowingField, FieldNames, ref previous, out empty))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads one top-level field as <c>CloudTrailRecordParser.ReadField</c> does.</summary>
    private static bool ReadField(ref Cursor cursor, CloudTrailRecordParser.Field field, CloudTrailRecordParser.RecordFields fields, CloudTrailReaderOptions options, Utf8StringCache cache)
    {
        var max = options.MaxStringLength;
        switch (field)
        {
            case CloudTrailRecordParser.Field.EventTime:
                return ReadEventTime(ref cursor, fields, max);
            case CloudTrailRecordParser.Field.EventId:
                return cursor.ReadText(max, null, null, out fields.EventId);
            case CloudTrailRecordParser.Field.EventVersion:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.EventVersion);
            case CloudTrailRecordParser.Field.EventSource:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.EventSource);
            case CloudTrailRecordParser.Field.EventName:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.EventName);
            case CloudTrailRecordParser.Field.AwsRegion:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.AwsRegion);
            case CloudTrailRecordParser.Field.SourceIpAddress:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.SourceIpAddress);
            case CloudTrailRecordParser.Field.UserAgent:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.UserAgent);
            case CloudTrailRecordParser.Field.ErrorCode:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.ErrorCode);
            case CloudTrailRecordParser.Field.ErrorMessage:
                return cursor.ReadText(max, null, null, out fields.ErrorMessage);
            case CloudTrailRecordParser.Field.EventType:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.EventType);
            case CloudTrailRecordParser.Field.EventCategory:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.EventCategory);
            case CloudTrailRecordParser.Field.RecipientAccountId:
                return cursor.ReadText(max, cache, fields.Recent(field), out fields.RecipientAccountId);
            case CloudTrailRecordParser.Field.RequestId:
                // No detector reads the request id, so the event decodes it only when something does.
                return cursor.ReadDeferredText(max, out fields.RequestId);
            case CloudTrailRecordParser.Field.ReadOnly:
                return ReadFlag(ref cursor, out fields.ReadOnly);
            case CloudTrailRecordParser.Field.ManagementEvent:
                return ReadFlag(ref cursor, out fields.ManagementEvent);
            case CloudTrailRecordParser.Field.RequestParameters:
                return cursor.ReadRaw(out fields.RequestParametersJson);
            case CloudTrailRecordParser.Field.ResponseElements:
                return cursor.ReadRaw(out fields.ResponseElementsJson);
            case CloudTrailRecordParser.Field.AdditionalEventData:
                return cursor.ReadRaw(out fields.AdditionalEventDataJson);
            case CloudTrailRecordParser.Field.UserIdentity:
                return ReadUserIdentity(ref cursor, fields, options, cache, out fields.UserIdentity);
            case CloudTrailRecordParser.Field.InsightDetails:
                // Insight events are rare; the general parser reads them.
                return cursor.Unusual();
            default:
                return cursor.SkipValue(out _);
        }
    }

    private static bool ReadEventTime(ref Cursor cursor, CloudTrailRecordParser.RecordFields fields, int max)
    {
        if (max >= 20 && cursor.TryReadUtcSeconds(out var time))
        {
            fields.HasEventTime = true;
            fields.EventTime = time;
            fields.EventTimeText = null;
            return true;
        }

        if (!cursor.ReadScalar(out var kind, out var start, out var end))
        {
            return false;
        }

        if (kind == ValueKind.String && max >= 20 && CloudTrailRecordParser.TryParseUtcSeconds(cursor.Slice(start, end), out time))
        {
            fields.HasEventTime = true;
            fields.EventTime = time;
            fields.EventTimeText = null;
            return true;
        }

        // An object or array is an error that the general parser reports.
        if (kind == ValueKind.Container)
        {
            return cursor.Unusual();
        }

        fields.HasEventTime = false;
        return cursor.TextOf(kind, start, end, max, null, null, out fields.EventTimeText);
    }

    private static bool ReadFlag(ref Cursor cursor, out bool? value)
    {
        value = null;
        if (!cursor.ReadScalar(out var kind, out var start, out var end))
        {
            return false;
        }

        switch (kind)
        {
            case ValueKind.True:
                value = true;
                return true;
            case ValueKind.False:
                value = false;
                return true;
            case ValueKind.String or ValueKind.EscapedString:
                // Text such as "True" counts, as in the general parser, which does not cut it first.
                cursor.TextOf(kind, start, end, int.MaxValue, null, null, out var text);
                value = bool.TryParse(text, out var parsed) ? parsed : null;
                return true;
            default:
                return true;
        }
    }

    /// <summary>Reads <c>userIdentity</c> as <c>UserIdentityParser.TryRead</c> does.</summary>
    private static bool ReadUserIdentity(
        ref Cursor cursor, CloudTrailRecordParser.RecordFields fields, CloudTrailReaderOptions options, Utf8StringCache cache, out UserIdentity? identity)
    {
        identity = null;
        if (!cursor.PeekObject(out var isObject))
        {
            return false;
        }

        if (!isObject)
        {
            return cursor.SkipValue(out _);
        }

        var max = options.MaxStringLength;
        string? type = null, principalId = null, arn = null, accountId = null, invokedBy = null;
        string? identityProvider = null;
        DeferredText accessKeyId = default, userName = default;
        UserIdentityParser.SessionContext session = default;
        if (!cursor.Expect((byte)'{') || !cursor.TryEndObject(out var empty))
        {
            return false;
        }

        var previous = fields.FollowingIdentityName.Length - 1;
        if (!empty && !ReadExpectedName(ref cursor, fields.FollowingIdentityName, IdentityNames, ref previous))
        {
            return false;
        }

        while (!empty)
        {
            var ok = (UserIdentityParser.Name)previous switch
            {
                UserIdentityParser.Name.Type => cursor.ReadText(max, cache, fields.RecentIdentity(UserIdentityParser.Name.Type), out type),
                UserIdentityParser.Name.PrincipalId => cursor.ReadText(max, null, null, out principalId),
                UserIdentityParser.Name.Arn => cursor.ReadText(max, null, null, out arn),
                UserIdentityParser.Name.AccountId => cursor.ReadText(max, cache, fields.RecentIdentity(UserIdentityParser.Name.AccountId), out accountId),
                UserIdentityParser.Name.AccessKeyId => cursor.ReadDeferredText(max, out accessKeyId),
                UserIdentityParser.Name.UserName => cursor.ReadDeferredText(max, out userName),
                UserIdentityParser.Name.InvokedBy => cursor.ReadText(max, cache, fields.RecentIdentity(UserIdentityParser.Name.InvokedBy), out invokedBy),
                UserIdentityParser.Name.IdentityProvider => cursor.ReadText(max, null, null, out identityProvider),
                UserIdentityParser.Name.SessionContext => ReadSessionContext(ref cursor, fields, max, cache, out session),
                _ => cursor.SkipValue(out _),
            };
            if (!ok || !ReadNextName(ref cursor, fields.FollowingIdentityName, IdentityNames, ref previous, out empty))
            {
                return false;
            }
        }

        // The general parser gives a null access key for an empty one.
        if (accessKeyId.IsEmptyString)
        {
            accessKeyId = default;
        }

        identity = UserIdentityParser.Create(type, principalId, arn, accountId, accessKeyId, userName, invokedBy, identityProvider, session);
        return true;
    }

    /// <summary>
    /// Reads a member name and its colon, and leaves its number in <paramref name="previous"/>.
    /// AWS writes the members of one kind of object in one order, so the member that followed
    /// <paramref name="previous"/> last time (from <paramref name="following"/>, whose last slot is
    /// for an object's first member) is tried first, with one comparison of its quoted name.
    /// Otherwise the name is read in full, identified and remembered.
    /// </summary>
    private static bool ReadExpectedName(ref Cursor cursor, int[] following, MemberNames names, ref int previous)
    {
        var name = following[previous];
        if (name == MemberNames.Other || !cursor.TryConsume(in names.Prefixes[name]))
        {
            if (!cursor.ReadName(out var nameStart, out var nameEnd))
            {
                return false;
            }

            name = names.Identify(cursor.Slice(nameStart, nameEnd));
            following[previous] = name;
        }

        previous = name;
        return true;
    }

    /// <summary>
    /// After a member's value: consumes the comma and the next member's name and colon, and leaves
    /// its number in <paramref name="previous"/>, or consumes the closing brace and sets
    /// <paramref name="ended"/>. A comma followed at once by the expected name is matched with one
    /// comparison. Anything else goes through <see cref="Cursor.NextMember"/> and
    /// <see cref="ReadExpectedName"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadNextName(ref Cursor cursor, int[] following, MemberNames names, ref int previous, out bool ended)
    {
        var expected = following[previous];
        if (expected != MemberNames.Other && cursor.TryConsume(in names.PrefixesAfterComma[expected]))
        {
            ended = false;
            previous = expected;
            return true;
        }

        return ReadOtherNextName(ref cursor, following, names, ref previous, out ended);
    }

    private static bool ReadOtherNextName(ref Cursor cursor, int[] following, MemberNames names, ref int previous, out bool ended) =>
        cursor.NextMember(out ended) && (ended || ReadExpectedName(ref cursor, following, names, ref previous));

    private static readonly MemberNames FieldNames = new(
        Enum.GetValues<CloudTrailRecordParser.Field>().Select(field => (int)field).ToArray(),
        number => CloudTrailRecordParser.NameOf((CloudTrailRecordParser.Field)number),
        name => (int)CloudTrailRecordParser.Identify(name));

    private static readonly MemberNames IdentityNames = new(
        Enum.GetValues<UserIdentityParser.Name>().Select(name => (int)name).ToArray(),
        number => UserIdentityParser.NameOf((UserIdentityParser.Name)number),
        name => (int)UserIdentityParser.Identify(name));

    private delegate int NameIdentifier(ReadOnlySpan<byte> name);

    /// <summary>
    /// The member names of one enum of known names, whose value 0 stands for any other name. It has
    /// each known name in quotes with its colon, indexed by its number, and the function that
    /// identifies a name read in full.
    /// </summary>
    private sealed class MemberNames(int[] numbers, Func<int, string> nameOf, NameIdentifier identify)
    {
        public const int Other = 0;

        public QuotedName[] Prefixes { get; } = numbers
            .Select(number => new QuotedName(number == Other ? [] : Encoding.ASCII.GetBytes($"\"{nameOf(number)}\":")))
            .ToArray();

        /// <summary>The same names with the comma before them.</summary>
        public QuotedName[] PrefixesAfterComma { get; } = numbers
            .Select(number => new QuotedName(number == Other ? [] : Encoding.ASCII.GetBytes($",\"{nameOf(number)}\":")))
            .ToArray();

        public NameIdentifier Identify { get; } = identify;
    }

    /// <summary>
    /// A member name in quotes with its colon, as bytes and as a vector with a mask over its length,
    /// so that where 32 bytes remain one masked comparison tests for it.
    /// </summary>
    private readonly struct QuotedName
    {
        public QuotedName(byte[] bytes)
        {
            if (bytes.Length > Vector256<byte>.Count)
            {
                throw new ArgumentException($"The quoted name is {bytes.Length} bytes, more than {Vector256<byte>.Count}.", nameof(bytes));
            }

            Bytes = bytes;
            Span<byte> padded = stackalloc byte[Vector256<byte>.Count];
            Span<byte> mask = stackalloc byte[Vector256<byte>.Count];
            bytes.CopyTo(padded);
            mask[..bytes.Length].Fill(0xFF);
            Vector = Vector256.Create<byte>(padded);
            Mask = Vector256.Create<byte>(mask);
        }

        public byte[] Bytes { get; }

        public Vector256<byte> Vector { get; }

        public Vector256<byte> Mask { get; }
    }

    /// <summary>
    /// Reads <c>sessionContext</c> as <c>UserIdentityParser</c> does: the members of its sections
    /// (<c>sessionIssuer</c>, <c>attributes</c>, <c>webIdFederationData</c>) whose values are scalars.
    /// A value that is not an object leaves the context empty.
    /// </summary>
    private static bool ReadSessionContext(
        ref Cursor cursor, CloudTrailRecordParser.RecordFields fields, int max, Utf8StringCache cache, out UserIdentityParser.SessionContext context)
    {
        context = default;
        if (!cursor.PeekObject(out var isObject))
        {
            return false;
        }

        if (!isObject)
        {
            return cursor.SkipValue(out _);
        }

        if (!cursor.Expect((byte)'{') || !cursor.TryEndObject(out var empty))
        {
            return false;
        }

        while (!empty)
        {
            if (!cursor.ReadName(out var sectionStart, out var sectionEnd) || !cursor.PeekObject(out var sectionIsObject))
            {
                return false;
            }

            if (!sectionIsObject)
            {
                if (!cursor.SkipValue(out _) || !cursor.NextMember(out empty))
                {
                    return false;
                }

                continue;
            }

            var section = UserIdentityParser.Identify(cursor.Slice(sectionStart, sectionEnd));
            if (!cursor.Expect((byte)'{') || !cursor.TryEndObject(out var sectionEmpty))
            {
                return false;
            }

            var previous = fields.FollowingSessionName.Length - 1;
            while (!sectionEmpty)
            {
                if (!ReadExpectedName(ref cursor, fields.FollowingSessionName, IdentityNames, ref previous) || !cursor.ReadScalar(out var kind, out var start, out var end))
                {
                    return false;
                }

                var name = (UserIdentityParser.Name)previous;
                if (kind != ValueKind.Container && !ReadSessionValue(ref cursor, fields, section, name, kind, start, end, max, cache, ref context))
                {
                    return false;
                }

                if (!cursor.NextMember(out sectionEmpty))
                {
                    return false;
                }
            }

            if (!cursor.NextMember(out empty))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ReadSessionValue(
        ref Cursor cursor, CloudTrailRecordParser.RecordFields fields, UserIdentityParser.Name section, UserIdentityParser.Name name, ValueKind kind, int start, int end,
        int max, Utf8StringCache cache,
        ref UserIdentityParser.SessionContext context)
    {
        switch (section, name)
        {
            case (UserIdentityParser.Name.SessionIssuer, UserIdentityParser.Name.Type):
                return cursor.TextOf(kind, start, end, max, cache, fields.RecentIssuer(name), out context.IssuerType);
            case (UserIdentityParser.Name.SessionIssuer, UserIdentityParser.Name.Arn):
                return cursor.TextOf(kind, start, end, max, cache, fields.RecentIssuer(name), out context.IssuerArn);
            case (UserIdentityParser.Name.SessionIssuer, UserIdentityParser.Name.UserName):
                return cursor.TextOf(kind, start, end, max, cache, fields.RecentIssuer(name), out context.IssuerUserName);
            case (UserIdentityParser.Name.Attributes, UserIdentityParser.Name.MfaAuthenticated):
                if (!cursor.TextOf(kind, start, end, max, cache, null, out var mfa))
                {
                    return false;
                }

                context.MfaAuthenticated = bool.TryParse(mfa, out var value) ? value : null;
                return true;
            case (UserIdentityParser.Name.WebIdFederationData, UserIdentityParser.Name.FederatedProvider):
                return cursor.TextOf(kind, start, end, max, cache, null, out context.FederatedProvider);
            default:
                return true;
        }
    }

    private enum ValueKind
    {
        String,
        EscapedString,
        Number,
        True,
        False,
        Null,
        Container,
    }

    /// <summary>A position in the record's bytes and why the scan stopped, when it did.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> data, int position, Outcome ranOut, int maxNesting, byte[]? buffer)
    {
        private readonly ReadOnlySpan<byte> data = data;

        // The array that data starts at, or null when the caller did not give it.
        private readonly byte[]? buffer = buffer;

        public int Position = position;

        public Outcome Failure = Outcome.Unusual;

        public readonly ReadOnlySpan<byte> Slice(int start, int end) => data[start..end];

        public bool Unusual()
        {
            Failure = Outcome.Unusual;
            return false;
        }

        /// <summary>Skips whitespace; false when the data ends, with <see cref="Failure"/> set.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool SkipSpace() =>
            ((uint)Position < (uint)data.Length && data[Position] > (byte)' ') || SkipSpaceSlowly();

        private bool SkipSpaceSlowly()
        {
            while (Position < data.Length)
            {
                var value = data[Position];
                if (value > (byte)' ' || value is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
                {
                    return true;
                }

                Position++;
            }

            return RanOut();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Expect(byte value)
        {
            if (!SkipSpace())
            {
                return false;
            }

            if (data[Position] != value)
            {
                return Unusual();
            }

            Position++;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool PeekObject(out bool isObject)
        {
            isObject = false;
            if (!SkipSpace())
            {
                return false;
            }

            isObject = data[Position] == (byte)'{';
            return true;
        }

        /// <summary>Consumes <paramref name="name"/> when the data continues with it after any whitespace.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryConsume(in QuotedName name)
        {
            // Running out of data here is not yet a failure, because the caller reads the name in full.
            if (!SkipSpace())
            {
                return false;
            }

            if (Vector256.IsHardwareAccelerated && data.Length - Position >= Vector256<byte>.Count)
            {
                var bytes = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(data), (nuint)Position);
                if ((bytes & name.Mask) != name.Vector)
                {
                    return false;
                }
            }
            else if (!data[Position..].StartsWith(name.Bytes))
            {
                return false;
            }

            Position += name.Bytes.Length;
            return true;
        }

        /// <summary>Just after an opening brace: consumes a closing brace if one follows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryEndObject(out bool ended)
        {
            ended = false;
            if (!SkipSpace())
            {
                return false;
            }

            if (data[Position] == (byte)'}')
            {
                Position++;
                ended = true;
            }

            return true;
        }

        /// <summary>After a member's value: consumes the comma before the next member, or the closing brace.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool NextMember(out bool ended)
        {
            ended = false;
            if (!SkipSpace())
            {
                return false;
            }

            switch (data[Position])
            {
                case (byte)',':
                    Position++;
                    return true;
                case (byte)'}':
                    Position++;
                    ended = true;
                    return true;
                default:
                    return Unusual();
            }
        }

        /// <summary>
        /// Reads a string of exactly the form <c>yyyy-MM-ddTHH:mm:ssZ</c> right at the position. Returns
        /// false, without moving, for anything else. The form has no quote, backslash or control
        /// character, so the quote after its 20 bytes ends the string.
        /// </summary>
        public bool TryReadUtcSeconds(out DateTimeOffset time)
        {
            time = default;
            if (data.Length - Position < 22 || data[Position] != (byte)'"' || data[Position + 21] != (byte)'"'
                || !CloudTrailRecordParser.TryParseUtcSeconds(data.Slice(Position + 1, 20), out time))
            {
                return false;
            }

            Position += 22;
            return true;
        }

        /// <summary>Reads a member's name and its colon; the name is the bytes between the quotes.</summary>
        public bool ReadName(out int start, out int end)
        {
            end = 0;
            start = 0;
            if (!SkipSpace())
            {
                return false;
            }

            if (data[Position] != (byte)'"')
            {
                return Unusual();
            }

            if (!ReadString(out start, out end, out var escaped))
            {
                return false;
            }

            // An escaped name is compared after decoding by the general parser.
            return escaped ? Unusual() : Expect((byte)':');
        }

        /// <summary>
        /// At an opening quote: reads a string of printable ASCII, whose content is between
        /// <paramref name="start"/> and <paramref name="end"/>, checking any escapes in it.
        /// </summary>
        private bool ReadString(out int start, out int end, out bool escaped)
        {
            start = Position + 1;
            end = start;
            escaped = false;
            var at = start;
            while (true)
            {
                at = SkipPlain(at);
                if (at == data.Length)
                {
                    return RanOut();
                }

                var value = data[at];
                if (value == (byte)'"')
                {
                    end = at;
                    Position = at + 1;
                    return true;
                }

                // A control character or a byte beyond ASCII.
                if (value != (byte)'\\')
                {
                    return Unusual();
                }

                escaped = true;
                if (at + 1 >= data.Length)
                {
                    return RanOut();
                }

                switch (data[at + 1])
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                        at += 2;
                        break;
                    case (byte)'u':
                        if (at + 6 > data.Length)
                        {
                            return RanOut();
                        }

                        if (!IsHex(data[at + 2]) || !IsHex(data[at + 3]) || !IsHex(data[at + 4]) || !IsHex(data[at + 5]))
                        {
                            return Unusual();
                        }

                        at += 6;
                        break;
                    default:
                        return Unusual();
                }
            }
        }

        /// <summary>
        /// Returns the position of the first byte from <paramref name="at"/> on that cannot stand in a
        /// string as it is (a quote, a backslash, a control character or a byte beyond ASCII), or the
        /// end of the data. Checks 32 bytes at a time where it can.
        /// </summary>
        private readonly int SkipPlain(int at)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var quote = Vector256.Create((byte)'"');
                var backslash = Vector256.Create((byte)'\\');
                var space = Vector256.Create((sbyte)' ');
                while (at + Vector256<byte>.Count <= data.Length)
                {
                    var bytes = Vector256.Create(data.Slice(at, Vector256<byte>.Count));

                    // As signed bytes, those beyond ASCII are negative, so one comparison finds them and the control characters.
                    var stops = Vector256.Equals(bytes, quote) | Vector256.Equals(bytes, backslash) | Vector256.LessThan(bytes.AsSByte(), space).AsByte();
                    var mask = stops.ExtractMostSignificantBits();
                    if (mask != 0)
                    {
                        return at + BitOperations.TrailingZeroCount(mask);
                    }

                    at += Vector256<byte>.Count;
                }
            }

            var rest = data[at..].IndexOfAnyExcept(PlainStringBytes);
            return rest < 0 ? data.Length : at + rest;
        }

        private static bool IsHex(byte value) => char.IsAsciiHexDigit((char)value);

        /// <summary>
        /// Reads a value. A string gives its content, a number its text, and an object or array is
        /// skipped and gives its raw bounds.
        /// </summary>
        public bool ReadScalar(out ValueKind kind, out int start, out int end)
        {
            kind = ValueKind.Null;
            start = end = 0;
            if (!SkipSpace())
            {
                return false;
            }

            switch (data[Position])
            {
                case (byte)'"':
                    var read = ReadString(out start, out end, out var escaped);
                    kind = escaped ? ValueKind.EscapedString : ValueKind.String;
                    return read;
                case (byte)'{' or (byte)'[':
                    kind = ValueKind.Container;
                    start = Position;
                    var skipped = SkipContainer();
                    end = Position;
                    return skipped;
                case (byte)'t':
                    kind = ValueKind.True;
                    return Literal("true"u8);
                case (byte)'f':
                    kind = ValueKind.False;
                    return Literal("false"u8);
                case (byte)'n':
                    kind = ValueKind.Null;
                    return Literal("null"u8);
                default:
                    kind = ValueKind.Number;
                    start = Position;
                    var number = ReadNumber();
                    end = Position;
                    return number;
            }
        }

        /// <summary>Skips any value; <paramref name="start"/> is where it began.</summary>
        public bool SkipValue(out int start)
        {
            if (!SkipSpace())
            {
                start = Position;
                return false;
            }

            start = Position;
            return ReadScalar(out _, out _, out _);
        }

        /// <summary>Reads a value's raw JSON as text, or null for a JSON null, as the general parser keeps payloads.</summary>
        public bool ReadRaw(out string? json)
        {
            json = null;
            if (!SkipSpace())
            {
                return false;
            }

            var start = Position;
            if (!ReadScalar(out var kind, out _, out _))
            {
                return false;
            }

            if (kind != ValueKind.Null)
            {
                json = Encoding.Latin1.GetString(data[start..Position]);
            }

            return true;
        }

        /// <summary>Reads a value as text, as <c>CloudTrailRecordParser.ReadString</c> does.</summary>
        public bool ReadText(int max, Utf8StringCache? cache, RepeatedText? recent, out string? text)
        {
            text = null;
            if ((uint)Position < (uint)data.Length && data[Position] == (byte)'"')
            {
                // The usual case is a string without escapes right after the colon. Its closing
                // quote is then the first byte at which SkipPlain stops.
                var contentStart = Position + 1;
                var stop = SkipPlain(contentStart);
                if (stop < data.Length && data[stop] == (byte)'"')
                {
                    Position = stop + 1;
                    return PlainText(contentStart, stop, max, cache, recent, out text);
                }

                return ReadString(out var stringStart, out var stringEnd, out var escaped)
                    && TextOf(escaped ? ValueKind.EscapedString : ValueKind.String, stringStart, stringEnd, max, cache, recent, out text);
            }

            return ReadScalar(out var kind, out var start, out var end) && TextOf(kind, start, end, max, cache, recent, out text);
        }

        /// <summary>
        /// Reads a value as <see cref="ReadText"/> does without a cache. A non-empty string without
        /// escapes is kept as a slice of the buffer when the cursor has one.
        /// </summary>
        public bool ReadDeferredText(int max, out DeferredText value)
        {
            value = default;
            if (buffer is not null && (uint)Position < (uint)data.Length && data[Position] == (byte)'"')
            {
                var contentStart = Position + 1;
                var stop = SkipPlain(contentStart);
                if (stop < data.Length && data[stop] == (byte)'"' && stop > contentStart)
                {
                    if (stop - contentStart > max)
                    {
                        // The general parser cuts it to the limit.
                        return Unusual();
                    }

                    Position = stop + 1;
                    value = DeferredText.FromUtf8(buffer.AsMemory(contentStart, stop - contentStart));
                    return true;
                }
            }

            var read = ReadText(max, null, null, out var text);
            value = new DeferredText(text);
            return read;
        }

        /// <summary>The text of a string without escapes, whose content is between <paramref name="start"/> and <paramref name="end"/>.</summary>
        private bool PlainText(int start, int end, int max, Utf8StringCache? cache, RepeatedText? recent, out string? text)
        {
            text = null;
            var value = data[start..end];
            if (value.Length > max)
            {
                // The general parser cuts it to the limit.
                return Unusual();
            }

            if (cache is null || value.Length > Utf8StringCache.MaxCachedBytes)
            {
                text = value.IsEmpty ? string.Empty : Encoding.Latin1.GetString(value);
            }
            else if (recent is not null && recent.Matches(value))
            {
                text = recent.Text;
            }
            else
            {
                text = cache.Get(value);
                recent?.Remember(value, text);
            }

            return true;
        }

        /// <summary>
        /// The text of a value read by <see cref="ReadScalar"/>, as <c>CloudTrailRecordParser.ReadScalarText</c>
        /// gives it: a string as it is, a number or boolean as its JSON text, and null for the rest.
        /// </summary>
        public bool TextOf(ValueKind kind, int start, int end, int max, Utf8StringCache? cache, RepeatedText? recent, out string? text)
        {
            text = null;
            switch (kind)
            {
                case ValueKind.String:
                    return PlainText(start, end, max, cache, recent, out text);
                case ValueKind.EscapedString:
                    // Decoded as the general parser decodes it, including its handling of lone surrogates.
                    var quoted = new Utf8JsonReader(data[(start - 1)..(end + 1)]);
                    quoted.Read();
                    text = CloudTrailRecordParser.Truncate(CloudTrailRecordParser.GetStringOrRawText(ref quoted), max);
                    return true;
                case ValueKind.Number:
                    text = Encoding.Latin1.GetString(data[start..end]);
                    return true;
                case ValueKind.True:
                    text = "true";
                    return true;
                case ValueKind.False:
                    text = "false";
                    return true;
                default:
                    return true;
            }
        }

        private bool Literal(ReadOnlySpan<byte> literal)
        {
            var rest = data[Position..];
            if (rest.Length < literal.Length)
            {
                return literal.StartsWith(rest) ? RanOut() : Unusual();
            }

            if (!rest.StartsWith(literal))
            {
                return Unusual();
            }

            Position += literal.Length;
            return true;
        }

        /// <summary>Reads a number of the JSON grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
        private bool ReadNumber()
        {
            if (Position < data.Length && data[Position] == (byte)'-')
            {
                Position++;
            }

            if (Position >= data.Length)
            {
                return RanOut();
            }

            if (data[Position] == (byte)'0')
            {
                Position++;
            }
            else if (!Digits())
            {
                return false;
            }

            if (Position < data.Length && data[Position] == (byte)'.')
            {
                Position++;
                if (!Digits())
                {
                    return false;
                }
            }

            if (Position < data.Length && (data[Position] | 0x20) == (byte)'e')
            {
                Position++;
                if (Position < data.Length && data[Position] is (byte)'+' or (byte)'-')
                {
                    Position++;
                }

                if (!Digits())
                {
                    return false;
                }
            }

            // A number ends the data only when the record is cut, since a brace must follow it.
            return Position < data.Length || RanOut();
        }

        /// <summary>One or more digits.</summary>
        private bool Digits()
        {
            var start = Position;
            while (Position < data.Length && (uint)(data[Position] - '0') <= 9)
            {
                Position++;
            }

            if (Position == data.Length)
            {
                return RanOut();
            }

            return Position > start || Unusual();
        }

        /// <summary>
        /// Skips an object or array at the position, checking its grammar, with the kind of each
        /// open container kept as one bit (1 for an object).
        /// </summary>
        private bool SkipContainer()
        {
            ulong objects = 0;
            var depth = 0;
            while (true)
            {
                // At a value: open a container or read a scalar.
                if (!SkipSpace())
                {
                    return false;
                }

                var value = data[Position];
                if (value is (byte)'{' or (byte)'[')
                {
                    if (depth == maxNesting)
                    {
                        return Unusual();
                    }

                    depth++;
                    objects = (objects << 1) | (value == (byte)'{' ? 1UL : 0UL);
                    Position++;
                    if (!SkipSpace())
                    {
                        return false;
                    }

                    if (data[Position] == (value == (byte)'{' ? (byte)'}' : (byte)']'))
                    {
                        // An empty container.
                        Position++;
                        depth--;
                        objects >>= 1;
                    }
                    else if (value == (byte)'{')
                    {
                        if (!ReadName(out _, out _))
                        {
                            return false;
                        }

                        continue;
                    }
                    else
                    {
                        continue;
                    }
                }
                else if (!ReadScalar(out _, out _, out _))
                {
                    return false;
                }

                // After a value: a comma and the next member or element, or the container's end.
                while (true)
                {
                    if (depth == 0)
                    {
                        return true;
                    }

                    if (!SkipSpace())
                    {
                        return false;
                    }

                    var inObject = (objects & 1) == 1;
                    var next = data[Position];
                    if (next == (byte)',')
                    {
                        Position++;
                        if (inObject && !ReadName(out _, out _))
                        {
                            return false;
                        }

                        break;
                    }

                    if (next != (inObject ? (byte)'}' : (byte)']'))
                    {
                        return Unusual();
                    }

                    Position++;
                    depth--;
                    objects >>= 1;
                }
            }
        }

        private bool RanOut()
        {
            Failure = ranOut;
            return false;
        }
    }
}
