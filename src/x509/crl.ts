// X.509 v2 CRLs (RFC 5280 §5, REVOCATION.md §2.4–2.5). The revoked-certificate list is written straight into one
// buffer sized by a first pass, so a million entries cost one allocation of the CRL's size and no per-entry objects.
import { algorithmIdentifier, extensionDer } from './certificate.ts';
import type { SigningAlgorithm } from './algorithms.ts';
import { ascii, bitString, derLength, explicit, implicit, integerOf, lengthOctets, putHeader, putTime, seq, time, timeLength } from './der.ts';
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

/**
 * Encodes the TBSCertList. The list's size comes from `sizes` (shapes of the entries, or the entries themselves,
 * read once); `batches` then yields the entries in ascending serial order. If they do not match the sizes (a
 * revocation landed in between), CrlChanged is thrown so that the caller can start again.
 */
export async function encodeCrlTbs(h: CrlHeader, batches: () => EntrySource, sizes?: readonly EntryShape[]): Promise<{ tbs: Uint8Array; count: number }> {
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
  const head = [Uint8Array.of(0x02, 0x01, 0x01), algorithmIdentifier(h.signingAlgorithm), h.issuerDer, time(h.thisUpdate), time(h.nextUpdate)];
  const tail = explicit(0, seq(...exts));
  const listHeader = count === 0 ? new Uint8Array(0) : Uint8Array.of(0x30, ...derLength(listLen));
  let contents = listHeader.length + (count === 0 ? 0 : listLen) + tail.length;
  for (const p of head) contents += p.length;
  // Room before and after, so that encodeCrl can wrap the signed CRL around the TBS in place (no second copy
  // of a 50 MB list): 6 octets for the outer header, and the algorithm identifier plus signature after it.
  const whole = new Uint8Array(HEAD_ROOM + 1 + lengthOctets(contents) + contents + TAIL_ROOM);
  const tbs = whole.subarray(HEAD_ROOM, HEAD_ROOM + 1 + lengthOctets(contents) + contents);
  roomy.add(tbs);
  const view = Buffer.from(tbs.buffer, tbs.byteOffset, tbs.length);
  let off = putHeader(tbs, 0, 0x30, contents);
  for (const p of head) { tbs.set(p, off); off += p.length; }
  tbs.set(listHeader, off);
  off += listHeader.length;
  const listEnd = off + (count === 0 ? 0 : listLen);
  let n = 0;
  for await (const batch of batches()) {
    n += batch.length;
    if (n > count) throw new CrlChanged();
    for (const e of batch) {
      if (off + MAX_ENTRY > listEnd && off + entryLength(e) > listEnd) throw new CrlChanged();
      off = writeEntry(tbs, off, e, view);
    }
  }
  if (n !== count || off !== listEnd) throw new CrlChanged();
  tbs.set(tail, off);
  return { tbs, count };
}

/** Longest entry writeEntry can produce: 20-octet serial with pad, GeneralizedTime, reason code. */
const MAX_ENTRY = 2 + 2 + 21 + 17 + 14;

/** The revoked-certificate list changed between the two passes of encodeCrlTbs. */
export class CrlChanged extends Error {
  override name = 'CrlChanged';
  constructor() { super('the revoked certificates changed while the CRL was being written'); }
}

const HEAD_ROOM = 6;
const TAIL_ROOM = 8192;
/** TBS lists made by encodeCrlTbs, which have room around them in their buffer. */
const roomy = new WeakSet<Uint8Array>();

/** CertificateList: SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }; in place when it can be. */
export function encodeCrl(tbs: Uint8Array, alg: SigningAlgorithm, signature: Uint8Array): Uint8Array {
  const algId = algorithmIdentifier(alg);
  const sig = bitString(signature);
  if (!roomy.has(tbs) || algId.length + sig.length > TAIL_ROOM) return seq(tbs, algId, sig);
  const buf = new Uint8Array(tbs.buffer, tbs.byteOffset - HEAD_ROOM, HEAD_ROOM + tbs.length + TAIL_ROOM);
  let end = HEAD_ROOM + tbs.length;
  buf.set(algId, end);
  end += algId.length;
  buf.set(sig, end);
  end += sig.length;
  const contents = end - HEAD_ROOM;
  const start = HEAD_ROOM - 1 - lengthOctets(contents);
  putHeader(buf, start, 0x30, contents);
  roomy.delete(tbs); // its buffer now holds the CRL
  return buf.subarray(start, end);
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
