using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>Reads the content of a tenant list from its <c>s3://bucket/key</c> source.</summary>
public interface ITenantListSourceReader
{
    /// <summary>Returns the object's text; throws <see cref="ListSourceException"/> with the reason when it cannot be read.</summary>
    Task<string> ReadAsync(S3ListUrl url, CancellationToken cancellationToken);
}
