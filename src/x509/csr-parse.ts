// IssueCertificate's CSR: PEM/DER → PKCS#10 walk over the raw DER, checks, and async proof-of-possession verify.
import { constants, createPublicKey, verify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { ApiError } from '../contract/errors.ts';
import {
  DerError, children, decodeOid, expectTlv, isSingleTlv, readOid, readTlv, stringChars, tlvBytes, tlvValue, type Tlv,
} from './der.ts';
import type { ParsedCsr, RawExtension } from './types.ts';

type KeyKind = 'RSA' | 'RSA_PSS' | 'EC' | 'ED25519' | 'ED448' | 'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87';
type Digest = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const KEY_OIDS: Readonly<Record<string, KeyKind>> = {
  '1.2.840.113549.1.1.1': 'RSA', '1.2.840.113549.1.1.10': 'RSA_PSS', '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'ED25519', '1.3.101.113': 'ED448', '2.16.840.1.101.3.4.3.17': 'ML_DSA_44',
  '2.16.840.1.101.3.4.3.18': 'ML_DSA_65', '2.16.840.1.101.3.4.3.19': 'ML_DSA_87',
};
const CURVES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521',
};
/** Signature OID → [key kind it needs, digest, name for messages]. RSASSA-PSS is handled separately. */
const SIG_OIDS: Readonly<Record<string, readonly [KeyKind, Digest | null, string]>> = {
  '1.2.840.113549.1.1.5': ['RSA', 'sha1', 'sha1WithRSAEncryption'], '1.2.840.113549.1.1.14': ['RSA', 'sha224', 'sha224WithRSAEncryption'],
  '1.2.840.113549.1.1.11': ['RSA', 'sha256', 'sha256WithRSAEncryption'], '1.2.840.113549.1.1.12': ['RSA', 'sha384', 'sha384WithRSAEncryption'],
  '1.2.840.113549.1.1.13': ['RSA', 'sha512', 'sha512WithRSAEncryption'],
  '1.2.840.10045.4.1': ['EC', 'sha1', 'ecdsa-with-SHA1'], '1.2.840.10045.4.3.1': ['EC', 'sha224', 'ecdsa-with-SHA224'],
  '1.2.840.10045.4.3.2': ['EC', 'sha256', 'ecdsa-with-SHA256'], '1.2.840.10045.4.3.3': ['EC', 'sha384', 'ecdsa-with-SHA384'],
  '1.2.840.10045.4.3.4': ['EC', 'sha512', 'ecdsa-with-SHA512'],
  '1.3.101.112': ['ED25519', null, 'Ed25519'], '1.3.101.113': ['ED448', null, 'Ed448'],
  '2.16.840.1.101.3.4.3.17': ['ML_DSA_44', null, 'ML-DSA-44'], '2.16.840.1.101.3.4.3.18': ['ML_DSA_65', null, 'ML-DSA-65'],
  '2.16.840.1.101.3.4.3.19': ['ML_DSA_87', null, 'ML-DSA-87'],
};
const HASH_OIDS: Readonly<Record<string, Digest>> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.4': 'sha224', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};
const OID_PSS = '1.2.840.113549.1.1.10';
const OID_MGF1 = '1.2.840.113549.1.1.8';
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_CN = '2.5.4.3';
const SUPPORTED = 'RSA (1024–16384 bits) with PKCS#1 v1.5 or PSS and SHA-1/SHA-2, ECDSA P-256/P-384/P-521 with SHA-1/SHA-2, Ed25519, Ed448 and ML-DSA-44/65/87';
const PEM_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

function malformed(message: string): ApiError {
  return new ApiError('MalformedCSRException', message);
}

/** A CSR decoded and checked, before its signature is verified. */
interface Decoded { csr: ParsedCsr; tbs: Uint8Array; signature: Uint8Array; key: KeyObject; digest: Digest | null; pssSalt: number | null }

/**
 * Parses an IssueCertificate CSR (PEM or DER), checks it and verifies its self-signature: on the libuv threadpool,
 * or on the calling thread when `onThisThread` (a worker thread, where a threadpool round trip only adds cost).
 * Every problem is a MalformedCSRException with an actionable message.
 */
export async function parseAndVerifyCsr(bytes: Uint8Array, onThisThread = false): Promise<ParsedCsr> {
  const d = decodeCsr(bytes);
  const keyInput: VerifyKeyObjectInput | KeyObject = d.pssSalt !== null
    ? { key: d.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: d.pssSalt }
    : d.key; // a bare KeyObject: DER ECDSA and PKCS#1 padding are the defaults, and Node prepares it ~20 µs faster than a wrapper object
  const ok = onThisThread ? verifyNow(d.digest, d.tbs, keyInput, d.signature) : await new Promise<boolean>((resolve) => {
    try {
      verify(d.digest, d.tbs, keyInput, d.signature, (err, result) => resolve(err == null && result));
    } catch {
      resolve(false);
    }
  });
  if (!ok) {
    throw malformed('The CSR signature does not verify with the CSR public key (proof of possession failed); ' +
      're-create the CSR with the private key that belongs to its public key and do not edit it afterwards');
  }
  return d.csr;
}

function verifyNow(digest: string | null, tbs: Uint8Array, key: VerifyKeyObjectInput | KeyObject, signature: Uint8Array): boolean {
  try { return verify(digest, tbs, key, signature); } catch { return false; }
}

/** Structural parse and every check except the signature verification. */
function decodeCsr(bytes: Uint8Array): Decoded {
  const der = toDer(bytes);
  try {
    return decodeDer(der);
  } catch (e) {
    if (e instanceof DerError) throw malformed(`The CSR is not a valid DER-encoded PKCS#10 request: ${e.message}`);
    throw e;
  }
}

function toDer(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw malformed('The CSR is empty');
  if (bytes[0] === 0x30) return bytes;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  const begin = text.indexOf('-----BEGIN ');
  if (begin < 0) throw malformed(notPemHint(bytes, text));
  const labelEnd = text.indexOf('-----', begin + 11);
  if (labelEnd < 0) throw malformed('The CSR PEM BEGIN line is incomplete');
  const label = text.slice(begin + 11, labelEnd);
  if (!PEM_LABELS.has(label)) {
    throw malformed(`The CSR is a PEM "${label}" block; IssueCertificate needs a "CERTIFICATE REQUEST" (PKCS#10), ` +
      'e.g. from `openssl req -new`');
  }
  const endLine = `-----END ${label}-----`;
  const end = text.indexOf(endLine, labelEnd + 5);
  if (end < 0) throw malformed(`The CSR PEM has no "${endLine}" line`);
  const body = text.slice(labelEnd + 5, end).replace(/[\r\n\t ]+/g, '');
  if (body.length === 0 || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    throw malformed('The CSR PEM body is not valid base64 (PEM headers such as Proc-Type are not supported)');
  }
  const rest = text.slice(end + endLine.length);
  if (rest.trim() !== '') {
    throw malformed(rest.includes('-----BEGIN ')
      ? 'The CSR contains more than one PEM block; send exactly one CERTIFICATE REQUEST'
      : 'The CSR has unexpected data after its PEM END line');
  }
  const der = new Uint8Array(Buffer.from(body, 'base64'));
  if (der[0] !== 0x30) throw malformed('The CSR PEM does not contain a DER SEQUENCE (PKCS#10 CertificationRequest)');
  return der;
}

function notPemHint(bytes: Uint8Array, text: string): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 48)).toString('base64');
  if (/^BEGIN(NEW)?CERTIFICATEREQUEST/.test(b64)) {
    return 'The CSR is garbled: it looks like PEM text that was base64-decoded, which is what aws-cli v2 does with ' +
      '`--csr file://csr.pem`; pass the file as `--csr fileb://csr.pem` instead';
  }
  if (/^(LS0tLS1CRUdJTi|MII)/.test(text)) {
    return 'The CSR appears to be base64-encoded twice; send the PEM (or DER) bytes themselves — ' +
      'SDKs base64-encode the Csr blob on the wire already';
  }
  return 'The CSR is neither PEM ("-----BEGIN CERTIFICATE REQUEST-----") nor DER (a SEQUENCE starting with byte 0x30)';
}

function decodeDer(der: Uint8Array): Decoded {
  const outer = expectTlv(der, 0, der.length, 0x30, 'CertificationRequest');
  if (outer.end !== der.length) {
    throw malformed(`The CSR has ${der.length - outer.end} bytes of trailing data after the PKCS#10 structure`);
  }
  const [cri, sigAlg, sigBits, ...extra] = children(der, outer);
  if (cri === undefined || sigAlg === undefined || sigBits === undefined || extra.length > 0) {
    throw malformed('The CSR is not a PKCS#10 CertificationRequest (expected SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature })');
  }
  if (cri.tag !== 0x30 || sigAlg.tag !== 0x30 || sigBits.tag !== 0x03) {
    throw malformed('The CSR is not a PKCS#10 CertificationRequest (wrong element types)');
  }
  const [version, subject, spki, attrs, ...criExtra] = children(der, cri);
  if (version === undefined || subject === undefined || spki === undefined || criExtra.length > 0) {
    throw malformed('The CSR certificationRequestInfo must be SEQUENCE { version, subject, subjectPKInfo, [0] attributes }');
  }
  if (version.tag !== 0x02 || version.end - version.vStart !== 1 || der[version.vStart] !== 0) {
    throw malformed('The CSR version must be 0 (PKCS#10 v1)');
  }
  if (subject.tag !== 0x30) throw malformed('The CSR subject is not an X.509 Name (SEQUENCE)');
  const subjectEmpty = checkSubject(der, subject);
  const { kind, key } = parseKey(der, spki);
  const { digest, pssSalt } = parseSignatureAlgorithm(der, sigAlg, kind);
  if (attrs !== undefined && attrs.tag !== 0xa0) throw malformed('The CSR attributes must be a [0] IMPLICIT SET');
  const extensions = attrs === undefined ? [] : parseAttributes(der, attrs);
  const sigValue = tlvValue(der, sigBits);
  if (sigValue.length < 2 || sigValue[0] !== 0) throw malformed('The CSR signature BIT STRING is empty or has unused bits');
  const keyType = kind === 'RSA_PSS' ? 'RSA' : kind.startsWith('ML_DSA') ? 'ML_DSA' : kind as 'RSA' | 'EC' | 'ED25519' | 'ED448';
  const csr: ParsedCsr = {
    der: der.slice(), subjectDer: tlvBytes(der, subject).slice(), subjectEmpty, spkiDer: tlvBytes(der, spki).slice(), keyType, extensions,
  };
  return { csr, tbs: tlvBytes(der, cri), signature: sigValue.subarray(1), key, digest, pssSalt };
}

/** Walks the Name: SEQUENCE OF SET OF { type, value }; enforces CN ≤ 64 characters. Returns "is empty". */
function checkSubject(der: Uint8Array, subject: Tlv): boolean {
  const rdns = children(der, subject);
  for (const rdn of rdns) {
    const atvs = rdn.tag === 0x31 ? children(der, rdn) : [];
    if (atvs.length === 0) throw malformed('The CSR subject contains an empty or malformed RelativeDistinguishedName');
    for (const atv of atvs) {
      if (atv.tag !== 0x30) throw malformed('The CSR subject contains a malformed attribute');
      const { oid, tlv: t } = readOid(der, atv.vStart, atv.end, 'subject attribute type');
      const value = readTlv(der, t.end, atv.end);
      if (value.end !== atv.end) throw malformed('The CSR subject contains a malformed attribute');
      if (oid === OID_CN) {
        const n = stringChars(value.tag, tlvValue(der, value));
        if (n > 64) {
          throw malformed(`The CSR subject Common Name is ${n} characters long; RFC 5280 allows at most 64 — ` +
            'put longer names in the subjectAltName extension (DNS names may have up to 253 characters)');
        }
      }
    }
  }
  return rdns.length === 0;
}

function parseKey(der: Uint8Array, spki: Tlv): { kind: KeyKind; key: KeyObject } {
  if (spki.tag !== 0x30) throw malformed('The CSR subjectPKInfo is not a SubjectPublicKeyInfo SEQUENCE');
  const alg = expectTlv(der, spki.vStart, spki.end, 0x30, 'subjectPublicKeyInfo.algorithm');
  const bits = expectTlv(der, alg.end, spki.end, 0x03, 'subjectPublicKeyInfo.subjectPublicKey');
  if (bits.end !== spki.end) throw malformed('The CSR SubjectPublicKeyInfo has trailing elements');
  const { oid, tlv: o } = readOid(der, alg.vStart, alg.end, 'public key algorithm');
  const kind = KEY_OIDS[oid];
  if (kind === undefined) throw malformed(`The CSR public key algorithm ${oid} is not supported; use one of: ${SUPPORTED}`);
  let curve: string | undefined;
  if (kind === 'EC') {
    const param = o.end < alg.end ? readTlv(der, o.end, alg.end) : undefined;
    const curveOid = param?.tag === 0x06 ? decodeOid(tlvValue(der, param)) : undefined;
    curve = curveOid === undefined ? undefined : CURVES[curveOid];
    if (curve === undefined) {
      throw malformed(`The CSR EC public key uses ${curveOid === undefined ? 'explicit or missing curve parameters' : `curve ${curveOid}`}; ` +
        'only the named curves P-256, P-384 and P-521 are supported');
    }
  }
  const pub = tlvValue(der, bits);
  if (pub[0] !== 0) throw malformed('The CSR subjectPublicKey BIT STRING has unused bits');
  return { kind, key: importKey(tlvBytes(der, spki), kind, pub.subarray(1)) };
}

const keyCache = new Map<string, KeyObject>();
const magnitude = (v: Uint8Array): Uint8Array => { let i = 0; while (i < v.length - 1 && v[i] === 0) i++; return v.subarray(i); };

/**
 * SPKI → KeyObject. Key import is the costliest step after the signature check. On Node 24 any object passed to
 * createPublicKey (a JWK, or { key, format: 'der' }) costs 75–105 µs, most of it exceptions thrown and caught inside
 * Node's own KeyObject/CryptoKey type checks; a PEM string skips those checks and imports in ~30 µs
 * (bench: PERFORMANCE.md figures, re-measured here). Recent keys are cached (exact SPKI match).
 */
function importKey(spki: Uint8Array, kind: KeyKind, pub: Uint8Array): KeyObject {
  if (kind === 'RSA') {
    const rsa = expectTlv(pub, 0, pub.length, 0x30, 'RSAPublicKey');
    const mod = expectTlv(pub, rsa.vStart, rsa.end, 0x02, 'RSAPublicKey.modulus');
    const m = magnitude(tlvValue(pub, mod));
    checkRsaBits((m.length - 1) * 8 + (32 - Math.clz32(m[0] ?? 0)));
  }
  const der = Buffer.from(spki.buffer, spki.byteOffset, spki.length);
  const id = der.toString('latin1');
  let key = keyCache.get(id);
  if (key !== undefined) {
    keyCache.delete(id);
  } else {
    try {
      key = createPublicKey(`-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`);
    } catch (e) {
      throw malformed(`The CSR public key cannot be decoded (${(e as Error).message})`);
    }
    if (keyCache.size >= 256) keyCache.delete(keyCache.keys().next().value as string);
  }
  keyCache.set(id, key);
  if (kind === 'RSA_PSS') checkRsaBits(key.asymmetricKeyDetails?.modulusLength ?? 0);
  return key;
}

function checkRsaBits(n: number): void {
  if (n < 1024 || n > 16384) throw malformed(`The CSR RSA key has ${n} bits; RSA keys must have 1024 to 16384 bits (2048 or more recommended)`);
}

function parseSignatureAlgorithm(der: Uint8Array, alg: Tlv, kind: KeyKind): { digest: Digest | null; pssSalt: number | null } {
  const { oid, tlv: o } = readOid(der, alg.vStart, alg.end, 'signatureAlgorithm');
  const params = o.end < alg.end ? readTlv(der, o.end, alg.end) : undefined;
  if (params !== undefined && params.end !== alg.end) throw malformed('The CSR signatureAlgorithm has trailing elements');
  if (oid === OID_PSS) {
    if (kind !== 'RSA' && kind !== 'RSA_PSS') throw mismatch('RSASSA-PSS', kind);
    return parsePssParams(der, params);
  }
  const s = SIG_OIDS[oid];
  if (s === undefined) throw malformed(`The CSR signature algorithm ${oid} is not supported; use one of: ${SUPPORTED}`);
  const [need, digest, name] = s;
  if (need !== kind) throw mismatch(name, kind);
  // NULL parameters: required for RSA, tolerated for ECDSA (old encoders); EdDSA/ML-DSA need them absent
  const nullOk = (need === 'RSA' || need === 'EC') && params?.tag === 0x05 && params.end === params.vStart;
  if (params !== undefined && !nullOk) throw malformed(`The CSR signatureAlgorithm ${name} has unexpected parameters`);
  return { digest, pssSalt: null };
}

function mismatch(sig: string, kind: KeyKind): ApiError {
  const k = kind === 'RSA_PSS' ? 'RSASSA-PSS-restricted RSA' : kind.replace('_', '-');
  return malformed(`The CSR is signed with ${sig}, which cannot be used with its ${k} public key`);
}

/** RSASSA-PSS-params (RFC 4055); the MGF1 hash must equal the message hash, trailerField must be 1. */
function parsePssParams(der: Uint8Array, params: Tlv | undefined): { digest: Digest; pssSalt: number } {
  let digest: Digest = 'sha1';
  let mgfDigest: Digest = 'sha1';
  let salt = 20;
  if (params !== undefined) {
    if (params.tag !== 0x30) throw malformed('The CSR RSASSA-PSS parameters are not a SEQUENCE');
    for (const f of children(der, params)) {
      const inner = readTlv(der, f.vStart, f.end);
      if (inner.end !== f.end) throw malformed('The CSR RSASSA-PSS parameters are malformed');
      if (f.tag === 0xa0) digest = hashAlgorithm(der, inner);
      else if (f.tag === 0xa1) {
        const m = readOid(der, inner.vStart, inner.end, 'maskGenAlgorithm');
        if (m.oid !== OID_MGF1) throw malformed(`The CSR RSASSA-PSS mask generation function ${m.oid} is not supported (only MGF1)`);
        mgfDigest = hashAlgorithm(der, readTlv(der, m.tlv.end, inner.end));
      } else if (f.tag === 0xa2 || f.tag === 0xa3) {
        const v = tlvValue(der, inner);
        if (inner.tag !== 0x02 || v.length === 0 || v.length > 2 || ((v[0] as number) & 0x80) !== 0) {
          throw malformed('The CSR RSASSA-PSS saltLength/trailerField is not a small positive INTEGER');
        }
        const n = v.reduce((a, b) => a * 256 + b, 0);
        if (f.tag === 0xa2) salt = n;
        else if (n !== 1) throw malformed('The CSR RSASSA-PSS trailerField must be 1');
      } else throw malformed('The CSR RSASSA-PSS parameters contain an unknown field');
    }
  }
  if (mgfDigest !== digest) {
    throw malformed(`The CSR RSASSA-PSS parameters use MGF1 with ${mgfDigest} but the message hash ${digest}; ` +
      'only identical hashes are supported');
  }
  return { digest, pssSalt: salt };
}

function hashAlgorithm(der: Uint8Array, t: Tlv): Digest {
  if (t.tag !== 0x30) throw malformed('The CSR RSASSA-PSS hash AlgorithmIdentifier is malformed');
  const { oid, tlv: o } = readOid(der, t.vStart, t.end, 'hash algorithm');
  const d = HASH_OIDS[oid];
  if (d === undefined) throw malformed(`The CSR RSASSA-PSS hash algorithm ${oid} is not supported (SHA-1/SHA-2 only)`);
  if (o.end !== t.end && !(der[o.end] === 0x05 && der[o.end + 1] === 0 && o.end + 2 === t.end)) {
    throw malformed('The CSR RSASSA-PSS hash AlgorithmIdentifier has unexpected parameters');
  }
  return d;
}

/** Attributes: only extensionRequest matters (others, e.g. challengePassword, are ignored). */
function parseAttributes(der: Uint8Array, attrs: Tlv): RawExtension[] {
  let found: RawExtension[] | null = null;
  for (const attr of children(der, attrs)) {
    if (attr.tag !== 0x30) throw malformed('The CSR contains a malformed attribute');
    const { oid, tlv: o } = readOid(der, attr.vStart, attr.end, 'attribute type');
    const values = expectTlv(der, o.end, attr.end, 0x31, 'attribute values');
    if (values.end !== attr.end) throw malformed('The CSR contains a malformed attribute');
    if (oid !== OID_EXTENSION_REQUEST) continue;
    if (found !== null) throw malformed('The CSR contains more than one extensionRequest attribute');
    const vs = children(der, values);
    if (vs.length !== 1 || vs[0]?.tag !== 0x30) {
      throw malformed('The CSR extensionRequest attribute must hold exactly one Extensions SEQUENCE');
    }
    found = parseExtensions(der, vs[0]);
  }
  return found ?? [];
}

function parseExtensions(der: Uint8Array, exts: Tlv): RawExtension[] {
  const out: RawExtension[] = [];
  const seen = new Set<string>();
  for (const ext of children(der, exts)) {
    if (ext.tag !== 0x30) throw malformed('The CSR extensionRequest contains a malformed Extension');
    const { oid, tlv: o } = readOid(der, ext.vStart, ext.end, 'extnID');
    let t = readTlv(der, o.end, ext.end);
    let critical = false;
    if (t.tag === 0x01) {
      const b = tlvValue(der, t);
      if (b.length !== 1 || (b[0] !== 0 && b[0] !== 0xff)) throw malformed(`The CSR extension ${oid} has a malformed critical flag`);
      critical = b[0] === 0xff;
      t = readTlv(der, t.end, ext.end);
    }
    if (t.tag !== 0x04 || t.end !== ext.end) throw malformed(`The CSR extension ${oid} is malformed (expected extnID, critical, extnValue)`);
    const value = tlvValue(der, t);
    if (value.length === 0) throw malformed(`The CSR extension ${oid} has an empty value`);
    if (!isSingleTlv(value)) throw malformed(`The CSR extension ${oid} value is not a single DER element`);
    if (seen.has(oid)) throw malformed(`The CSR requests extension ${oid} more than once; each extension may appear only once`);
    seen.add(oid);
    out.push({ oid, critical, value: value.slice() });
  }
  return out;
}
