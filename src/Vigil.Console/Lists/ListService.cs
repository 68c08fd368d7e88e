using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Console.Lists;

/// <summary>
/// The tenant lists of one tenant as the console page and the API change them: every call takes the
/// tenant from the caller, who takes it from the signed-in user's claim. Changes go through
/// <see cref="ListCatalogue"/> (versions, the list trail, the trusted-list finding) and are also written
/// to the <see cref="IAuditLog"/>. Platform lists are in <see cref="PlatformListService"/>.
/// </summary>
public sealed partial class ListService(
    IThreatListStore store,
    ListCatalogue catalogue,
    ITenantListSourceReader s3,
    IAuditLog audit,
    ListOptions options,
    TimeProvider clock,
    ILogger<ListService> logger)
{
    public const string AuditObjectType = ListAuditWriter.TenantListObjectType;

    private readonly ListAuditWriter auditWriter = new(audit, clock);

    /// <summary>Most invalid lines one call returns.</summary>
    public const int MaxInvalidLinesPage = 1_000;

    /// <summary>Audit entries of a list shown with it.</summary>
    public const int AuditShown = 100;

    public ListOptions Options => options;

    public async Task<IReadOnlyList<ListView>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(tenantId, cancellationToken)).Select(ListView.From)];

    /// <summary>The list with its versions and trail, or null when the tenant has no such list.</summary>
    public async Task<ListDetail?> GetAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        var list = await store.FindAsync(tenantId, name, cancellationToken);
        if (list is null)
        {
            return null;
        }

        var versions = await store.LoadVersionsAsync(ListScope.Tenant, tenantId, name, cancellationToken);
        var trail = await store.LoadAuditAsync(ListScope.Tenant, tenantId, name, AuditShown, cancellationToken);
        return new ListDetail(ListView.From(list), versions, trail);
    }

    /// <summary>A page of the entries of the list's current content that were not loaded, or null when the tenant has no such list.</summary>
    public async Task<InvalidLinesPage?> InvalidLinesAsync(string tenantId, string name, int offset, int limit, CancellationToken cancellationToken)
    {
        var list = await store.FindAsync(tenantId, name, cancellationToken);
        return list is null ? null : InvalidLines.Page(list.Name, list.Format, list.Content, offset, limit);
    }

    /// <summary>Stores an uploaded file as a new list or a new content of one; <paramref name="content"/> is read up to the size limit.</summary>
    public async Task<ListChangeResult> UploadAsync(string tenantId, string actor, ListInput input, Stream content, CancellationToken cancellationToken)
    {
        var errors = ListInputValidator.Validate(input, fromS3: false, out var format);
        if (errors.Count > 0)
        {
            return new ListChangeResult(errors, null);
        }

        var text = await ReadBoundedAsync(content, options.MaxUploadBytes, cancellationToken);
        if (text is null)
        {
            return ListChangeResult.Invalid("file", $"The file is larger than {options.MaxUploadBytes:N0} bytes, the most one list may have.");
        }

        return await ImportAsync(tenantId, actor, input, format, text, source: null, refresh: null, cancellationToken);
    }

    /// <summary>Reads a list from an S3 object now, stores it, and fetches it again on its refresh interval.</summary>
    public async Task<ListChangeResult> ImportFromS3Async(string tenantId, string actor, ListInput input, CancellationToken cancellationToken)
    {
        var errors = ListInputValidator.Validate(input, fromS3: true, out var format);
        if (errors.Count > 0 || !S3ListUrl.TryParse(input.Url, out var url, out _))
        {
            return new ListChangeResult(errors, null);
        }

        string text;
        try
        {
            text = await s3.ReadAsync(url, cancellationToken);
        }
        catch (ListSourceException exception)
        {
            return ListChangeResult.Invalid("url", exception.Message);
        }

        var refresh = TimeSpan.FromMinutes(input.RefreshMinutes ?? options.DefaultRefreshMinutes);
        return await ImportAsync(tenantId, actor, input, format, text, url.ToString(), refresh, cancellationToken);
    }

    /// <summary>Activates or deactivates a list; activating a trusted list raises its finding.</summary>
    public async Task<ListChangeResult> SetActiveAsync(string tenantId, string actor, string name, bool active, CancellationToken cancellationToken)
    {
        var before = await store.FindAsync(tenantId, name, cancellationToken);
        if (before is null || !await catalogue.SetActiveAsync(tenantId, name, active, actor, cancellationToken))
        {
            return ListChangeResult.Missing;
        }

        var after = await store.FindAsync(tenantId, name, cancellationToken);
        var view = after is null ? null : ListView.From(after);
        await auditWriter.WriteTenantListAsync(tenantId, actor, active ? "activated" : "deactivated", name, before, after, cancellationToken);
        LogChanged(logger, LogText.Escape(name), tenantId, active ? "activated" : "deactivated", LogText.Escape(actor));
        return new ListChangeResult(new Dictionary<string, string[]>(), view);
    }

    /// <summary>Deletes a list; its versions and trail stay. False when the tenant has no such list.</summary>
    public async Task<bool> DeleteAsync(string tenantId, string actor, string name, CancellationToken cancellationToken)
    {
        var before = await store.FindAsync(tenantId, name, cancellationToken);
        if (before is null || !await store.DeleteAsync(tenantId, name, actor, cancellationToken))
        {
            return false;
        }

        await auditWriter.WriteTenantListAsync(tenantId, actor, "deleted", name, before, null, cancellationToken);
        LogChanged(logger, LogText.Escape(name), tenantId, "deleted", LogText.Escape(actor));
        return true;
    }

    private async Task<ListChangeResult> ImportAsync(
        string tenantId, string actor, ListInput input, string format, string text, string? source, TimeSpan? refresh, CancellationToken cancellationToken)
    {
        var name = input.Name!;
        var before = await store.FindAsync(tenantId, name, cancellationToken);
        var request = new ListImportRequest(tenantId, name, text, format, input.Kind!, actor)
        {
            Activate = input.Activate,
            Source = source,
            RefreshInterval = refresh,
        };
        var imported = await catalogue.ImportAsync(request, cancellationToken);
        var after = await store.FindAsync(tenantId, name, cancellationToken);
        var view = after is null ? null : ListView.From(after);
        var action = before is null ? "created" : "updated";
        await auditWriter.WriteTenantListAsync(tenantId, actor, action, name, before, after, cancellationToken);
        LogChanged(logger, LogText.Escape(name), tenantId, action, LogText.Escape(actor));
        return new ListChangeResult(new Dictionary<string, string[]>(), view)
        {
            Loaded = imported.Parsed.Entries.Count + imported.Parsed.Domains.Count,
            Rejected = imported.Parsed.RejectedCount,
        };
    }

    internal static string Bounded(string text) => ListAuditWriter.Bounded(text);

    /// <summary>Reads a stream as text, UTF-8 unless a byte-order mark names another encoding. Returns null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadBoundedAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "List {ListName} of tenant {TenantId} was {Change} by {UserName}")]
    private static partial void LogChanged(ILogger logger, string listName, string tenantId, string change, string userName);
}
