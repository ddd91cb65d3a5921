// X.509 v2 CRLs (RFC 5280 §5, REVOCATION.md §2.4–2.5). The revoked-certificate list is written straight into one
// buffer sized by a first pass, so a million entries cost one allocation of the CRL's size and no per-entry objects.
import { algorithmIdentifier, extensionDer } from './certificate.ts';
import type { SigningAlgorithm } from './algorithms.ts';
import { ascii, bitString, derLength, explicit, implicit, integerOf, seq, time } from './der.ts';
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

/** Writes one entry at `off` of `out`; returns the new offset. */
export function writeEntry(out: Uint8Array, off: number, e: CrlEntry): number {
  const code = reasonCode(e.reason);
  const sLen = serialTlvLength(e.serial);
  const contents = sLen + timeLength(e.revokedAt) + (code === null ? 0 : REASON_EXT_HEAD.length + 1);
  out[off++] = 0x30;
  off = writeLength(out, off, contents);
  // userCertificate INTEGER: magnitude with a 0x00 pad when its top bit is set (leading zero octets dropped)
  let hex = e.serial;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  const mag = hex.length / 2;
  const padded = parseInt(hex.slice(0, 2), 16) >= 0x80;
  out[off++] = 0x02;
  off = writeLength(out, off, mag + (padded ? 1 : 0));
  if (padded) out[off++] = 0;
  off += Buffer.from(out.buffer, out.byteOffset, out.length).write(hex, off, 'hex');
  off = writeTime(out, off, e.revokedAt);
  if (code !== null) {
    out.set(REASON_EXT_HEAD, off);
    off += REASON_EXT_HEAD.length;
    out[off++] = code;
  }
  return off;
}

/**
 * Encodes the TBSCertList. `entries` is iterated twice (sizes, then bytes) and must yield the same entries both
 * times, in ascending serial order; a mismatch throws CrlChanged so that the caller can start again.
 */
export async function encodeCrlTbs(h: CrlHeader, entries: () => AsyncIterable<CrlEntry> | Iterable<CrlEntry>): Promise<{ tbs: Uint8Array; count: number }> {
  let listLen = 0;
  let count = 0;
  for await (const e of entries()) { listLen += entryLength(e); count++; }
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
  const tbs = new Uint8Array(1 + lengthOctets(contents) + contents);
  let off = 0;
  tbs[off++] = 0x30;
  off = writeLength(tbs, off, contents);
  for (const p of head) { tbs.set(p, off); off += p.length; }
  tbs.set(listHeader, off);
  off += listHeader.length;
  const listEnd = off + (count === 0 ? 0 : listLen);
  let n = 0;
  for await (const e of entries()) {
    if (++n > count || off + entryLength(e) > listEnd) throw new CrlChanged();
    off = writeEntry(tbs, off, e);
  }
  if (n !== count || off !== listEnd) throw new CrlChanged();
  tbs.set(tail, off);
  return { tbs, count };
}

/** The revoked-certificate list changed between the two passes of encodeCrlTbs. */
export class CrlChanged extends Error {
  override name = 'CrlChanged';
  constructor() { super('the revoked certificates changed while the CRL was being written'); }
}

/** CertificateList: SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }. */
export function encodeCrl(tbs: Uint8Array, alg: SigningAlgorithm, signature: Uint8Array): Uint8Array {
  return seq(tbs, algorithmIdentifier(alg), bitString(signature));
}

/** The CRLReason written for an API reason, or null when the entry carries no reasonCode (UNSPECIFIED). */
function reasonCode(reason: string): number | null {
  const c = CRL_REASON[reason];
  if (c === undefined) throw new RangeError(`unknown revocation reason ${reason}`);
  return c === 0 ? null : c;
}

function serialTlvLength(hex: string): number {
  let i = 0;
  while (i < hex.length - 2 && hex.charCodeAt(i) === 0x30 && hex.charCodeAt(i + 1) === 0x30) i += 2;
  const mag = (hex.length - i) / 2;
  const padded = parseInt(hex.slice(i, i + 2), 16) >= 0x80 ? 1 : 0;
  return 1 + lengthOctets(mag + padded) + mag + padded;
}

function timeLength(ms: number): number {
  const y = new Date(ms).getUTCFullYear();
  return y >= 1950 && y < 2050 ? 15 : 17;
}

/** UTCTime/GeneralizedTime of whole seconds, written in place (the same text as der.ts `time`). */
function writeTime(out: Uint8Array, off: number, ms: number): number {
  const t = time(new Date(ms));
  out.set(t, off);
  return off + t.length;
}

function lengthOctets(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

function writeLength(out: Uint8Array, off: number, n: number): number {
  const l = derLength(n);
  out.set(l, off);
  return off + l.length;
}
