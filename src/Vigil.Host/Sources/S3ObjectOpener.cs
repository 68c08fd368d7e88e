using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Grains.Ingest;

namespace Vigil.Host.Sources;

/// <summary>Opens S3 objects for the ingestor, asking for the ETag that was listed or announced.</summary>
internal static class S3ObjectOpener
{
    /// <summary>
    /// The object as the ingestor reads it. The GET carries <c>If-Match</c> with the ETag, so an object
    /// rewritten since it was listed fails this read and is read again under its new fingerprint.
    /// </summary>
    public static ObjectToRead For(IAmazonS3 client, string bucket, string key, long size, string eTag) =>
        new(AwsClients.LedgerKey(bucket, key), AwsClients.Fingerprint(size, eTag), async cancellationToken =>
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, EtagToMatch = Quoted(eTag) }, cancellationToken);
            return new ResponseStream(response);
        });

    private static string Quoted(string eTag)
    {
        var bare = eTag.Trim('"');
        return $"\"{bare}\"";
    }

    /// <summary>The body of a GET, disposing the response with it.</summary>
    internal sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream inner = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
