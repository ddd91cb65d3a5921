// Lean DER writer (certificate hot path) and a bounds-checked DER reader (CSR / SPKI walking).

// ---------------------------------------------------------------- writer

/** How many octets the DER length of `n` content bytes takes. */
export function lengthOctets(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

function writeLength(out: Uint8Array, off: number, n: number): number {
  if (n < 0x80) { out[off] = n; return 1; }
  const k = lengthOctets(n) - 1;
  out[off] = 0x80 | k;
  for (let i = k; i >= 1; i--) { out[off + i] = n & 0xff; n = Math.floor(n / 256); }
  return k + 1;
}

// In-place writers, for encoders that size a whole structure first and then fill one buffer (CRLs, OCSP).

/** Writes a single-octet tag and the length of `n` content bytes at `off`; returns the offset after them. */
export function putHeader(out: Uint8Array, off: number, tag: number, n: number): number {
  out[off] = tag;
  return off + 1 + writeLength(out, off + 1, n);
}

/** TLV size of the RFC 5280 Time for an instant: UTCTime (15) for 1950–2049, GeneralizedTime (17) otherwise. */
export function timeLength(ms: number): 15 | 17 {
  return ms >= -631152000000 && ms < 2524608000000 ? 15 : 17; // 1950-01-01, 2050-01-01
}

/** The RFC 5280 Time of `time(new Date(ms))`, written at `off` without a Date or a string; returns the offset after it. */
export function putTime(out: Uint8Array, off: number, ms: number): number {
  return timeLength(ms) === 15 ? putTimeDigits(out, off, ms, false) : putGeneralizedTime(out, off, ms);
}

/** GeneralizedTime 'YYYYMMDDHHMMSSZ' (whole seconds, UTC) at `off`; returns the offset after it. */
export function putGeneralizedTime(out: Uint8Array, off: number, ms: number): number {
  return putTimeDigits(out, off, ms, true);
}

function putTimeDigits(out: Uint8Array, off: number, ms: number, generalized: boolean): number {
  const { y, m, d, hh, mi, ss } = utcFields(ms);
  if (!Number.isFinite(y) || y < 0 || y > 9999) throw new RangeError(`time out of range: ${String(ms)}`);
  out[off] = generalized ? 0x18 : 0x17;
  out[off + 1] = generalized ? 15 : 13;
  let p = off + 2;
  const two = (v: number) => { out[p++] = 0x30 + Math.floor(v / 10); out[p++] = 0x30 + (v % 10); };
  if (generalized) two(Math.floor(y / 100));
  two(y % 100);
  two(m); two(d); two(hh); two(mi); two(ss);
  out[p++] = 0x5a; // 'Z'
  return p;
}

/** The DER length octets for a content length of `n` bytes. */
export function derLength(n: number): Uint8Array {
  const out = new Uint8Array(lengthOctets(n));
  writeLength(out, 0, n);
  return out;
}

/** A tag and the length octets for `n` content bytes: a TLV header whose contents are written elsewhere. */
export function derHeader(tag: number, n: number): Uint8Array {
  const out = new Uint8Array(1 + lengthOctets(n));
  putHeader(out, 0, tag, n);
  return out;
}

/** One TLV with a single-octet tag whose contents are the concatenation of `parts` (one allocation). */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(1 + lengthOctets(n) + n);
  out[0] = tag;
  let off = 1 + writeLength(out, 1, n);
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]): Uint8Array => tlv(0x31, ...parts);
export const octetString = (v: Uint8Array): Uint8Array => tlv(0x04, v);
/** Context-specific [n] EXPLICIT (constructed) around `parts`. */
export const explicit = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts);
/** Context-specific [n] IMPLICIT: the contents of the replaced type under the new tag. */
export const implicit = (n: number, constructed: boolean, contents: Uint8Array): Uint8Array =>
  tlv((constructed ? 0xa0 : 0x80) | n, contents);

export const NULL: Uint8Array = Uint8Array.of(0x05, 0x00);
const TRUE = Uint8Array.of(0x01, 0x01, 0xff);
const FALSE = Uint8Array.of(0x01, 0x01, 0x00);
export const bool = (v: boolean): Uint8Array => (v ? TRUE : FALSE);

/** INTEGER from big-endian magnitude bytes: leading zeros dropped, 0x00 pad when the top bit is set. */
export function integer(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.length === 0 ? Uint8Array.of(0) : magnitude.subarray(i);
  return ((m[0] ?? 0) & 0x80) !== 0 ? tlv(0x02, Uint8Array.of(0), m) : tlv(0x02, m);
}

/** INTEGER for a non-negative safe integer. */
export function integerOf(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`integerOf: ${n} is not a non-negative safe integer`);
  const bytes: number[] = [];
  do { bytes.unshift(n % 256); n = Math.floor(n / 256); } while (n > 0);
  return integer(Uint8Array.from(bytes));
}

/** BIT STRING with `unusedBits` (0–7) unused bits in the last octet. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(0x03, Uint8Array.of(unusedBits), bytes);
}

const OID_RE = /^([0-2])\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const oidCache = new Map<string, Uint8Array>();
const OID_CACHE_MAX = 4096;

/** Contents octets of an OBJECT IDENTIFIER; throws RangeError for a malformed dotted string. */
export function oidContents(dotted: string): Uint8Array {
  if (!OID_RE.test(dotted)) throw new RangeError(`not a dotted-decimal object identifier: ${JSON.stringify(dotted)}`);
  const arcs = dotted.split('.').map((s) => BigInt(s));
  const [a0 = 0n, a1 = 0n] = arcs;
  if (a0 < 2n && a1 > 39n) throw new RangeError(`object identifier ${dotted}: second arc must be < 40 under arc ${a0}`);
  const out: number[] = [];
  for (const arc of [a0 * 40n + a1, ...arcs.slice(2)]) {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...groups);
  }
  return Uint8Array.from(out);
}

/** OBJECT IDENTIFIER TLV (cached; callers must not mutate the returned bytes). */
export function oid(dotted: string): Uint8Array {
  let v = oidCache.get(dotted);
  if (v === undefined) {
    v = tlv(0x06, oidContents(dotted));
    if (oidCache.size < OID_CACHE_MAX) oidCache.set(dotted, v);
  }
  return v;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/**
 * UTC calendar fields of an instant (whole seconds), by arithmetic alone (H. Hinnant's civil_from_days): for the
 * hot paths that write millions of timestamps, where a Date and a string per value would dominate.
 */
export function utcFields(ms: number): { y: number; m: number; d: number; hh: number; mi: number; ss: number } {
  const secs = Math.floor(ms / 1000);
  const days = Math.floor(secs / 86400);
  let rem = secs - days * 86400;
  const z = days + 719468; // days since 0000-03-01
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mi = Math.floor(rem / 60);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d, hh, mi, ss: rem - mi * 60 };
}

/**
 * RFC 5280 §4.1.2.5 Time: UTCTime for 1950–2049, GeneralizedTime otherwise; always seconds and
 * `Z`, never fractions (milliseconds are truncated).
 */
export function time(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  if (!Number.isFinite(y) || y < 0 || y > 9999) throw new RangeError(`time out of range: ${String(d)}`);
  const rest = pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) + pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) + pad(d.getUTCSeconds(), 2) + 'Z';
  return y >= 1950 && y < 2050
    ? tlv(0x17, ascii(pad(y % 100, 2) + rest))
    : tlv(0x18, ascii(pad(y, 4) + rest));
}

/** The bytes of an ASCII string; throws RangeError on any character above 0x7f. */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new RangeError('non-ASCII character in an IA5String/PrintableString');
    out[i] = c;
  }
  return out;
}

const utf8enc = new TextEncoder();
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export const ia5String = (s: string): Uint8Array => tlv(0x16, ascii(s));
export const utf8String = (s: string): Uint8Array => tlv(0x0c, utf8enc.encode(s));
export function printableString(s: string): Uint8Array {
  if (!PRINTABLE.test(s)) throw new RangeError('character outside the PrintableString set');
  return tlv(0x13, ascii(s));
}

// ---------------------------------------------------------------- reader

export class DerError extends Error {
  override name = 'DerError';
}

/** One decoded TLV header: tag octet, header start, contents start, end (exclusive). */
export interface Tlv {
  tag: number;
  start: number;
  vStart: number;
  end: number;
}

/** Reads the TLV at `off`, which must end by `limit`. DER only: definite, minimal lengths. */
export function readTlv(buf: Uint8Array, off: number, limit = buf.length): Tlv {
  let p = off;
  if (p >= limit) throw new DerError('unexpected end of data');
  const tag = buf[p++] as number;
  if ((tag & 0x1f) === 0x1f) {
    // high-tag-number form: skip the tag-number octets
    for (;;) {
      if (p >= limit) throw new DerError('truncated tag');
      if (((buf[p++] as number) & 0x80) === 0) break;
    }
  }
  if (p >= limit) throw new DerError('truncated length');
  const first = buf[p++] as number;
  let len: number;
  if (first < 0x80) len = first;
  else if (first === 0x80) throw new DerError('indefinite length (BER) is not allowed in DER');
  else {
    const k = first & 0x7f;
    if (k > 4) throw new DerError('length too large');
    if (p + k > limit) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < k; i++) len = len * 256 + (buf[p++] as number);
    if (len < 0x80 || (buf[p - k] as number) === 0) throw new DerError('non-minimal length encoding (not DER)');
  }
  if (p + len > limit) throw new DerError(`element at offset ${off} runs past the end of its container`);
  return { tag, start: off, vStart: p, end: p + len };
}

/** Reads a TLV and checks its tag. `what` names it in the error message. */
export function expectTlv(buf: Uint8Array, off: number, limit: number, tag: number, what: string): Tlv {
  const t = readTlv(buf, off, limit);
  if (t.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${tag.toString(16).padStart(2, '0')}, found 0x${t.tag.toString(16).padStart(2, '0')}`);
  }
  return t;
}

/** The elements inside a constructed TLV, in order. */
export function children(buf: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.vStart; p < t.end;) {
    const c = readTlv(buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** The bytes of a whole TLV (a view, not a copy). */
export const tlvBytes = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start, t.end);
/** The contents of a TLV (a view, not a copy). */
export const tlvValue = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.vStart, t.end);

/** True when `v` is exactly one well-formed DER TLV. */
export function isSingleTlv(v: Uint8Array): boolean {
  try { return readTlv(v, 0).end === v.length; } catch { return false; }
}

/** Character count of a string value by its universal tag (UTF8 code points, BMP/Universal units, else octets). */
export function stringChars(tag: number, bytes: Uint8Array): number {
  switch (tag) {
    case 0x0c: return [...Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')].length;
    case 0x1e: return bytes.length / 2;
    case 0x1c: return bytes.length / 4;
    default: return bytes.length;
  }
}

/** Dotted-decimal form of OBJECT IDENTIFIER contents; throws DerError when malformed. */
export function decodeOid(v: Uint8Array): string {
  if (v.length === 0) throw new DerError('empty object identifier');
  const arcs: (number | bigint)[] = [];
  let acc = 0;
  let big: bigint | null = null; // arcs beyond 2^45 (e.g. 2.25.<uuid>) continue in BigInt
  let fresh = true;
  for (const b of v) {
    if (fresh && b === 0x80) throw new DerError('object identifier arc with a leading 0x80 octet (not DER)');
    if (big === null && acc >= 2 ** 45) big = BigInt(acc);
    if (big === null) acc = acc * 128 + (b & 0x7f);
    else big = (big << 7n) | BigInt(b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) { arcs.push(big ?? acc); acc = 0; big = null; }
  }
  if (!fresh) throw new DerError('truncated object identifier');
  const f = arcs[0] as number | bigint;
  const head = f < 40 ? [0, f] : f < 80 ? [1, Number(f) - 40] : [2, typeof f === 'bigint' ? f - 80n : f - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** Reads an OBJECT IDENTIFIER TLV at `off` and returns its dotted form and TLV. */
export function readOid(buf: Uint8Array, off: number, limit: number, what: string): { oid: string; tlv: Tlv } {
  const t = expectTlv(buf, off, limit, 0x06, what);
  return { oid: decodeOid(tlvValue(buf, t)), tlv: t };
}
