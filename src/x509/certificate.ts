// X.509 v3 certificate assembly (X509.md §1): TBSCertificate DER, signed Certificate, PEM and SKI.
import { createHash } from 'node:crypto';
import type { SigningAlgorithm } from './algorithms.ts';
import { signatureAlgorithmDer } from './csr.ts';
import { bitString, bool, expectTlv, explicit, integer, octetString, oid, seq, time, tlvValue } from './der.ts';
import { pemEncode } from './keys.ts';
import type { RawExtension, TbsInput } from './types.ts';

const VERSION_V3 = explicit(0, Uint8Array.of(0x02, 0x01, 0x02));
const algCache = new Map<SigningAlgorithm, Uint8Array>();

/** AlgorithmIdentifier DER for `alg`, cached (callers must not mutate it). */
export function algorithmIdentifier(alg: SigningAlgorithm): Uint8Array {
  let v = algCache.get(alg);
  if (v === undefined) {
    v = signatureAlgorithmDer(alg);
    algCache.set(alg, v);
  }
  return v;
}

/** DER of one Extension: SEQUENCE { extnID, critical (only when TRUE), extnValue OCTET STRING }. */
export function extensionDer(e: RawExtension): Uint8Array {
  return e.critical ? seq(oid(e.oid), bool(true), octetString(e.value)) : seq(oid(e.oid), octetString(e.value));
}

/**
 * TBSCertificate: v3, serial, signature, issuer (verbatim), validity, subject (verbatim),
 * SPKI (verbatim), [3] extensions (omitted only when there are none).
 */
export function encodeTbs(t: TbsInput): Uint8Array {
  if (t.serial.length === 0 || t.serial.every((b) => b === 0)) throw new RangeError('serial number must be positive');
  const parts = [
    VERSION_V3,
    integer(t.serial),
    algorithmIdentifier(t.signingAlgorithm),
    t.issuerDer,
    seq(time(t.notBefore), time(t.notAfter)),
    t.subjectDer,
    t.spkiDer,
  ];
  if (t.extensions.length > 0) parts.push(explicit(3, seq(...t.extensions.map(extensionDer))));
  return seq(...parts);
}

/** Certificate: SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }. */
export function encodeCertificate(tbs: Uint8Array, alg: SigningAlgorithm, signatureValue: Uint8Array): Uint8Array {
  return seq(tbs, algorithmIdentifier(alg), bitString(signatureValue));
}

/** PEM "CERTIFICATE" armour: 64-column base64 lines and a trailing newline. */
export function certificatePem(der: Uint8Array): string {
  return pemEncode('CERTIFICATE', der);
}

/** The subjectPublicKey BIT STRING contents of a SubjectPublicKeyInfo, without the unused-bits octet. */
export function subjectPublicKeyBits(spkiDer: Uint8Array): Uint8Array {
  const spki = expectTlv(spkiDer, 0, spkiDer.length, 0x30, 'SubjectPublicKeyInfo');
  const alg = expectTlv(spkiDer, spki.vStart, spki.end, 0x30, 'SubjectPublicKeyInfo.algorithm');
  const bits = expectTlv(spkiDer, alg.end, spki.end, 0x03, 'SubjectPublicKeyInfo.subjectPublicKey');
  return tlvValue(spkiDer, bits).subarray(1);
}

/** Subject key identifier (X509.md §7.7, RFC 5280 §4.2.1.2 method 1): SHA-1 of the public key bits. */
export function ski(spkiDer: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(subjectPublicKeyBits(spkiDer)).digest());
}
