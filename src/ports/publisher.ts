// Publishing port: where CRLs and audit reports go ("the bucket"). A local directory per bucket by default, or S3.

export type ObjectAcl = 'PUBLIC_READ' | 'BUCKET_OWNER_FULL_CONTROL';

export interface PublishedObject {
  /** S3BucketName as configured: a bucket name, optionally followed by '/' and a key prefix. */
  bucket: string;
  /** Object key inside the bucket (after any prefix), e.g. crl/<CA id>.crl. */
  key: string;
  body: Uint8Array | AsyncIterable<string | Uint8Array>;
  contentType: string;
  acl?: ObjectAcl | undefined;
}

export interface Publisher {
  /** Stores the object, replacing an older one under the same key; rejects with a message naming the cause. */
  put(o: PublishedObject): Promise<void>;
  /** Where objects go, for logs and error messages. */
  readonly description: string;
}

/** A bucket/key pair that cannot be written anywhere (path traversal, empty segments). */
export class PublishError extends Error {
  override name = 'PublishError';
}

/** Splits S3BucketName into the bucket and a key prefix, and joins the object key; rejects '.'/'..' segments. */
export function objectLocation(bucketName: string, key: string): { bucket: string; key: string } {
  const slash = bucketName.indexOf('/');
  const bucket = slash < 0 ? bucketName : bucketName.slice(0, slash);
  const prefix = slash < 0 ? '' : bucketName.slice(slash + 1).replace(/\/+$/, '');
  const full = prefix ? `${prefix}/${key}` : key;
  if (!bucket || full.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new PublishError(`cannot publish to bucket '${bucketName}' key '${key}': empty, '.' or '..' path segments are not allowed`);
  }
  return { bucket, key: full };
}
