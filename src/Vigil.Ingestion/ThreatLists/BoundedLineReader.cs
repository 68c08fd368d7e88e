using System.Text;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads lines ending in LF, CR-LF or CR, as <see cref="TextReader.ReadLine"/> does, but keeps at most
/// a set number of characters of one line in memory. The rest of a longer line is read and dropped. A byte-order
/// mark at the start of the first line is removed.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxLineLength)
{
    /// <summary>Characters of an overlong line kept to show in its error.</summary>
    public const int ShownPrefixLength = 120;

    private readonly char[] buffer = new char[8192];
    private readonly StringBuilder line = new();
    private int position;
    private int count;
    private bool skipLineFeed;

    public int MaxLineLength => maxLineLength;

    /// <summary>The 1-based number of the line last read.</summary>
    public int LineNumber { get; private set; }

    /// <summary>
    /// Reads the next line. Returns false at the end of the input. For a line longer than the maximum,
    /// <paramref name="tooLong"/> is true, <paramref name="text"/> contains only its first
    /// <see cref="ShownPrefixLength"/> characters, and <paramref name="length"/> its full length.
    /// </summary>
    public bool TryReadLine(out string text, out bool tooLong, out long length)
    {
        text = string.Empty;
        tooLong = false;
        length = 0;
        line.Clear();
        if (skipLineFeed)
        {
            skipLineFeed = false;
            if (Fill() && buffer[position] == '\n')
            {
                position++;
            }
        }

        var readAny = false;
        while (Fill())
        {
            readAny = true;
            var available = buffer.AsSpan(position, count - position);
            var end = available.IndexOfAny('\r', '\n');
            var chunk = end >= 0 ? available[..end] : available;
            length += chunk.Length;
            if (!tooLong && line.Length + chunk.Length <= maxLineLength)
            {
                line.Append(chunk);
            }
            else if (!tooLong)
            {
                // From here on the line is only counted; the start is kept for the error message.
                tooLong = true;
                var room = Math.Max(0, ShownPrefixLength - line.Length);
                line.Append(chunk[..Math.Min(room, chunk.Length)]);
                line.Length = Math.Min(line.Length, ShownPrefixLength);
            }

            if (end < 0)
            {
                position = count;
                continue;
            }

            position += end + 1;
            skipLineFeed = available[end] == '\r';
            break;
        }

        if (!readAny)
        {
            return false;
        }

        LineNumber++;
        if (LineNumber == 1 && line.Length > 0 && line[0] == '\uFEFF')
        {
            line.Remove(0, 1);
        }

        text = line.ToString();
        return true;
    }

    /// <summary>Makes sure the buffer has an unread character; returns false at the end of the input.</summary>
    private bool Fill()
    {
        if (position < count)
        {
            return true;
        }

        count = reader.Read(buffer, 0, buffer.Length);
        position = 0;
        return count > 0;
    }
}

/// <summary>
/// Passes the lines of a <see cref="BoundedLineReader"/> on as text, each ending in LF, with every
/// overlong line replaced by an empty line. The line count stays the same, so a CSV reader that counts
/// lines reports the lines of the original input.
/// </summary>
internal sealed class LineLimitingTextReader(BoundedLineReader lines, Action<int, string, long> reportTooLong) : TextReader
{
    private string current = string.Empty;
    private int offset;
    private bool newlinePending;
    private bool ended;

    public override int Read(Span<char> destination)
    {
        var written = 0;
        while (written < destination.Length && Advance())
        {
            if (offset < current.Length)
            {
                var take = Math.Min(destination.Length - written, current.Length - offset);
                current.AsSpan(offset, take).CopyTo(destination[written..]);
                offset += take;
                written += take;
            }
            else
            {
                destination[written++] = '\n';
                newlinePending = false;
            }
        }

        return written;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read()
    {
        Span<char> single = stackalloc char[1];
        return Read(single) == 1 ? single[0] : -1;
    }

    public override int Peek()
    {
        if (!Advance())
        {
            return -1;
        }

        return offset < current.Length ? current[offset] : '\n';
    }

    /// <summary>Makes sure there is text or a pending line end to hand out; returns false at the end.</summary>
    private bool Advance()
    {
        if (offset < current.Length || newlinePending)
        {
            return true;
        }

        if (ended || !lines.TryReadLine(out var text, out var tooLong, out var length))
        {
            ended = true;
            return false;
        }

        if (tooLong)
        {
            reportTooLong(lines.LineNumber, text, length);
            text = string.Empty;
        }

        current = text;
        offset = 0;
        newlinePending = true;
        return true;
    }
}
