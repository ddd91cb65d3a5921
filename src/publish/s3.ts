// A Publisher that writes to Amazon S3 or an S3-compatible store (MinIO, Ceph RGW, moto, ...).
// Byte bodies are one PutObject; streamed bodies (CRLs read from their file, audit reports) are read part by part into
// a multipart upload, so at most one part (plus the chunk that completed it) is held in memory. A stream that ends
// before the first part is full is sent as a single PutObject instead. Any failure aborts the multipart upload.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
  type ObjectCannedACL,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { objectLocation, type ObjectAcl, type PublishedObject, type Publisher } from '../ports/publisher.ts';

export interface S3PublisherOptions {
  /** e.g. http://127.0.0.1:9000 for MinIO; absent: the AWS endpoint of the region. */
  endpoint?: string | undefined;
  region: string;
  /** Both or neither; when absent, the SDK's default credential provider chain (environment, profile, IMDS...). */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** Address buckets as https://host/bucket/key instead of https://bucket.host/key. */
  forcePathStyle: boolean;
  /** Multipart part size in bytes for streamed bodies (≥ 5 MiB); default 8 MiB. */
  partSize?: number | undefined;
  /** Deadline of one S3 request, retries included, in ms (default 60 s), plus a second per 64 KiB of its body. */
  timeoutMs?: number | undefined;
}

/** S3's minimum size for every part of a multipart upload but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

const CANNED_ACL: Record<ObjectAcl, ObjectCannedACL> = {
  PUBLIC_READ: 'public-read',
  BUCKET_OWNER_FULL_CONTROL: 'bucket-owner-full-control',
};

/** What to change when S3 answers with one of these codes. */
const HINTS: Record<string, string> = {
  NoSuchBucket: 'create the bucket or correct S3BucketName',
  AccessDenied: "check the bucket policy and the server's S3 credentials (s3:PutObject, and s3:PutObjectAcl when an ACL is set)",
  AccessControlListNotSupported: 'the bucket has ACLs disabled (Object Ownership: bucket owner enforced); set S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL or enable ACLs on the bucket',
  InvalidAccessKeyId: "the server's S3 access key id is not known to the S3 endpoint",
  SignatureDoesNotMatch: "the server's S3 secret access key is wrong",
  PermanentRedirect: 'the bucket is in another region than the configured one',
  AuthorizationHeaderMalformed: 'the bucket is in another region than the configured one',
};

/** A failed S3 request or body read; the message names bucket, key and cause, and never contains credentials. */
export class S3PublishError extends Error {
  override name = 'S3PublishError';
  readonly bucket: string;
  readonly key: string;
  /** The S3 error code (NoSuchBucket, AccessDenied...) or the network error code (ECONNREFUSED...), if any. */
  readonly code: string | undefined;
  readonly statusCode: number | undefined;
  constructor(message: string, o: { bucket: string; key: string; code?: string | undefined; statusCode?: number | undefined; cause?: unknown }) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.bucket = o.bucket;
    this.key = o.key;
    this.code = o.code;
    this.statusCode = o.statusCode;
  }
}

export class S3Publisher implements Publisher {
  readonly description: string;
  /** The SDK client; exposed for tests and diagnostics. */
  readonly client: S3Client;
  private readonly partSize: number;
  private readonly timeoutMs: number;
  private readonly secrets: string[];

  constructor(o: S3PublisherOptions) {
    if ((o.accessKeyId === undefined) !== (o.secretAccessKey === undefined)) {
      throw new Error('S3 publisher: give both accessKeyId and secretAccessKey, or neither (default credential provider chain)');
    }
    this.partSize = o.partSize ?? DEFAULT_PART_SIZE;
    if (!Number.isSafeInteger(this.partSize) || this.partSize < MIN_PART_SIZE) {
      throw new Error(`S3 publisher: partSize must be an integer ≥ ${MIN_PART_SIZE}`);
    }
    this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Redacting a very short value (a test's 'x') would garble every message; real keys are 16+ characters.
    this.secrets = [o.secretAccessKey, o.accessKeyId].filter((s): s is string => s !== undefined && s.length >= 8);
    const config: S3ClientConfig = {
      region: o.region,
      forcePathStyle: o.forcePathStyle,
      // No connectionTimeout/requestTimeout here: @smithy/node-http-handler 2.x leaves timers of their sum running
      // after a connection error (keeping the event loop, hence a shutdown, alive that long), and with Expect:
      // 100-continue (bodies > 1 MB) it waits up to requestTimeout for a 100 Continue that some S3-compatible servers
      // and proxies never send. Each request gets an unref'd AbortSignal.timeout deadline instead (see call()).
    };
    if (o.endpoint !== undefined) config.endpoint = o.endpoint;
    if (o.accessKeyId !== undefined && o.secretAccessKey !== undefined) {
      config.credentials = { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey };
    }
    this.client = new S3Client(config);
    this.description = `S3 ${o.endpoint === undefined ? `AWS ${o.region}` : withoutUserInfo(o.endpoint)}${o.forcePathStyle ? ' (path-style)' : ''}`;
  }

  async put(o: PublishedObject): Promise<void> {
    const loc = objectLocation(o.bucket, o.key);
    const common = {
      Bucket: loc.bucket, Key: loc.key, ContentType: o.contentType,
      ...(o.acl === undefined ? {} : { ACL: CANNED_ACL[o.acl] }),
    };
    if (o.body instanceof Uint8Array) {
      const body = o.body;
      await this.call(loc, 'PutObject', body.byteLength, (abortSignal) =>
        this.client.send(new PutObjectCommand({ ...common, Body: body, ContentLength: body.byteLength }), { abortSignal }));
      return;
    }

    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    try {
      try {
        for await (const chunk of o.body) {
          const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          if (b.byteLength === 0) continue;
          pending.push(b);
          pendingBytes += b.byteLength;
          if (pendingBytes < this.partSize) continue;
          const part = Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          if (uploadId === undefined) {
            const created = await this.call(loc, 'CreateMultipartUpload', 0, (abortSignal) =>
              this.client.send(new CreateMultipartUploadCommand(common), { abortSignal }));
            if (!created.UploadId) throw new S3PublishError(this.message(loc, 'CreateMultipartUpload returned no UploadId'), { bucket: loc.bucket, key: loc.key });
            uploadId = created.UploadId;
          }
          parts.push(await this.uploadPart(loc, uploadId, parts.length + 1, part));
        }
      } catch (e) {
        if (e instanceof S3PublishError) throw e;
        // The body's source failed (e.g. the database cursor of an audit report): keep its error as the cause.
        throw new S3PublishError(this.message(loc, `reading the object body failed: ${errorText(e)}`), { bucket: loc.bucket, key: loc.key, cause: e });
      }
      const rest = Buffer.concat(pending, pendingBytes);
      pending = [];
      if (uploadId === undefined) {
        await this.call(loc, 'PutObject', rest.byteLength, (abortSignal) =>
          this.client.send(new PutObjectCommand({ ...common, Body: rest, ContentLength: rest.byteLength }), { abortSignal }));
        return;
      }
      if (rest.byteLength > 0) parts.push(await this.uploadPart(loc, uploadId, parts.length + 1, rest));
      const id = uploadId;
      // S3 may take a while to assemble many parts (it keeps the connection alive meanwhile).
      await this.call(loc, 'CompleteMultipartUpload', 0, (abortSignal) => this.client.send(new CompleteMultipartUploadCommand({
        Bucket: loc.bucket, Key: loc.key, UploadId: id, MultipartUpload: { Parts: parts },
      }), { abortSignal }));
      uploadId = undefined;
    } catch (e) {
      if (uploadId !== undefined) {
        const id = uploadId;
        try {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: loc.bucket, Key: loc.key, UploadId: id }),
            { abortSignal: AbortSignal.timeout(this.deadlineMs(0)) });
        } catch (abortError) {
          if (e instanceof Error) {
            e.message += `; the incomplete multipart upload ${id} could not be aborted (${this.redact(errorText(abortError))}): ` +
              'remove it with AbortMultipartUpload or a bucket lifecycle rule';
          }
        }
      }
      throw e;
    }
  }

  /** Releases the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  private async uploadPart(loc: { bucket: string; key: string }, uploadId: string, partNumber: number, body: Buffer): Promise<CompletedPart> {
    const r = await this.call(loc, `UploadPart ${partNumber}`, body.byteLength, (abortSignal) => this.client.send(new UploadPartCommand({
      Bucket: loc.bucket, Key: loc.key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.byteLength,
    }), { abortSignal }));
    return { PartNumber: partNumber, ETag: r.ETag };
  }

  /** Runs one S3 request (with its retries) under a deadline; turns its failure into an S3PublishError. The SDK
   *  error is not kept as the cause, as it carries the raw HTTP response; its code, message, status and request id
   *  are copied into the message. */
  private async call<T>(loc: { bucket: string; key: string }, operation: string, bodyBytes: number, f: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = this.deadlineMs(bodyBytes);
    const signal = AbortSignal.timeout(ms);
    try {
      return await f(signal);
    } catch (e) {
      const d = signal.aborted
        ? { code: 'TimeoutError', statusCode: undefined, text: `TimeoutError: no complete answer within ${ms / 1000} s` }
        : describeS3Error(e);
      const hint = d.code !== undefined ? HINTS[d.code] : undefined;
      const detail = `${operation} failed: ${d.text}${hint ? `; ${hint}` : ''}`;
      throw new S3PublishError(this.message(loc, detail), { bucket: loc.bucket, key: loc.key, code: d.code, statusCode: d.statusCode });
    }
  }

  /** Assumes at least 64 KiB/s. */
  private deadlineMs(bodyBytes: number): number {
    return this.timeoutMs + Math.ceil(bodyBytes / 65_536) * 1000;
  }

  private message(loc: { bucket: string; key: string }, detail: string): string {
    return this.redact(`cannot publish to ${this.description} bucket '${loc.bucket}' key '${loc.key}': ${detail}`);
  }

  /** Belt and braces: no S3 error message is known to echo credentials, but one never gets through here. */
  private redact(s: string): string {
    let out = s;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
}

interface S3ErrorFields {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
}

function describeS3Error(e: unknown): { code: string | undefined; statusCode: number | undefined; text: string } {
  if (!(e instanceof Error)) return { code: undefined, statusCode: undefined, text: String(e) };
  const f = e as Error & S3ErrorFields;
  const status = f.$metadata?.httpStatusCode;
  // SDK service errors carry the S3 code as name (and Code); Node network errors carry code (ECONNREFUSED...).
  let code: string | undefined;
  if (typeof f.Code === 'string') code = f.Code;
  else if (status !== undefined && f.name && f.name !== 'Error') code = String(f.name);
  else if (typeof f.code === 'string') code = f.code;
  // Errors without a body (HEAD, some proxies) come back with the status as name, or as "UnknownError".
  const message = typeof f.message === 'string' && f.message && f.message !== code ? f.message : '';
  const extras = [status !== undefined ? `HTTP ${status}` : '', f.$metadata?.requestId ? `request id ${f.$metadata.requestId}` : '']
    .filter(Boolean).join(', ');
  const head = code !== undefined && message.includes(code) ? message : `${code ?? f.name}${message ? `: ${message}` : ''}`;
  const text = `${head}${extras ? ` (${extras})` : ''}`;
  return { code, statusCode: status, text };
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as Error & { code?: unknown }).code;
    return typeof code === 'string' && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

function withoutUserInfo(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    if (!u.username && !u.password) return endpoint;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return endpoint;
  }
}
