// Audit report formatting (REVOCATION.md §6.3–§6.4): record fields, the Java-compatible RFC 2253
// subject string, and streaming JSON / CSV writers. Pure: no I/O, no store access.
import { DerError, children, decodeOid, expectTlv, oidContents, readTlv, tlvBytes, tlvValue, utcFields, type Tlv } from '../x509/der.ts';

/** One issued certificate as the store hands it to the report writer. */
export interface AuditRecordInput {
  awsAccountId: string;
  requestedByServicePrincipal?: string | undefined;
  certificateArn: string;
  /** Lower-case hex of the serial magnitude, no separators, whole octets (as stored). */
  serialHex: string;
  /** The issued certificate; the subject is read from it. */
  certificateDer: Uint8Array;
  /** Epoch milliseconds. */
  notBefore: number;
  notAfter: number;
  issuedAt: number;
  /** Both or neither (R13). */
  revokedAt?: number | null;
  revocationReason?: string | null;
  templateArn: string;
}

/** One report record, keys in §6.4 order; optional keys absent rather than empty. */
export interface AuditRecord {
  awsAccountId: string;
  requestedByServicePrincipal?: string;
  certificateArn: string;
  serial: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  revokedAt?: string;
  revocationReason?: string;
  templateArn: string;
}

export const CSV_HEADER =
  'awsAccountId,requestedByServicePrincipal,certificateArn,serial,subject,notBefore,notAfter,issuedAt,revokedAt,revocationReason,templateArn';

/** Reports are yielded in strings of at least this many UTF-16 units (the last one may be shorter). */
export const REPORT_CHUNK_CHARS = 64 * 1024;

// ---------------------------------------------------------------- scalar fields

/** '00'…'99'. */
const TWO: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + String(i));
const MIN_MS = -62167219200000; // 0000-01-01T00:00:00Z
const MAX_MS = 253402300799999; // 9999-12-31T23:59:59.999Z

/**
 * `yyyy-MM-ddTHH:mm:ss+0000` in UTC; milliseconds are dropped (floor), years must be 0000–9999.
 * Civil-from-days arithmetic (proleptic Gregorian, as Date): no Date object per call.
 */
export function auditTimestamp(ms: number): string {
  if (!(ms >= MIN_MS && ms <= MAX_MS)) throw new RangeError(`audit timestamp out of range: ${String(ms)}`);
  const { y, m, d, hh, mi, ss } = utcFields(ms);
  return `${TWO[Math.floor(y / 100)]}${TWO[y % 100]}-${TWO[m]}-${TWO[d]}T${TWO[hh]}:${TWO[mi]}:${TWO[ss]}+0000`;
}

const HEX_OCTETS = /^(?:[0-9a-f]{2})+$/;

/** The stored hex with leading 00 octets removed (one kept for zero); RangeError unless whole hex octets. */
function serialMagnitude(serialHex: string): string {
  const h = serialHex.toLowerCase();
  if (!HEX_OCTETS.test(h)) throw new RangeError(`serial is not whole hex octets: ${JSON.stringify(serialHex)}`);
  let i = 0;
  while (i < h.length - 2 && h[i] === '0' && h[i + 1] === '0') i += 2;
  return h.slice(i);
}

/** `aa:bb:…`: lower-case magnitude octets joined by `:` — no `00` pad before a top-bit-set octet (R12 choice). */
export function auditSerial(serialHex: string): string {
  const m = serialMagnitude(serialHex);
  let s = m.slice(0, 2);
  for (let i = 2; i < m.length; i += 2) s += ':' + m.slice(i, i + 2);
  return s;
}

type OrderKey = Pick<AuditRecordInput, 'issuedAt' | 'serialHex'>;

/**
 * §6.3 report order: ascending issuedAt, ties by serial (numerically). Negative when `a` comes first.
 * The writers require their input in this order; the store should sort by the same rule.
 */
export function compareAuditRecords(a: OrderKey, b: OrderKey): number {
  if (a.issuedAt !== b.issuedAt) return a.issuedAt < b.issuedAt ? -1 : 1;
  const x = serialMagnitude(a.serialHex);
  const y = serialMagnitude(b.serialHex);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------- subject

/** Walks Certificate → tbsCertificate → subject and returns the subject Name TLV (a view, not a copy). */
export function certificateSubjectDer(certDer: Uint8Array): Uint8Array {
  const cert = expectTlv(certDer, 0, certDer.length, 0x30, 'Certificate');
  if (cert.end !== certDer.length) throw new DerError('Certificate: trailing data after the certificate');
  const tbs = expectTlv(certDer, cert.vStart, cert.end, 0x30, 'tbsCertificate');
  const first = readTlv(certDer, tbs.vStart, tbs.end);
  let p = first.tag === 0xa0 ? first.end : tbs.vStart; // [0] EXPLICIT version, absent in v1
  p = expectTlv(certDer, p, tbs.end, 0x02, 'serialNumber').end;
  p = expectTlv(certDer, p, tbs.end, 0x30, 'signature').end;
  p = expectTlv(certDer, p, tbs.end, 0x30, 'issuer').end;
  p = expectTlv(certDer, p, tbs.end, 0x30, 'validity').end;
  return tlvBytes(certDer, expectTlv(certDer, p, tbs.end, 0x30, 'subject'));
}

const DC_OID = oidContents('0.9.2342.19200300.100.1.25');

/**
 * The keyword Java's RFC 2253 writer uses for the OBJECT IDENTIFIER contents at der[start, end):
 * only CN C L ST O OU STREET (2.5.4.x), DC and UID; undefined for every other type. Compares the
 * encoded bytes, so the common case never builds a dotted string.
 */
function keywordOf(der: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  if (n === 3 && der[start] === 0x55 && der[start + 1] === 0x04) {
    switch (der[start + 2]) {
      case 3: return 'CN';
      case 6: return 'C';
      case 7: return 'L';
      case 8: return 'ST';
      case 9: return 'STREET';
      case 10: return 'O';
      case 11: return 'OU';
      default: return undefined;
    }
  }
  if (n === DC_OID.length) {
    for (let i = 0; i < n - 1; i++) if (der[start + i] !== DC_OID[i]) return undefined;
    const last = der[end - 1];
    return last === 0x19 ? 'DC' : last === 0x01 ? 'UID' : undefined; // …100.1.25 / …100.1.1
  }
  return undefined;
}

// ignoreBOM: a leading U+FEFF is part of the value, as with Java's decoders.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { ignoreBOM: true });

/**
 * Java's decoding of a directory string by universal tag (sun.security.x509.AVA in current JDKs):
 * UTF8String as UTF-8, BMPString as UTF-16BE, Printable/Teletex/IA5/GeneralString as ISO-8859-1
 * (Buffer 'latin1' is ISO-8859-1; TextDecoder('latin1') would be windows-1252). Any other tag —
 * UniversalString and VisibleString included — is not a string to Java's RFC 2253 writer: null,
 * and the value is printed in `#hex` form.
 */
function decodeDirectoryString(buf: Buffer, tag: number, start: number, end: number): string | null {
  switch (tag) {
    case 0x0c: {
      for (let i = start; i < end; i++) {
        if ((buf[i] as number) >= 0x80) return utf8.decode(buf.subarray(start, end));
      }
      return buf.toString('latin1', start, end); // ASCII: same result, much cheaper for short values
    }
    case 0x1e: return utf16be.decode(buf.subarray(start, end));
    case 0x13: case 0x14: case 0x16: case 0x1b: return buf.toString('latin1', start, end);
    default: return null;
  }
}

/** Anything escapeValue would change. */
const NEEDS_ESCAPE = /[,=+<>#;"\\\u0000]|^[ \r]|[ \r]$/;

/**
 * RFC 2253 §2.4 value escaping as Java's AVA.toRFC2253String does it: `\` before each of
 * `, = + < > # ; " \` anywhere (Java adds `=` and `#` to §2.4's list, which §2.4 allows), U+0000 as
 * `\00`, and `\` before every space or CR of the leading run and of the trailing run. Other
 * characters (non-ASCII and control characters included) pass unchanged.
 */
function escapeValue(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let body = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    switch (c) {
      case ',': case '=': case '+': case '<': case '>': case '#': case ';': case '"': case '\\':
        body += '\\' + c; break;
      case '\u0000': body += '\\00'; break;
      default: body += c;
    }
  }
  let lead = 0;
  while (lead < body.length && (body[lead] === ' ' || body[lead] === '\r')) lead++;
  let trail = body.length - 1;
  while (trail >= 0 && (body[trail] === ' ' || body[trail] === '\r')) trail--;
  if (lead === 0 && trail === body.length - 1) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) out += (i < lead || i > trail ? '\\' : '') + body[i];
  return out;
}

function avaString(buf: Buffer, ava: Tlv): string {
  if (ava.tag !== 0x30) throw new DerError('AttributeTypeAndValue: expected a SEQUENCE');
  const type = expectTlv(buf, ava.vStart, ava.end, 0x06, 'AttributeType');
  const value = readTlv(buf, type.end, ava.end);
  if (value.end !== ava.end) throw new DerError('AttributeTypeAndValue: trailing data after the value');
  const keyword = keywordOf(buf, type.vStart, type.end);
  if (keyword !== undefined) {
    const s = decodeDirectoryString(buf, value.tag, value.vStart, value.end);
    if (s !== null) return keyword + '=' + escapeValue(s);
  }
  return (keyword ?? decodeOid(tlvValue(buf, type))) + '=#' + buf.toString('hex', value.start, value.end);
}

/**
 * Java `X500Principal.getName("RFC2253")` of a DER Name: RDNs last-first joined by `,`; the members
 * of a multi-valued RDN joined by `+` in their encoded order (Java sorts them only for the CANONICAL
 * format); keywords only for CN C L ST O OU STREET DC UID with a directory-string value, otherwise
 * `<keyword or dotted OID>=#<lower-case hex of the whole value TLV>`.
 */
export function rfc2253(nameDer: Uint8Array): string {
  const buf = Buffer.from(nameDer.buffer, nameDer.byteOffset, nameDer.length);
  const name = expectTlv(buf, 0, buf.length, 0x30, 'Name');
  if (name.end !== buf.length) throw new DerError('Name: trailing data after the name');
  const rdns = children(buf, name);
  let out = '';
  for (let i = rdns.length - 1; i >= 0; i--) {
    const rdn = rdns[i] as Tlv;
    if (rdn.tag !== 0x31) throw new DerError('RelativeDistinguishedName: expected a SET');
    if (rdn.vStart === rdn.end) throw new DerError('RelativeDistinguishedName: empty SET');
    if (i !== rdns.length - 1) out += ',';
    for (let p = rdn.vStart; p < rdn.end;) {
      const ava = readTlv(buf, p, rdn.end);
      if (p !== rdn.vStart) out += '+';
      out += avaString(buf, ava);
      p = ava.end;
    }
  }
  return out;
}

// ---------------------------------------------------------------- records

/** The §6.4 record for one input, keys in report order. Throws on inconsistent or out-of-range input. */
export function auditRecord(r: AuditRecordInput): AuditRecord {
  const revoked = r.revokedAt !== undefined && r.revokedAt !== null;
  const hasReason = r.revocationReason !== undefined && r.revocationReason !== null;
  if (revoked !== hasReason) {
    throw new RangeError(`audit record ${r.certificateArn}: revokedAt and revocationReason must be both present or both absent`);
  }
  const principal = r.requestedByServicePrincipal;
  return {
    awsAccountId: r.awsAccountId,
    ...(principal !== undefined && principal !== '' ? { requestedByServicePrincipal: principal } : {}),
    certificateArn: r.certificateArn,
    serial: auditSerial(r.serialHex),
    subject: rfc2253(certificateSubjectDer(r.certificateDer)),
    notBefore: auditTimestamp(r.notBefore),
    notAfter: auditTimestamp(r.notAfter),
    issuedAt: auditTimestamp(r.issuedAt),
    ...(revoked ? { revokedAt: auditTimestamp(r.revokedAt as number), revocationReason: r.revocationReason as string } : {}),
    templateArn: r.templateArn,
  };
}

const CSV_NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 field: wrapped in `"` (inner `"` doubled) when it contains `,` `"` CR or LF. */
function csvField(s: string): string {
  return CSV_NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line, `\n` included: all 11 columns, empty for absent values. */
function csvLine(rec: AuditRecord): string {
  // serial and the timestamps are hex, ':', digits, '-', 'T' and '+' by construction: never quoted.
  return csvField(rec.awsAccountId) + ',' + csvField(rec.requestedByServicePrincipal ?? '') + ',' +
    csvField(rec.certificateArn) + ',' + rec.serial + ',' + csvField(rec.subject) + ',' +
    rec.notBefore + ',' + rec.notAfter + ',' + rec.issuedAt + ',' +
    (rec.revokedAt ?? '') + ',' + csvField(rec.revocationReason ?? '') + ',' + csvField(rec.templateArn) + '\n';
}

type Records = AsyncIterable<AuditRecordInput> | Iterable<AuditRecordInput>;

/**
 * The shared report loop: `head`, then `line(record, index)` per record, then `tail(count)`, yielded in
 * strings of at least REPORT_CHUNK_CHARS (the last may be shorter). Checks the §6.3 order as records
 * pass. A synchronous iterable is read without a promise per record.
 */
async function* chunked(
  records: Records, head: string, line: (rec: AuditRecord, index: number) => string, tail: (count: number) => string,
): AsyncGenerator<string> {
  let buf = head;
  let n = 0;
  let prev: AuditRecordInput | undefined;
  const add = (r: AuditRecordInput): void => {
    if (prev !== undefined && compareAuditRecords(prev, r) > 0) {
      throw new RangeError(`audit records out of order (ascending issuedAt, then serial): ${r.certificateArn} after ${prev.certificateArn}`);
    }
    prev = r;
    buf += line(auditRecord(r), n++);
  };
  if (Symbol.asyncIterator in records) {
    for await (const r of records) {
      add(r);
      if (buf.length >= REPORT_CHUNK_CHARS) { yield buf; buf = ''; }
    }
  } else {
    for (const r of records) {
      add(r);
      if (buf.length >= REPORT_CHUNK_CHARS) { yield buf; buf = ''; }
    }
  }
  yield buf + tail(n);
}

/**
 * The JSON report: one top-level array, one record object per line (`[`, records, `]`, each on its
 * own line; `[]` when empty). Yields strings of about REPORT_CHUNK_CHARS whose concatenation is the
 * file; holds one chunk, never the whole record list.
 */
export function jsonReport(records: Records): AsyncGenerator<string> {
  return chunked(records, '[', (rec, i) => (i === 0 ? '\n' : ',\n') + JSON.stringify(rec), (n) => (n === 0 ? ']\n' : '\n]\n'));
}

/** The CSV report: CSV_HEADER, then one line per record, every line ending in `\n`. Chunked like jsonReport. */
export function csvReport(records: Records): AsyncGenerator<string> {
  return chunked(records, CSV_HEADER + '\n', csvLine, () => '');
}
