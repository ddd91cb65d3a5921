// Audit report formatting (REVOCATION.md §6.3–§6.4): record fields, the Java-compatible RFC 2253
// subject string, and streaming JSON / CSV writers. Pure: no I/O, no store access.
import { utcFields } from '../x509/der.ts';
import { rfc2253 } from '../x509/rfc2253.ts';
import { certificateSubjectDer } from '../x509/tbs-fields.ts';

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
