// RFC 6960 OCSP: request parsing (POST body / RFC 5019 GET path) and response encoding (BasicOCSPResponse).
import { createHash } from 'node:crypto';
import type { SigningAlgorithm } from './algorithms.ts';
import { algorithmIdentifier, ski, subjectPublicKeyBits } from './certificate.ts';
import { DerError, decodeOid, lengthOctets, oid, putGeneralizedTime, putHeader, readTlv, tlvBytes, tlvValue, type Tlv } from './der.ts';

/** OCSPResponseStatus (RFC 6960 §4.2.1); 4 is unused. */
export const OCSP_STATUS = {
  successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6,
} as const;

/** The request is not a well-formed DER OCSPRequest: answer with malformedRequest. */
export class OcspMalformed extends Error {
  override name = 'OcspMalformed';
}

export type OcspHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface OcspCertId {
  /** Dotted OID of CertID.hashAlgorithm. */
  hashOid: string;
  /** node:crypto name of the hash; null when the OID is not SHA-1/256/384/512. */
  hash: OcspHash | null;
  /** Views into the request buffer (not copies). */
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** Lower-case hex of the serial's magnitude without leading zero octets ("00" for zero). */
  serial: string;
  /** The CertID TLV exactly as in the request (a view), to echo in the SingleResponse. */
  der: Uint8Array;
}

export interface OcspRequestInfo {
  certIds: OcspCertId[];
  /** Contents of the nonce extension's extnValue OCTET STRING, verbatim (a view); null when absent. */
  nonce: Uint8Array | null;
  /** True when the request carries optionalSignature (not verified). */
  signed: boolean;
}

// ---------------------------------------------------------------- constants

export const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
export const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

const HASH_OIDS: Record<OcspHash, string> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
/** OID contents octets → hash, for a byte comparison instead of decoding the OID on every request. */
const HASH_BY_OID: readonly { contents: Uint8Array; oid: string; hash: OcspHash }[] = (Object.keys(HASH_OIDS) as OcspHash[])
  .map((hash) => ({ contents: oid(HASH_OIDS[hash]).subarray(2), oid: HASH_OIDS[hash], hash }));

const BASIC_OID_DER = oid(OID_OCSP_BASIC);
const NONCE_OID_DER = oid(OID_OCSP_NONCE);
const NONCE_OID_CONTENTS = NONCE_OID_DER.subarray(2);

const TAG_BOOLEAN = 0x01;
const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_ENUMERATED = 0x0a;
const TAG_SEQUENCE = 0x30;
const CTX0 = 0xa0;
const CTX1 = 0xa1;
const CTX2 = 0xa2;

/**
 * Uninitialised bytes from Node's Buffer pool, as a plain Uint8Array view: `new Uint8Array(n)` costs ~1 µs
 * (a fresh zeroed ArrayBuffer) against ~0.2 µs here. Every caller overwrites all `n` bytes (the encoders check
 * their byte count). The encoders' and decodeOcspGetPath's results may therefore share their `.buffer` with
 * other pooled Buffers: use the view (byteOffset/length), never transfer or detach the underlying ArrayBuffer.
 */
function alloc(n: number): Uint8Array {
  const b = Buffer.allocUnsafe(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

// ---------------------------------------------------------------- request parsing

function bytesEqual(a: Uint8Array, b: Uint8Array, bStart: number, bEnd: number): boolean {
  if (a.length !== bEnd - bStart) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[bStart + i]) return false;
  return true;
}

const tagHex = (t: number): string => `0x${t.toString(16).padStart(2, '0')}`;

/** The TLV at `off` (within `limit`) with tag `tag`; OcspMalformed otherwise. */
function want(buf: Uint8Array, off: number, limit: number, tag: number, what: string): Tlv {
  if (off >= limit) throw new OcspMalformed(`${what} is missing`);
  const t = readTlv(buf, off, limit);
  if (t.tag !== tag) throw new OcspMalformed(`${what}: expected tag ${tagHex(tag)}, found ${tagHex(t.tag)}`);
  return t;
}

/** The next TLV at `off` if it has tag `tag`, else null (nothing consumed). */
function optional(buf: Uint8Array, off: number, limit: number, tag: number): Tlv | null {
  return off < limit && buf[off] === tag ? readTlv(buf, off, limit) : null;
}

function noMore(off: number, limit: number, what: string): void {
  if (off !== limit) throw new OcspMalformed(`unexpected element after the last field of ${what}`);
}

/** AlgorithmIdentifier: SEQUENCE { OID, parameters ANY OPTIONAL }. */
function parseHashAlgorithm(buf: Uint8Array, t: Tlv): { hashOid: string; hash: OcspHash | null } {
  const o = want(buf, t.vStart, t.end, TAG_OID, 'CertID.hashAlgorithm.algorithm');
  if (o.end < t.end) {
    const params = readTlv(buf, o.end, t.end);
    noMore(params.end, t.end, 'CertID.hashAlgorithm');
  }
  for (const h of HASH_BY_OID) if (bytesEqual(h.contents, buf, o.vStart, o.end)) return { hashOid: h.oid, hash: h.hash };
  return { hashOid: decodeOid(tlvValue(buf, o)), hash: null };
}

/** CertificateSerialNumber INTEGER → magnitude hex; DER-minimal and non-negative. */
function serialHex(buf: Uint8Array, t: Tlv): string {
  const n = t.end - t.vStart;
  if (n === 0) throw new OcspMalformed('CertID.serialNumber: empty INTEGER');
  const b0 = buf[t.vStart] as number;
  if (n > 1) {
    const b1 = buf[t.vStart + 1] as number;
    if ((b0 === 0 && (b1 & 0x80) === 0) || (b0 === 0xff && (b1 & 0x80) !== 0)) {
      throw new OcspMalformed('CertID.serialNumber: non-minimal INTEGER encoding (not DER)');
    }
  }
  if ((b0 & 0x80) !== 0) throw new OcspMalformed('CertID.serialNumber is negative');
  let s = t.vStart;
  while (s < t.end - 1 && buf[s] === 0) s++;
  return Buffer.from(buf.buffer, buf.byteOffset + s, t.end - s).toString('hex');
}

function parseCertId(buf: Uint8Array, t: Tlv): OcspCertId {
  const alg = want(buf, t.vStart, t.end, TAG_SEQUENCE, 'CertID.hashAlgorithm');
  const { hashOid, hash } = parseHashAlgorithm(buf, alg);
  const nameHash = want(buf, alg.end, t.end, TAG_OCTET_STRING, 'CertID.issuerNameHash');
  const keyHash = want(buf, nameHash.end, t.end, TAG_OCTET_STRING, 'CertID.issuerKeyHash');
  const serial = want(buf, keyHash.end, t.end, TAG_INTEGER, 'CertID.serialNumber');
  noMore(serial.end, t.end, 'CertID');
  return {
    hashOid, hash,
    issuerNameHash: tlvValue(buf, nameHash), issuerKeyHash: tlvValue(buf, keyHash),
    serial: serialHex(buf, serial), der: tlvBytes(buf, t),
  };
}

/**
 * Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (inside an [n] EXPLICIT wrapper `w`). Returns the nonce
 * extnValue contents when `wantNonce` and present; other extensions are checked for shape and ignored.
 */
function parseExtensions(buf: Uint8Array, w: Tlv, what: string, wantNonce: boolean): Uint8Array | null {
  const exts = want(buf, w.vStart, w.end, TAG_SEQUENCE, what);
  noMore(exts.end, w.end, what);
  if (exts.vStart === exts.end) throw new OcspMalformed(`${what}: empty Extensions`);
  let nonce: Uint8Array | null = null;
  for (let p = exts.vStart; p < exts.end;) {
    const e = want(buf, p, exts.end, TAG_SEQUENCE, `${what} Extension`);
    const id = want(buf, e.vStart, e.end, TAG_OID, `${what} Extension.extnID`);
    let q = id.end;
    const crit = optional(buf, q, e.end, TAG_BOOLEAN);
    if (crit !== null) {
      const v = crit.end - crit.vStart === 1 ? buf[crit.vStart] : -1;
      if (v !== 0 && v !== 0xff) throw new OcspMalformed(`${what} Extension.critical: not a DER BOOLEAN`);
      q = crit.end;
    }
    const val = want(buf, q, e.end, TAG_OCTET_STRING, `${what} Extension.extnValue`);
    noMore(val.end, e.end, `${what} Extension`);
    if (wantNonce && bytesEqual(NONCE_OID_CONTENTS, buf, id.vStart, id.end)) {
      if (nonce !== null) throw new OcspMalformed(`${what}: more than one nonce extension`);
      nonce = tlvValue(buf, val);
    }
    p = e.end;
  }
  return nonce;
}

/** Signature ::= SEQUENCE { signatureAlgorithm, signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }. */
function checkSignature(buf: Uint8Array, w: Tlv): void {
  const s = want(buf, w.vStart, w.end, TAG_SEQUENCE, 'optionalSignature');
  noMore(s.end, w.end, 'optionalSignature');
  const alg = want(buf, s.vStart, s.end, TAG_SEQUENCE, 'optionalSignature.signatureAlgorithm');
  const bits = want(buf, alg.end, s.end, TAG_BIT_STRING, 'optionalSignature.signature');
  let p = bits.end;
  const certs = optional(buf, p, s.end, CTX0);
  if (certs !== null) {
    const list = want(buf, certs.vStart, certs.end, TAG_SEQUENCE, 'optionalSignature.certs');
    noMore(list.end, certs.end, 'optionalSignature.certs');
    p = certs.end;
  }
  noMore(p, s.end, 'optionalSignature');
}

function parseRequest(der: Uint8Array): OcspRequestInfo {
  if (der.length === 0) throw new OcspMalformed('empty OCSP request');
  const top = readTlv(der, 0);
  if (top.tag !== TAG_SEQUENCE) throw new OcspMalformed(`OCSPRequest: expected a SEQUENCE, found tag ${tagHex(top.tag)}`);
  if (top.end !== der.length) throw new OcspMalformed(`${der.length - top.end} trailing byte(s) after the OCSPRequest`);

  const tbs = want(der, top.vStart, top.end, TAG_SEQUENCE, 'TBSRequest');
  let signed = false;
  const sig = optional(der, tbs.end, top.end, CTX0);
  if (sig !== null) { checkSignature(der, sig); signed = true; }
  noMore(sig?.end ?? tbs.end, top.end, 'OCSPRequest');

  let p = tbs.vStart;
  const version = optional(der, p, tbs.end, CTX0);
  if (version !== null) {
    // DEFAULT v1 should be omitted in DER; an explicit v1(0) is tolerated, anything else is not supported.
    const v = want(der, version.vStart, version.end, TAG_INTEGER, 'TBSRequest.version');
    noMore(v.end, version.end, 'TBSRequest.version');
    if (v.end - v.vStart !== 1 || der[v.vStart] !== 0) throw new OcspMalformed('TBSRequest.version: only v1 (0) is supported');
    p = version.end;
  }
  const requestor = optional(der, p, tbs.end, CTX1);
  if (requestor !== null) {
    const gn = readTlv(der, requestor.vStart, requestor.end); // GeneralName: any single TLV
    noMore(gn.end, requestor.end, 'TBSRequest.requestorName');
    p = requestor.end;
  }
  const list = want(der, p, tbs.end, TAG_SEQUENCE, 'TBSRequest.requestList');
  if (list.vStart === list.end) throw new OcspMalformed('TBSRequest.requestList is empty');
  p = list.end;
  let nonce: Uint8Array | null = null;
  const exts = optional(der, p, tbs.end, CTX2);
  if (exts !== null) { nonce = parseExtensions(der, exts, 'requestExtensions', true); p = exts.end; }
  noMore(p, tbs.end, 'TBSRequest');

  const certIds: OcspCertId[] = [];
  for (let q = list.vStart; q < list.end;) {
    const r = want(der, q, list.end, TAG_SEQUENCE, 'Request');
    const cid = want(der, r.vStart, r.end, TAG_SEQUENCE, 'Request.reqCert');
    certIds.push(parseCertId(der, cid));
    let e = cid.end;
    const single = optional(der, e, r.end, CTX0);
    if (single !== null) { parseExtensions(der, single, 'singleRequestExtensions', false); e = single.end; }
    noMore(e, r.end, 'Request');
    q = r.end;
  }
  return { certIds, nonce, signed };
}

/**
 * Parses a DER OCSPRequest (RFC 6960 §4.1.1). The optional signature is checked for shape, not verified;
 * unknown request and single-request extensions are ignored. Throws OcspMalformed on anything else.
 */
export function parseOcspRequest(der: Uint8Array): OcspRequestInfo {
  try {
    return parseRequest(der);
  } catch (e) {
    if (e instanceof DerError) throw new OcspMalformed(`malformed OCSP request: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------- GET path

/** Unpadded base64 in either alphabet (standard '+/' or url-safe '-_'), then at most two '='. */
const BASE64_RE = /^[A-Za-z0-9+/_-]+(={0,2})$/;
const LEADING_SLASHES = /^\/+/;

/**
 * RFC 5019 §5 / RFC 6960 appendix A.1 GET: `rest` is the URL path after the responder base (it may contain
 * '/', a base64 character; leading '/' are skipped, as a DER request's base64 always starts with 'M').
 * Percent-decodes, then decodes base64 in either alphabet, padding optional. Throws OcspMalformed.
 */
export function decodeOcspGetPath(rest: string): Uint8Array {
  let s = rest;
  if (s.charCodeAt(0) === 0x2f) s = s.replace(LEADING_SLASHES, '');
  if (s.indexOf('%') !== -1) {
    try { s = decodeURIComponent(s); } catch { throw new OcspMalformed('OCSP GET path: invalid percent-encoding'); }
  }
  const m = BASE64_RE.exec(s);
  if (m === null) throw new OcspMalformed(s.length === 0 ? 'OCSP GET path: no request data' : 'OCSP GET path: not base64');
  const pad = (m[1] as string).length;
  const body = s.length - pad;
  if (body % 4 === 1) throw new OcspMalformed('OCSP GET path: truncated base64');
  if (pad > 0 && s.length % 4 !== 0) throw new OcspMalformed('OCSP GET path: wrong base64 padding');
  const b = Buffer.from(s, 'base64'); // Node's decoder takes both alphabets; the input is validated above
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

// ---------------------------------------------------------------- response encoding

const ERROR_RESPONSES = new Map<number, Uint8Array>(
  [1, 2, 3, 5, 6].map((s) => [s, Uint8Array.of(TAG_SEQUENCE, 3, TAG_ENUMERATED, 1, s)]),
);

/** OCSPResponse with only responseStatus (no responseBytes). The returned bytes are shared: do not mutate. */
export function ocspErrorResponse(status: 1 | 2 | 3 | 5 | 6): Uint8Array {
  const r = ERROR_RESPONSES.get(status);
  if (r === undefined) throw new RangeError(`not an OCSP error status: ${String(status)}`);
  return r;
}

export type OcspCertStatus =
  | { kind: 'good' }
  | { kind: 'revoked'; time: Date; reasonCode: number | null }
  | { kind: 'unknown' };

export interface OcspSingle { certIdDer: Uint8Array; status: OcspCertStatus; thisUpdate: Date; nextUpdate: Date }

/** Size of a TLV header (tag + length octets) for `n` content bytes. */
const hdr = (n: number): number => 1 + lengthOctets(n);

function put(out: Uint8Array, off: number, b: Uint8Array): number {
  out.set(b, off);
  return off + b.length;
}

const GENERALIZED_TIME_LEN = 17; // 0x18 0x0f YYYYMMDDHHMMSSZ

/** GeneralizedTime at `off` (milliseconds truncated); a RangeError names the field when the year is out of 0–9999. */
function putTimeOf(out: Uint8Array, off: number, d: Date, what: string): number {
  try { return putGeneralizedTime(out, off, d.getTime()); } catch (e) {
    throw new RangeError(`${what}: ${(e as Error).message}`);
  }
}

/** GeneralizedTime TLV for `d` (whole seconds, UTC). */
export function generalizedTime(d: Date): Uint8Array {
  const out = alloc(GENERALIZED_TIME_LEN);
  putTimeOf(out, 0, d, 'GeneralizedTime');
  return out;
}

/** Content length of the CertStatus CHOICE's TLV (good/unknown: 0; revoked: RevokedInfo contents). */
function statusContentLen(s: OcspCertStatus): number {
  if (s.kind !== 'revoked') return 0;
  if (s.reasonCode === null) return GENERALIZED_TIME_LEN;
  if (!Number.isInteger(s.reasonCode) || s.reasonCode < 0 || s.reasonCode > 10 || s.reasonCode === 7) {
    throw new RangeError(`not a CRLReason: ${String(s.reasonCode)}`);
  }
  return GENERALIZED_TIME_LEN + 5; // a0 03 0a 01 <reason>
}

/**
 * tbsResponseData (ResponseData) DER: version omitted (v1), responderID byKey, producedAt, one SingleResponse
 * per entry (certID echoed verbatim, thisUpdate, nextUpdate), and the nonce extension when `nonce` is non-null.
 */
export function encodeResponseData(o: { responderKeyHash: Uint8Array; producedAt: Date; responses: OcspSingle[]; nonce: Uint8Array | null }): Uint8Array {
  if (o.responderKeyHash.length !== 20) throw new RangeError('responderKeyHash must be the 20-byte SHA-1 KeyHash');
  if (o.responses.length === 0) throw new RangeError('an OCSP response needs at least one SingleResponse');
  const singleLens = new Array<number>(o.responses.length);
  let responsesContent = 0;
  for (let i = 0; i < o.responses.length; i++) {
    const r = o.responses[i] as OcspSingle;
    const sc = statusContentLen(r.status);
    const n = r.certIdDer.length + hdr(sc) + sc + GENERALIZED_TIME_LEN + 2 + GENERALIZED_TIME_LEN;
    singleLens[i] = n;
    responsesContent += hdr(n) + n;
  }
  // responseExtensions [1] { SEQUENCE { SEQUENCE { nonce OID, OCTET STRING { nonce } } } }
  let extOctet = 0, ext = 0, exts = 0, extsWrap = 0;
  if (o.nonce !== null) {
    extOctet = o.nonce.length;
    ext = NONCE_OID_DER.length + hdr(extOctet) + extOctet;
    exts = hdr(ext) + ext;
    extsWrap = hdr(exts) + exts;
  }
  const content = 24 + GENERALIZED_TIME_LEN + hdr(responsesContent) + responsesContent + (o.nonce !== null ? hdr(extsWrap) + extsWrap : 0);
  const out = alloc(hdr(content) + content);
  let p = putHeader(out, 0, TAG_SEQUENCE, content);
  p = putHeader(out, p, CTX2, 22); // responderID byKey [2] EXPLICIT KeyHash
  p = putHeader(out, p, TAG_OCTET_STRING, 20);
  p = put(out, p, o.responderKeyHash);
  p = putTimeOf(out, p, o.producedAt, 'producedAt');
  p = putHeader(out, p, TAG_SEQUENCE, responsesContent);
  for (let i = 0; i < o.responses.length; i++) {
    const r = o.responses[i] as OcspSingle;
    p = putHeader(out, p, TAG_SEQUENCE, singleLens[i] as number);
    p = put(out, p, r.certIdDer);
    const s = r.status;
    if (s.kind === 'good') { out[p++] = 0x80; out[p++] = 0; }
    else if (s.kind === 'unknown') { out[p++] = 0x82; out[p++] = 0; }
    else {
      p = putHeader(out, p, CTX1, statusContentLen(s)); // revoked [1] IMPLICIT RevokedInfo
      p = putTimeOf(out, p, s.time, 'revocationTime');
      if (s.reasonCode !== null) {
        out[p++] = CTX0; out[p++] = 3; out[p++] = TAG_ENUMERATED; out[p++] = 1; out[p++] = s.reasonCode;
      }
    }
    p = putTimeOf(out, p, r.thisUpdate, 'thisUpdate');
    p = putHeader(out, p, CTX0, GENERALIZED_TIME_LEN);
    p = putTimeOf(out, p, r.nextUpdate, 'nextUpdate');
  }
  if (o.nonce !== null) {
    p = putHeader(out, p, CTX1, extsWrap);
    p = putHeader(out, p, TAG_SEQUENCE, exts);
    p = putHeader(out, p, TAG_SEQUENCE, ext);
    p = put(out, p, NONCE_OID_DER);
    p = putHeader(out, p, TAG_OCTET_STRING, extOctet);
    p = put(out, p, o.nonce);
  }
  if (p !== out.length) throw new Error(`encodeResponseData: wrote ${p} of ${out.length} bytes`);
  return out;
}

/**
 * OCSPResponse { successful, responseBytes [0] { id-pkix-ocsp-basic, OCTET STRING { BasicOCSPResponse {
 * tbsResponseData, signatureAlgorithm, signature BIT STRING, certs [0] SEQUENCE OF Certificate (when given) } } } },
 * written in one allocation.
 */
export function encodeSuccessResponse(tbsResponseData: Uint8Array, alg: SigningAlgorithm, signature: Uint8Array, certs?: Uint8Array[]): Uint8Array {
  const algId = algorithmIdentifier(alg);
  const sigContent = 1 + signature.length;
  let certsContent = 0;
  const withCerts = certs !== undefined && certs.length > 0;
  if (withCerts) for (const c of certs) certsContent += c.length;
  const certsSeq = withCerts ? hdr(certsContent) + certsContent : 0;
  const basic = tbsResponseData.length + algId.length + hdr(sigContent) + sigContent + (withCerts ? hdr(certsSeq) + certsSeq : 0);
  const octet = hdr(basic) + basic;
  const responseBytes = BASIC_OID_DER.length + hdr(octet) + octet;
  const wrap = hdr(responseBytes) + responseBytes;
  const outer = 3 + hdr(wrap) + wrap;
  const out = alloc(hdr(outer) + outer);
  let p = putHeader(out, 0, TAG_SEQUENCE, outer);
  out[p++] = TAG_ENUMERATED; out[p++] = 1; out[p++] = OCSP_STATUS.successful;
  p = putHeader(out, p, CTX0, wrap);
  p = putHeader(out, p, TAG_SEQUENCE, responseBytes);
  p = put(out, p, BASIC_OID_DER);
  p = putHeader(out, p, TAG_OCTET_STRING, octet);
  p = putHeader(out, p, TAG_SEQUENCE, basic);
  p = put(out, p, tbsResponseData);
  p = put(out, p, algId);
  p = putHeader(out, p, TAG_BIT_STRING, sigContent);
  out[p++] = 0;
  p = put(out, p, signature);
  if (withCerts) {
    p = putHeader(out, p, CTX0, certsSeq);
    p = putHeader(out, p, TAG_SEQUENCE, certsContent);
    for (const c of certs) p = put(out, p, c);
  }
  if (p !== out.length) throw new Error(`encodeSuccessResponse: wrote ${p} of ${out.length} bytes`);
  return out;
}

const asU8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** CertID issuer hashes for a CA: hash of its subject Name DER and of its public key BIT STRING contents. */
export function issuerHashes(hash: OcspHash, caSubjectDer: Uint8Array, caSpkiDer: Uint8Array): { nameHash: Uint8Array; keyHash: Uint8Array } {
  return {
    nameHash: asU8(createHash(hash).update(caSubjectDer).digest()),
    keyHash: asU8(createHash(hash).update(subjectPublicKeyBits(caSpkiDer)).digest()),
  };
}

/** The responderID KeyHash: SHA-1 of the responder's subjectPublicKey BIT STRING contents. */
export function responderKeyHash(spkiDer: Uint8Array): Uint8Array {
  return ski(spkiDer);
}

/** Dotted hash OID for a CertID hash name. */
export function certIdHashOid(hash: OcspHash): string {
  return HASH_OIDS[hash];
}
