using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Vigil.Contracts.Storage;

/// <summary>
/// The position after the last row of a findings page: the sort order, that row's sort value and its
/// id. The next page starts after (value, id) in the same order, so paging costs the same on the
/// millionth row as on the first. Its text form is opaque base64url.
/// </summary>
public sealed record FindingCursor(FindingSortField SortBy, bool Descending, string Value, string Id)
{
    private const string Version = "1";

    /// <summary>The longest cursor text accepted, in characters.</summary>
    public const int MaxTextLength = 4096;

    public string Encode()
    {
        var text = string.Join('|', Version, ((int)SortBy).ToString(CultureInfo.InvariantCulture), Descending ? "d" : "a", Id, Value);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Decodes a cursor text; returns false for text this type did not produce.</summary>
    public static bool TryDecode(string? text, out FindingCursor cursor)
    {
        cursor = null!;
        if (string.IsNullOrEmpty(text) || text.Length > MaxTextLength)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = decoded.Split('|', 5);
        if (parts.Length != 5 || parts[0] != Version
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var field)
            || !Enum.IsDefined((FindingSortField)field)
            || parts[2] is not ("a" or "d"))
        {
            return false;
        }

        cursor = new FindingCursor((FindingSortField)field, parts[2] == "d", parts[4], parts[3]);
        return true;
    }
}
