using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// The field order of flow log lines that arrive without a header line, as they do through
/// CloudWatch Logs and Firehose. It is built from the flow log's format string, such as
/// <c>${version} ${account-id} ${interface-id}</c>, or from the same names without <c>${ }</c>.
/// </summary>
public sealed class FlowLineFormat
{
    private static readonly char[] Separators = [' ', '\t'];

    private readonly FlowLayout layout;

    private FlowLineFormat(FlowLayout layout)
    {
        this.layout = layout;
    }

    /// <summary>The AWS default format: the 14 version 2 fields in their documented order.</summary>
    public static FlowLineFormat Default { get; } = new(FlowLayout.Default);

    /// <summary>The field names in line order.</summary>
    public IReadOnlyList<string> FieldNames => layout.Names;

    /// <summary>True when the format contains the <c>account-id</c> field.</summary>
    public bool HasAccountId => layout.Fields.Contains(FlowFields.AccountId);

    /// <summary>
    /// Parses a format string. Null, empty or blank gives <see cref="Default"/>. Returns false with
    /// the reason in <paramref name="error"/> for an unknown or repeated field name or a malformed token.
    /// </summary>
    public static bool TryParse(string? format, out FlowLineFormat result, out string? error)
    {
        result = Default;
        error = null;
        if (string.IsNullOrWhiteSpace(format))
        {
            return true;
        }

        var names = new List<string>();
        foreach (var token in format.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var name = token.StartsWith("${", StringComparison.Ordinal) && token.EndsWith('}') ? token[2..^1] : token;
            if (FlowFields.Find(name) is null)
            {
                error = $"\"{Truncate(token)}\" is not a flow log field; write the field names of the flow log's format, such as ${{version}} ${{account-id}} ${{interface-id}}";
                return false;
            }

            if (names.Contains(name, StringComparer.Ordinal))
            {
                error = $"the field \"{name}\" is named more than once";
                return false;
            }

            names.Add(name);
        }

        result = new FlowLineFormat(new FlowLayout(names));
        return true;
    }

    /// <summary>Parses one line in this format, or returns null and the reason (with the field) in <paramref name="error"/>.</summary>
    public FlowRecord? ParseLine(string line, DateTimeOffset ingestTime, out RecordError? error)
    {
        var tokens = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != layout.Fields.Count)
        {
            error = new RecordError(null, $"the line has {tokens.Length} fields, but the source's flow log format has {layout.Fields.Count}");
            return null;
        }

        var builder = new FlowRecordBuilder();
        for (var i = 0; i < tokens.Length; i++)
        {
            var field = layout.Fields[i]!;
            var reason = builder.SetText(field, tokens[i]);
            if (reason is not null)
            {
                error = new RecordError(field.Name, reason);
                return null;
            }
        }

        error = null;
        return builder.Build(ingestTime);
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
