// X.509 v2 CRLs (RFC 5280 §5, REVOCATION.md §2.4–2.5). A first pass sizes the TBSCertList exactly; the second writes
// the revoked-certificate list through one reused buffer, chunk by chunk, so that a million entries cost neither
// memory in proportion to the CRL nor per-entry objects (jobs/crl-file.ts signs and stores the chunks).
import { algorithmIdentifier, extensionDer } from './certificate.ts';
import type { SigningAlgorithm } from './algorithms.ts';
import { ascii, derHeader, explicit, implicit, integerOf, lengthOctets, putHeader, putTime, seq, time, timeLength } from './der.ts';
import { authorityKeyIdentifier } from './extensions.ts';

/** RevocationReason (API) → CRLReason (RFC 5280 §5.3.1); REVOCATION.md §1.4. */
export const CRL_REASON: Readonly<Record<string, number>> = {
  UNSPECIFIED: 0, KEY_COMPROMISE: 1, CERTIFICATE_AUTHORITY_COMPROMISE: 2, AFFILIATION_CHANGED: 3, SUPERSEDED: 4,
  CESSATION_OF_OPERATION: 5, PRIVILEGE_WITHDRAWN: 9, A_A_COMPROMISE: 10,
};

export interface CrlEntry {
  /** Lower-case hex of the serial's magnitude (whole octets). */
  serial: string;
  /** Revocation instant, epoch ms (written in whole seconds). */
  revokedAt: number;
  /** API RevocationReason; UNSPECIFIED gets no reasonCode extension (REVOCATION.md R1). */
  reason: string;
}

export interface CrlHeader {
  signingAlgorithm: SigningAlgorithm;
  /** The CA certificate's subject, exact DER. */
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  /** The CA's subject key identifier. */
  authorityKeyId: Uint8Array;
  crlNumber: number;
  /** PARTITIONED: the partition's URI, written as a critical issuingDistributionPoint. */
  issuingDistributionPointUri?: string | undefined;
}

const REASON_EXT_HEAD = Uint8Array.of(0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01);
const OID_CRL_NUMBER = '2.5.29.20';
const OID_IDP = '2.5.29.28';

/** Byte length of one CRL entry (revokedCertificates element) as `writeEntry` writes it. */
export function entryLength(e: CrlEntry): number {
  const contents = serialTlvLength(e.serial) + timeLength(e.revokedAt) + (reasonCode(e.reason) === null ? 0 : REASON_EXT_HEAD.length + 1);
  return 1 + lengthOctets(contents) + contents;
}

/**
 * Writes one entry at `off` of `out` (`view` is a Buffer over the same bytes, made once per CRL); returns the new
 * offset. No allocation per entry: a million entries are written in well under a second.
 */
export function writeEntry(out: Uint8Array, off: number, e: CrlEntry, view: Buffer = Buffer.from(out.buffer, out.byteOffset, out.length)): number {
  const code = reasonCode(e.reason);
  let hex = e.serial;
  if (hex.charCodeAt(0) === 0x30 && hex.charCodeAt(1) === 0x30) hex = stripZeroOctets(hex);
  const mag = hex.length >> 1;
  const padded = hexDigit(hex.charCodeAt(0)) >= 8 ? 1 : 0;
  const serialContents = mag + padded;
  const contents = 1 + lengthOctets(serialContents) + serialContents + timeLength(e.revokedAt) + (code === null ? 0 : REASON_EXT_HEAD.length + 1);
  off = putHeader(out, off, 0x30, contents);
  // userCertificate INTEGER: magnitude with a 0x00 pad when its top bit is set (leading zero octets dropped)
  off = putHeader(out, off, 0x02, serialContents);
  if (padded) out[off++] = 0;
  off += view.write(hex, off, mag, 'hex');
  off = putTime(out, off, e.revokedAt);
  if (code !== null) {
    out.set(REASON_EXT_HEAD, off);
    off += REASON_EXT_HEAD.length;
    out[off++] = code;
  }
  return off;
}

type EntrySource = AsyncIterable<readonly CrlEntry[]> | Iterable<readonly CrlEntry[]>;

/** Entries alike in what their encoded length depends on (serial hex digits without leading zero octets, its first digit ≥ 8, UTCTime, reason). */
export interface EntryShape { serialDigits: number; highBit: boolean; before2050: boolean; reason: string; count: number }

/** The total encoded length and count of entries of these shapes. */
export function shapeLength(shapes: readonly EntryShape[]): { length: number; count: number } {
  let length = 0;
  let count = 0;
  for (const s of shapes) {
    const serialContents = (s.serialDigits >> 1) + (s.highBit ? 1 : 0);
    const contents = 1 + lengthOctets(serialContents) + serialContents + (s.before2050 ? 15 : 17) + (reasonCode(s.reason) === null ? 0 : REASON_EXT_HEAD.length + 1);
    length += (1 + lengthOctets(contents) + contents) * s.count;
    count += s.count;
  }
  return { length, count };
}

/** A TBSCertList sized and ready to be written. */
export interface CrlTbs {
  /** Its exact DER length, known before the first byte is written. */
  readonly length: number;
  /** Entries it lists. */
  readonly count: number;
  /**
   * Its DER, in order, as views of one buffer of the chunk size that is overwritten for the next chunk: consume each
   * chunk before asking for the next. Throws CrlChanged when the entries no longer match the sizes.
   */
  chunks(): AsyncIterable<Uint8Array>;
}

/** Size of the buffer the TBS is written through: large enough for few writes, small next to a big CRL. */
export const CRL_CHUNK_SIZE = 1 << 20;

/**
 * Sizes the TBSCertList. The list's size comes from `sizes` (shapes of the entries, or the entries themselves,
 * read once); `batches` then yields the entries in ascending serial order as `chunks()` writes them. If they do not
 * match the sizes (a revocation landed in between), CrlChanged is thrown so that the caller can start again.
 */
export async function encodeCrlTbs(h: CrlHeader, batches: () => EntrySource, sizes?: readonly EntryShape[], chunkSize = CRL_CHUNK_SIZE): Promise<CrlTbs> {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < MAX_ENTRY) throw new RangeError(`chunk size must be an integer of at least ${MAX_ENTRY}`);
  let listLen = 0;
  let count = 0;
  if (sizes) ({ length: listLen, count } = shapeLength(sizes));
  else {
    for await (const batch of batches()) {
      for (const e of batch) listLen += entryLength(e);
      count += batch.length;
    }
  }
  const exts = [extensionDer(authorityKeyIdentifier(h.authorityKeyId)), extensionDer({ oid: OID_CRL_NUMBER, critical: false, value: integerOf(h.crlNumber) })];
  if (h.issuingDistributionPointUri !== undefined) {
    const fullName = implicit(0, true, implicit(6, false, ascii(h.issuingDistributionPointUri)));
    exts.push(extensionDer({ oid: OID_IDP, critical: true, value: seq(implicit(0, true, fullName)) }));
  }
  const fields = [Uint8Array.of(0x02, 0x01, 0x01), algorithmIdentifier(h.signingAlgorithm), h.issuerDer, time(h.thisUpdate), time(h.nextUpdate)];
  const tail = explicit(0, seq(...exts));
  const listHeader = count === 0 ? new Uint8Array(0) : derHeader(0x30, listLen);
  let contents = listHeader.length + (count === 0 ? 0 : listLen) + tail.length;
  for (const p of fields) contents += p.length;
  const head = [derHeader(0x30, contents), ...fields, listHeader];
  let listStart = 0;
  for (const p of head) listStart += p.length;
  const length = 1 + lengthOctets(contents) + contents;

  async function* chunks(): AsyncGenerator<Uint8Array> {
    const buf = new Uint8Array(chunkSize);
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    let off = 0;
    let done = 0; // bytes handed out before those in buf
    function* put(bytes: Uint8Array): Generator<Uint8Array> {
      for (let i = 0; i < bytes.length;) {
        const n = Math.min(bytes.length - i, buf.length - off);
        buf.set(bytes.subarray(i, i + n), off);
        off += n;
        i += n;
        if (off === buf.length) { yield buf; done += off; off = 0; }
      }
    }
    for (const p of head) yield* put(p);
    const listEnd = listStart + (count === 0 ? 0 : listLen);
    let n = 0;
    for await (const batch of batches()) {
      n += batch.length;
      if (n > count) throw new CrlChanged();
      for (const e of batch) {
        // MAX_ENTRY bounds entries with serials of up to 20 octets (RFC 5280 §4.1.2.2); longer ones are measured.
        const room = e.serial.length <= 40 ? MAX_ENTRY : entryLength(e);
        if (off + room > buf.length) {
          if (room > buf.length) throw new RangeError(`a CRL entry of ${room} octets does not fit a chunk of ${buf.length}`);
          yield buf.subarray(0, off);
          done += off;
          off = 0;
        }
        if (done + off + room > listEnd && done + off + entryLength(e) > listEnd) throw new CrlChanged();
        off = writeEntry(buf, off, e, view);
      }
    }
    if (n !== count || done + off !== listEnd) throw new CrlChanged();
    yield* put(tail);
    if (off > 0) yield buf.subarray(0, off);
  }
  return { length, count, chunks };
}

/** Longest entry writeEntry can produce for a serial of up to 20 octets: with pad, GeneralizedTime, reason code. */
const MAX_ENTRY = 2 + 2 + 21 + 17 + 14;

/** The revoked-certificate list changed between the two passes of encodeCrlTbs. */
export class CrlChanged extends Error {
  override name = 'CrlChanged';
  constructor() { super('the revoked certificates changed while the CRL was being written'); }
}

/** The CRLReason written for an API reason, or null when the entry carries no reasonCode (UNSPECIFIED). */
function reasonCode(reason: string): number | null {
  const c = CRL_REASON[reason];
  if (c === undefined) throw new RangeError(`unknown revocation reason ${reason}`);
  return c === 0 ? null : c;
}

function serialTlvLength(hex: string): number {
  if (hex.charCodeAt(0) === 0x30 && hex.charCodeAt(1) === 0x30) hex = stripZeroOctets(hex);
  const contents = (hex.length >> 1) + (hexDigit(hex.charCodeAt(0)) >= 8 ? 1 : 0);
  return 1 + lengthOctets(contents) + contents;
}

function stripZeroOctets(hex: string): string {
  let i = 0;
  while (i < hex.length - 2 && hex.charCodeAt(i) === 0x30 && hex.charCodeAt(i + 1) === 0x30) i += 2;
  return hex.slice(i);
}

function hexDigit(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}
