// AWS Signature Version 4 (header form): server-side verification per WIRE.md §6 and a small client-side signer.
import { createHash, createHmac, createSecretKey, hash, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ApiError } from '../contract/errors.ts';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  principal?: string;
  /** When set, requests with this key must carry exactly this `X-Amz-Security-Token`. */
  sessionToken?: string;
}

export interface SignedRequest {
  method: string;
  /** Raw request-target path as received (still percent-encoded), without the query. */
  path: string;
  /** Raw query string as received, without the leading '?'. */
  query?: string;
  /**
   * Node's IncomingMessage.headers (lower-case names). Used only when `rawHeaders` is absent;
   * note Node joins repeated headers with ', ', so exact multi-value handling needs `rawHeaders`.
   */
  headers: Record<string, string | string[] | undefined>;
  /** Node's req.rawHeaders ([name, value, name, value, ...]); preferred when given. */
  rawHeaders?: string[];
  body: Uint8Array;
}

export interface VerifyOptions {
  now: Date;
  lookup: (accessKeyId: string) => Credential | undefined;
  /** Signing name expected in the credential scope; default 'acm-pca'. */
  service?: string;
  /** Asked after the region passed the syntax check; default: every syntactically valid region. */
  isRegionAllowed?: (region: string) => boolean;
  /** Allowed clock skew either way; default 15 minutes. */
  maxSkewMs?: number;
}

export interface Principal {
  accessKeyId: string;
  accountId: string;
  region: string;
  principal?: string;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const DEFAULT_SERVICE = 'acm-pca';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const TERMINATOR = 'aws4_request';
const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
const REGION_RE = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;
const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HTTP_DATE_RE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEX64_RE = /^[0-9a-fA-F]{64}$/;

const MSG_MISSING_TOKEN = 'Missing Authentication Token';
const MSG_BAD_TOKEN = 'The security token included in the request is invalid.';
const MSG_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

// ---------------------------------------------------------------------------------------------
// Canonical request building blocks (exported for tests and for the signer)
// ---------------------------------------------------------------------------------------------

/** Headers as name/value pairs in order, or a record (lower- or mixed-case names). */
export type HeaderInput =
  | ReadonlyArray<readonly [string, string]>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** RFC 3986 encoding of a string's UTF-8 bytes: unreserved characters stay, the rest become %XX (upper-case). */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const isUnreserved =
      (byte >= 0x41 && byte <= 0x5a) || // A-Z
      (byte >= 0x61 && byte <= 0x7a) || // a-z
      (byte >= 0x30 && byte <= 0x39) || // 0-9
      byte === 0x2d || byte === 0x5f || byte === 0x2e || byte === 0x7e; // - _ . ~
    if (isUnreserved || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte);
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * Canonical URI for non-S3 services, as botocore and SDK v3 compute it: drop empty and '.'
 * segments, resolve '..', keep a leading and (if anything remains) a trailing '/', then encode
 * each segment again (the received path is already encoded once, so '%' becomes '%25').
 */
export function canonicalUri(path: string): string {
  if (path.length === 0) return '/';
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const lead = path.startsWith('/') ? '/' : '';
  const trail = out.length > 0 && path.endsWith('/') ? '/' : '';
  const normalized = lead + out.join('/') + trail;
  return normalized.length === 0 ? '/' : uriEncode(normalized, true);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Canonical query string: parameters decoded, re-encoded per RFC 3986, sorted by name then value. */
export function canonicalQueryString(query: string | undefined): string {
  if (query === undefined || query.length === 0) return '';
  const pairs: Array<[string, string]> = [];
  for (const part of query.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(safeDecode(name)), uriEncode(safeDecode(value))]);
  }
  pairs.sort((a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** All values per lower-case header name, in the order received. Tolerates garbage input. */
function collectHeaders(headers: unknown, rawHeaders?: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string' || typeof value !== 'string') return;
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  if (Array.isArray(rawHeaders)) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) add(rawHeaders[i], rawHeaders[i + 1]);
  } else if (Array.isArray(headers)) {
    for (const pair of headers) if (Array.isArray(pair)) add(pair[0], pair[1]);
  } else if (typeof headers === 'object' && headers !== null) {
    for (const name of Object.keys(headers)) {
      const value: unknown = (headers as Record<string, unknown>)[name];
      if (Array.isArray(value)) for (const v of value) add(name, v);
      else add(name, value);
    }
  }
  return map;
}

/** Canonical value of one header: every occurrence trimmed, whitespace runs collapsed, joined with ','. */
function canonicalValue(values: readonly string[] | undefined): string {
  if (!values) return '';
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

export interface CanonicalRequestInput {
  method: string;
  /** Path as sent on the wire (already percent-encoded once), without the query. */
  path: string;
  query?: string;
  headers: HeaderInput;
  /** Lower-case header names in the order of the SignedHeaders parameter. */
  signedHeaders: readonly string[];
  /** Lower-case hex SHA-256 of the body. */
  payloadHash: string;
}

/** The SigV4 canonical request (WIRE.md §6.2). */
export function canonicalRequest(input: CanonicalRequestInput): string {
  return buildCanonicalRequest(
    input.method,
    input.path,
    input.query,
    collectHeaders(input.headers),
    input.signedHeaders,
    input.payloadHash,
  );
}

function buildCanonicalRequest(
  method: string,
  path: string,
  query: string | undefined,
  headers: Map<string, string[]>,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  let canonicalHeaders = '';
  for (const name of signedHeaders) canonicalHeaders += `${name}:${canonicalValue(headers.get(name))}\n`;
  return [
    method,
    canonicalUri(path),
    canonicalQueryString(query),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** The SigV4 string to sign (WIRE.md §6.3). */
export function stringToSign(amzDate: string, credentialScope: string, canonicalRequestText: string): string {
  return [ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequestText)].join('\n');
}

export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

const SIGNING_KEY_CACHE_MAX = 1000;
/** kSigning per (secret, date, region, service). */
const signingKeyCache = new Map<string, KeyObject>();

/** kSigning for (secret, date, region, service) as a KeyObject (HMAC with a KeyObject key is ~8× cheaper); cached in a small LRU map. */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): KeyObject {
  // NUL cannot occur in any of the four (the scope is split on '/', the date and region are checked before).
  const cacheKey = `${secretAccessKey}\0${date}\0${region}\0${service}`;
  const hit = signingKeyCache.get(cacheKey);
  if (hit) return hit;
  const kDate = hmac('AWS4' + secretAccessKey, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const kSigning = createSecretKey(hmac(kService, TERMINATOR));
  if (signingKeyCache.size >= SIGNING_KEY_CACHE_MAX) signingKeyCache.clear(); // one key per credential, region and day
  signingKeyCache.set(cacheKey, kSigning);
  return kSigning;
}

/** Hex signature of a string to sign. */
export function computeSignature(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
  stringToSignText: string,
): string {
  return createHmac('sha256', deriveSigningKey(secretAccessKey, date, region, service))
    .update(stringToSignText, 'utf8')
    .digest('hex');
}

/** Date → 'YYYYMMDDTHHMMSSZ'. */
export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/** Printable, bounded echo of a client-supplied value for error messages. */
function echo(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? clean.slice(0, 64) + '...' : clean;
}

function incomplete(message: string): ApiError {
  return new ApiError('IncompleteSignatureException', message);
}

function invalid(message: string): ApiError {
  return new ApiError('InvalidSignatureException', message);
}

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  scope: string;
  signedHeadersParam: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization {
  const text = header.trim();
  const space = text.search(/\s/);
  const algorithm = space < 0 ? text : text.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported AWS 'algorithm': '${echo(algorithm)}'. Only '${ALGORITHM}' is supported.`);
  }
  const params = new Map<string, string>();
  const rest = space < 0 ? '' : text.slice(space + 1);
  for (const rawPart of rest.split(',')) {
    const part = rawPart.trim();
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      throw incomplete(`'${echo(part)}' not a valid key=value pair (missing equal-sign) in Authorization header.`);
    }
    const key = part.slice(0, eq).trim();
    if (params.has(key)) throw incomplete(`Authorization header has more than one '${echo(key)}' parameter.`);
    params.set(key, part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !params.get(k));
  if (missing.length > 0) {
    throw incomplete(missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '));
  }
  const credential = params.get('Credential') ?? '';
  const signedHeadersParam = params.get('SignedHeaders') ?? '';
  const signature = params.get('Signature') ?? '';

  const parts = credential.split('/');
  if (parts.length !== 5) {
    throw incomplete(
      `Credential must have the form '<access key id>/<YYYYMMDD>/<region>/<service>/${TERMINATOR}' ` +
        `(5 '/'-separated parts); got ${parts.length} part${parts.length === 1 ? '' : 's'}.`,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = parts;
  if (terminator !== TERMINATOR) {
    throw incomplete(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${echo(terminator)}'.`);
  }
  const signedHeaders = signedHeadersParam.split(';').map((h) => h.toLowerCase());
  if (signedHeaders.some((h) => h.length === 0)) {
    throw incomplete(`SignedHeaders must be a ';'-separated list of header names without empty entries.`);
  }
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    scope: `${scopeDate}/${region}/${service}/${TERMINATOR}`,
    signedHeadersParam,
    signedHeaders,
    signature,
  };
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE_RE.exec(value);
  if (!m) return undefined;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]), h = Number(m[4]), mi = Number(m[5]), s = Number(m[6]);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Every field must survive the round trip: rejects 20261332T256161Z and the like.
  const same = t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
  return same ? t : undefined;
}

function parseHttpDate(value: string): Date | undefined {
  const m = HTTP_DATE_RE.exec(value);
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = MONTHS.indexOf(m[2] ?? '');
  const year = Number(m[3]);
  const t = new Date(Date.UTC(year, month, day, Number(m[4]), Number(m[5]), Number(m[6])));
  return t.getUTCDate() === day && t.getUTCMonth() === month && t.getUTCHours() === Number(m[4]) ? t : undefined;
}

function constantTimeEqualHex(provided: string, expected: string): boolean {
  if (provided.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(provided, 'utf8'), Buffer.from(expected, 'utf8'));
}

function constantTimeEqualString(a: string, b: string): boolean {
  // Hash first so that inputs of different lengths compare in constant time too.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function formatMinutes(ms: number): string {
  return `${Math.round((ms / 60000) * 1000) / 1000} min.`;
}

/**
 * Verifies a SigV4 header-form request. Checks run in the order of WIRE.md §6.4; every failure is
 * an ApiError (anything unexpected becomes InternalFailure, never a raw exception).
 *
 * `X-Amz-Content-Sha256`: when present it must be a 64-hex-digit SHA-256 equal to the body's hash
 * (InvalidSignatureException otherwise). 'UNSIGNED-PAYLOAD' and 'STREAMING-*' are rejected with
 * IncompleteSignatureException: no client of this service sends them, and the canonical request
 * always uses the hash of the body actually received.
 */
export function verifySigV4(req: SignedRequest, opts: VerifyOptions): Principal {
  try {
    return verify(req, opts);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('InternalFailure', 'Internal error while verifying the request signature.');
  }
}

function verify(req: SignedRequest, opts: VerifyOptions): Principal {
  const headers = collectHeaders(req.headers, req.rawHeaders);

  // 1. Authorization header present.
  const authValues = (headers.get('authorization') ?? []).filter((v) => v.trim().length > 0);
  if (authValues.length === 0) throw new ApiError('MissingAuthenticationTokenException', MSG_MISSING_TOKEN);
  if (authValues.length > 1) throw incomplete('Only one Authorization header is allowed.');

  // 2. Header shape, host signed, a signed date present.
  const auth = parseAuthorization(authValues[0] ?? '');
  if (!auth.signedHeaders.includes('host')) {
    throw incomplete(`'Host' must be a 'SignedHeader' in the AWS Authorization.`);
  }
  let requestTime: Date | undefined;
  let amzDate: string;
  if (headers.has('x-amz-date')) {
    if (!auth.signedHeaders.includes('x-amz-date')) {
      throw incomplete(`'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.`);
    }
    amzDate = canonicalValue(headers.get('x-amz-date'));
    requestTime = parseAmzDate(amzDate);
    if (!requestTime) {
      throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${echo(amzDate)}'. Expected e.g. '20261122T171657Z'.`);
    }
  } else if (headers.has('date')) {
    if (!auth.signedHeaders.includes('date')) {
      throw incomplete(`'Date' must be a 'SignedHeader' in the AWS Authorization.`);
    }
    const httpDate = canonicalValue(headers.get('date'));
    requestTime = parseHttpDate(httpDate);
    if (!requestTime) {
      throw incomplete(`Date header must be an RFC 1123 date such as 'Sun, 22 Nov 2026 17:16:57 GMT'. Got '${echo(httpDate)}'.`);
    }
    amzDate = toAmzDate(requestTime);
  } else {
    throw incomplete(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  }
  let contentSha256: string | undefined;
  if (headers.has('x-amz-content-sha256')) {
    contentSha256 = canonicalValue(headers.get('x-amz-content-sha256'));
    if (!HEX64_RE.test(contentSha256)) {
      throw incomplete(
        `x-amz-content-sha256 must be the hex SHA-256 of the request body; '${echo(contentSha256)}' ` +
          `(unsigned or streaming payloads) is not supported by this service.`,
      );
    }
  }

  // 3. Clock skew.
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const nowMs = Math.floor(opts.now.getTime() / 1000) * 1000;
  const t = requestTime.getTime();
  if (t < nowMs - maxSkewMs) {
    throw invalid(
      `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(nowMs - maxSkewMs))} ` +
        `(${toAmzDate(new Date(nowMs))} - ${formatMinutes(maxSkewMs)})`,
    );
  }
  if (t > nowMs + maxSkewMs) {
    throw invalid(
      `Signature not yet current: ${amzDate} is still later than ${toAmzDate(new Date(nowMs + maxSkewMs))} ` +
        `(${toAmzDate(new Date(nowMs))} + ${formatMinutes(maxSkewMs)})`,
    );
  }

  // 4. Scope date.
  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    throw invalid('Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
      `'${echo(auth.scopeDate)}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }

  // 5. Service.
  const service = opts.service ?? DEFAULT_SERVICE;
  if (auth.service !== service) {
    throw invalid(`Credential should be scoped to correct service: '${service}'.`);
  }

  // 6. Region.
  if (!REGION_RE.test(auth.region) || (opts.isRegionAllowed !== undefined && opts.isRegionAllowed(auth.region) !== true)) {
    throw invalid('Credential should be scoped to a valid region.');
  }

  // 7. Access key and session token.
  const credential = auth.accessKeyId.length > 0 ? opts.lookup(auth.accessKeyId) : undefined;
  if (!credential) throw new ApiError('UnrecognizedClientException', MSG_BAD_TOKEN);
  const tokenValues = headers.get('x-amz-security-token');
  if (credential.sessionToken !== undefined) {
    if (!tokenValues || !constantTimeEqualString(canonicalValue(tokenValues), credential.sessionToken)) {
      throw new ApiError('UnrecognizedClientException', MSG_BAD_TOKEN);
    }
  } else if (tokenValues) {
    throw new ApiError('UnrecognizedClientException', MSG_BAD_TOKEN);
  }

  // 8. Payload hash, then signature.
  const payloadHash = sha256Hex(req.body);
  if (contentSha256 !== undefined && contentSha256.toLowerCase() !== payloadHash) {
    throw invalid(`The provided 'x-amz-content-sha256' header does not match what was computed.`);
  }
  const creq = buildCanonicalRequest(
    typeof req.method === 'string' ? req.method : '',
    typeof req.path === 'string' ? req.path : '',
    typeof req.query === 'string' ? req.query : undefined,
    headers,
    auth.signedHeaders,
    payloadHash,
  );
  const sts = stringToSign(amzDate, auth.scope, creq);
  const expected = computeSignature(credential.secretAccessKey, auth.scopeDate, auth.region, auth.service, sts);
  if (!constantTimeEqualHex(auth.signature, expected)) throw invalid(MSG_MISMATCH);

  const principal: Principal = { accessKeyId: auth.accessKeyId, accountId: credential.accountId, region: auth.region };
  if (credential.principal !== undefined) principal.principal = credential.principal;
  return principal;
}

// ---------------------------------------------------------------------------------------------
// Client-side signer (tests and tools)
// ---------------------------------------------------------------------------------------------

export interface SignInput {
  /** Default 'POST'. */
  method?: string;
  /** Path exactly as it will be sent (already percent-encoded), without the query. */
  path: string;
  query?: string;
  /** Headers to send; must include Host. Names keep their case in the result. */
  headers: Record<string, string>;
  body?: Uint8Array | string;
  credential: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region: string;
  date: Date;
  /** Default 'acm-pca'. */
  service?: string;
  /** Add a signed X-Amz-Content-Sha256 header as SDK v3 does. */
  contentSha256?: boolean;
  /** Extra header names (any case) to leave unsigned. */
  unsignedHeaders?: readonly string[];
}

/** Headers never signed (as in SDK v3): they may be changed by proxies or differ per hop. */
const NEVER_SIGNED = new Set([
  'authorization',
  'user-agent',
  'connection',
  'keep-alive',
  'expect',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
  'x-amzn-trace-id',
]);

/**
 * Signs a request the way botocore / SDK v3 do and returns the full header set to send:
 * the given headers plus X-Amz-Date, X-Amz-Security-Token (if any), X-Amz-Content-Sha256 (if asked)
 * and Authorization. Every header except NEVER_SIGNED and `unsignedHeaders` is signed.
 */
export function signRequest(input: SignInput): Record<string, string> {
  const service = input.service ?? DEFAULT_SERVICE;
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : (input.body ?? new Uint8Array(0));
  const payloadHash = sha256Hex(body);
  const amzDate = toAmzDate(input.date);
  const scopeDate = amzDate.slice(0, 8);

  const managed = new Set(['x-amz-date', 'authorization', 'x-amz-security-token', 'x-amz-content-sha256']);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) if (!managed.has(name.toLowerCase())) out[name] = value;
  if (!Object.keys(out).some((n) => n.toLowerCase() === 'host')) {
    throw new TypeError('signRequest: headers must include Host');
  }
  out['X-Amz-Date'] = amzDate;
  if (input.credential.sessionToken !== undefined) out['X-Amz-Security-Token'] = input.credential.sessionToken;
  if (input.contentSha256) out['X-Amz-Content-Sha256'] = payloadHash;

  const unsigned = new Set((input.unsignedHeaders ?? []).map((n) => n.toLowerCase()));
  const signedHeaders = [
    ...new Set(
      Object.keys(out)
        .map((n) => n.toLowerCase())
        .filter((n) => n === 'host' || (!NEVER_SIGNED.has(n) && !unsigned.has(n))),
    ),
  ].sort(compareStrings);

  const pairs = Object.entries(out) as Array<[string, string]>;
  const creq = canonicalRequest({
    method: input.method ?? 'POST',
    path: input.path,
    query: input.query,
    headers: pairs,
    signedHeaders,
    payloadHash,
  });
  const scope = `${scopeDate}/${input.region}/${service}/${TERMINATOR}`;
  const signature = computeSignature(
    input.credential.secretAccessKey,
    scopeDate,
    input.region,
    service,
    stringToSign(amzDate, scope, creq),
  );
  out['Authorization'] =
    `${ALGORITHM} Credential=${input.credential.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return out;
}
