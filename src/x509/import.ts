// ImportCertificateAuthorityCertificate validation (X509.md §10 checks 2–11): parse, key match, chain, extensions, validity.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, KeyUsage, KeyUsageFlags, SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import type { Extension } from '@peculiar/asn1-x509';
import { fail } from '../contract/errors.ts';
import { ski as skiOf } from './certificate.ts';
import { pemEncode } from './keys.ts';
import { tbsFields } from './tbs-fields.ts';

export interface ImportedCaCertificate {
  certificatePem: string;
  /** Normalised PEM bundle, parent first, root last; null when there is no chain (ROOT CA). */
  chainPem: string | null;
  certificateDer: Uint8Array;
  /** Lower-case colon-separated hex of the serial magnitude, e.g. '1d:2f:..'. */
  serialHex: string;
  notBefore: number;
  notAfter: number;
  /** Exact DER bytes of the certificate's subject Name. */
  subjectDer: Uint8Array;
  /** SKI extension value, or SHA-1 of the subjectPublicKey bits when absent. */
  ski: Uint8Array;
  /** pathLenConstraint of the imported certificate; null = unlimited. */
  pathLen: number | null;
}

interface Parsed {
  label: string;
  der: Uint8Array;
  x: X509Certificate;
  asn: Certificate;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
  serial: Uint8Array;
  ext: Map<string, Extension>;
}

const MAX_CERT = 32_768;
const MAX_CHAIN = 2_097_152;
const OID_BC = '2.5.29.19';
const OID_KU = '2.5.29.15';
const OID_SKI = '2.5.29.14';
/** Extensions that may be critical in an imported CA certificate or its chain (X509.md §10 check 8). */
const CRITICAL_OK = new Set([
  OID_BC, '2.5.29.17', OID_KU, '2.5.29.37', '2.5.29.35', OID_SKI, '2.5.29.18', '2.5.29.9',
  '1.3.6.1.5.5.7.1.11', '2.5.29.32', '2.5.29.33', '2.5.29.54',
]);
const EXT_NAMES: Record<string, string> = {
  '2.5.29.30': 'nameConstraints', '2.5.29.36': 'policyConstraints', '2.5.29.31': 'cRLDistributionPoints',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess', '2.5.29.46': 'freshestCRL',
};

const malformed = (m: string) => fail('MalformedCertificateException', m);
const mismatch = (m: string) => fail('CertificateMismatchException', m);
const invalid = (m: string) => fail('InvalidRequestException', m);

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function parseDer(der: Uint8Array, label: (subject: string) => string, fallback: string): Parsed {
  let x: X509Certificate;
  let asn: Certificate;
  let f: ReturnType<typeof tbsFields>;
  try {
    x = new X509Certificate(der);
    asn = AsnConvert.parse(der, Certificate);
    f = tbsFields(der);
  } catch (e) {
    throw malformed(`${fallback} is not a parsable X.509 certificate (${e instanceof Error ? e.message : String(e)})`);
  }
  const name = label(oneLine(x.subject));
  if (x.raw.length !== der.length) throw malformed(`${name} has ${der.length - x.raw.length} bytes of trailing data after the certificate`);
  const ext = new Map<string, Extension>();
  for (const e of asn.tbsCertificate.extensions ?? []) {
    if (ext.has(e.extnID)) throw malformed(`${name} contains extension ${e.extnID} twice; RFC 5280 allows each extension once`);
    ext.set(e.extnID, e);
  }
  return { label: name, der, x, asn, issuerDer: f.issuer, subjectDer: f.subject, spkiDer: f.spki, serial: f.serial, ext };
}

/** Splits a PEM bundle (any whitespace between blocks) or a single DER certificate into DER blobs. */
function splitCertificates(bytes: Uint8Array, what: string): Uint8Array[] {
  if (bytes[0] === 0x30) return [bytes];
  const text = Buffer.from(bytes).toString('latin1');
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----/g;
  const out: Uint8Array[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const gap = text.slice(last, m.index);
    if (/\S/.test(gap)) throw malformed(`${what} contains text that is not a PEM certificate block near "${gap.trim().slice(0, 40)}"; send only -----BEGIN CERTIFICATE----- blocks`);
    if (m[1] !== 'CERTIFICATE' || m[3] !== 'CERTIFICATE') throw malformed(`${what} contains a PEM block labelled "${m[1]}"; only CERTIFICATE blocks are accepted`);
    const b64 = (m[2] ?? '').replace(/\s+/g, '');
    const der = Buffer.from(b64, 'base64');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || der.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) {
      throw malformed(`${what}: PEM block ${out.length + 1} is not valid base64`);
    }
    out.push(new Uint8Array(der));
    last = m.index + m[0].length;
  }
  if (/\S/.test(text.slice(last))) throw malformed(`${what} is neither PEM (-----BEGIN CERTIFICATE-----) nor a DER certificate${out.length ? ' (text follows the last certificate block)' : ''}`);
  return out;
}

function sameName(a: X509Certificate, aDer: Uint8Array, b: X509Certificate, bDer: Uint8Array, aIsIssuer: boolean): boolean {
  if (bytesEqual(aDer, bDer)) return true;
  const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();
  return norm(aIsIssuer ? a.issuer : a.subject) === norm(b.subject);
}
const issuedBy = (child: Parsed, parent: Parsed): boolean => sameName(child.x, child.issuerDer, parent.x, parent.subjectDer, true);
const selfIssued = (c: Parsed): boolean => issuedBy(c, c);
function signedBy(child: Parsed, parent: Parsed): boolean {
  try { return child.x.verify(parent.x.publicKey); } catch { return false; }
}
const selfSigned = (c: Parsed): boolean => selfIssued(c) && signedBy(c, c);

function normalisedSpki(der: Uint8Array): Uint8Array | null {
  try { return new Uint8Array(createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' })); } catch { return null; }
}
function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (bytesEqual(a, b)) return true;
  const na = normalisedSpki(a);
  const nb = normalisedSpki(b);
  return na !== null && nb !== null && bytesEqual(na, nb);
}

/** Check 5: parent first, each element signs the one before it, a self-signed root last. */
function checkChainShape(cert: Parsed, chain: Parsed[], caSpki: Uint8Array): void {
  chain.forEach((c, i) => {
    if (bytesEqual(c.der, cert.der)) throw invalid(`${c.label} is the CA certificate being imported; CertificateChain must hold only its issuers (parent first, root last)`);
    if (sameKey(c.spkiDer, caSpki)) throw invalid(`${c.label} carries this CA's own public key; CertificateChain must hold only the issuing CAs' certificates (parent first, root last)`);
    if (i < chain.length - 1 && selfSigned(c)) throw invalid(`${c.label} is a self-signed root but is not the last element of CertificateChain; order the chain parent first, root last`);
  });
  chain.forEach((parent, i) => {
    const child = i === 0 ? cert : chain[i - 1]!;
    if (issuedBy(child, parent)) {
      if (!signedBy(child, parent)) throw mismatch(`${child.label} names ${parent.label} as its issuer, but its signature does not verify with that certificate's public key`);
      return;
    }
    const j = chain.findIndex((c, k) => k !== i && issuedBy(child, c) && signedBy(child, c));
    if (j >= 0) throw invalid(`CertificateChain is in the wrong order: ${child.label} was issued by ${chain[j]!.label}, which must come at index ${i}; order the chain parent first, root last`);
    if (signedBy(child, parent)) throw mismatch(`${child.label} is signed by the key of ${parent.label}, but its issuer name "${oneLine(child.x.issuer)}" differs from that certificate's subject`);
    throw invalid(`CertificateChain is missing a certificate: ${child.label} was issued by "${oneLine(child.x.issuer)}", which is not in the chain (found ${parent.label} at index ${i}); add the missing issuer`);
  });
  const root = chain[chain.length - 1]!;
  if (!selfIssued(root)) throw invalid(`CertificateChain does not end with a self-signed root: the last element ${root.label} was issued by "${oneLine(root.x.issuer)}"; append the root CA certificate`);
  if (!signedBy(root, root)) throw mismatch(`The root at the end of CertificateChain, ${root.label}, does not verify with its own public key`);
}

function basicConstraints(c: Parsed): BasicConstraints {
  const e = c.ext.get(OID_BC);
  if (!e) throw malformed(`${c.label} has no BasicConstraints extension; CA certificates need BasicConstraints critical with CA:TRUE`);
  let bc: BasicConstraints;
  try { bc = AsnConvert.parse(e.extnValue, BasicConstraints); } catch { throw malformed(`${c.label} has an unparsable BasicConstraints extension`); }
  if (!e.critical) throw malformed(`${c.label} has a non-critical BasicConstraints extension; it must be critical with CA:TRUE`);
  if (!bc.cA) throw malformed(`${c.label} has BasicConstraints CA:FALSE; only CA certificates (CA:TRUE) can be imported or used in the chain`);
  return bc;
}

function hexColons(b: Uint8Array): string {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i)).toString('hex').replace(/(..)(?!$)/g, '$1:');
}

/**
 * Validates an ImportCertificateAuthorityCertificate request (X509.md §10 checks 2–11) for a CA
 * whose public key is `caSpkiDer`. The state check (1) is the caller's. Throws ApiError.
 */
export function validateCaImport(o: {
  caType: 'ROOT' | 'SUBORDINATE';
  caSpkiDer: Uint8Array;
  certificate: Uint8Array;
  chain?: Uint8Array | undefined;
  now: number;
}): ImportedCaCertificate {
  // 2. Parsable, single certificate; every chain element parsable.
  if (o.certificate.length > MAX_CERT) throw malformed(`Certificate is ${o.certificate.length} bytes; the limit is ${MAX_CERT}`);
  if (o.chain && o.chain.length > MAX_CHAIN) throw malformed(`CertificateChain is ${o.chain.length} bytes; the limit is ${MAX_CHAIN}`);
  const certDers = splitCertificates(o.certificate, 'Certificate');
  if (certDers.length !== 1) throw malformed(`Certificate must contain exactly one certificate, found ${certDers.length}; put the issuing CAs in CertificateChain`);
  const cert = parseDer(certDers[0]!, (s) => `the certificate (subject "${s}")`, 'Certificate');
  const chainDers = o.chain ? splitCertificates(o.chain, 'CertificateChain') : [];
  const chain = chainDers.map((d, i) => parseDer(d, (s) => `CertificateChain[${i}] (subject "${s}")`, `CertificateChain[${i}]`));

  // 3. The certificate carries the CA's key.
  if (!sameKey(cert.spkiDer, o.caSpkiDer)) {
    throw mismatch(`The public key in ${cert.label} is not this CA's key; have the certificate issued for the CSR returned by GetCertificateAuthorityCsr`);
  }

  // 4. CA type rules.
  if (o.caType === 'ROOT') {
    if (chain.length > 0) throw invalid(`A ROOT CA takes no CertificateChain, but ${chain.length} certificate(s) were supplied; omit CertificateChain`);
    if (!selfIssued(cert)) throw invalid(`A ROOT CA certificate must be self-signed, but the issuer "${oneLine(cert.x.issuer)}" of ${cert.label} differs from its subject`);
    if (!signedBy(cert, cert)) throw invalid(`A ROOT CA certificate must be self-signed, but the signature of ${cert.label} does not verify with its own public key`);
  } else {
    if (selfSigned(cert)) throw invalid(`A SUBORDINATE CA certificate must be signed by a parent CA, but ${cert.label} is self-signed; import it into a ROOT CA instead`);
    if (chain.length === 0) throw invalid('A SUBORDINATE CA needs CertificateChain: the PEM certificates of its issuing CAs, parent first, root last');
    // 5. Chain shape.
    checkChainShape(cert, chain, o.caSpkiDer);
  }

  // 6. BasicConstraints present, critical, CA:TRUE everywhere.
  const all = [cert, ...chain];
  const bcs = all.map(basicConstraints);

  // 7. Path length (RFC 5280 §6.1.4(m)); path order root → … → chain[0] → certificate.
  chain.forEach((c, i) => {
    const limit = bcs[i + 1]!.pathLenConstraint;
    if (limit === undefined) return;
    const below = all.slice(0, i + 1).filter((b) => !selfIssued(b));
    if (below.length > limit) {
      throw mismatch(`${c.label} has pathLenConstraint ${limit}, but ${below.length} CA certificate(s) would follow it (${below.map((b) => b.label).join(', ')}); import the CA under a parent whose path length allows it`);
    }
  });

  // 8. Critical-extension policy.
  for (const c of all) {
    for (const e of c.ext.values()) {
      if (e.critical && !CRITICAL_OK.has(e.extnID)) {
        const n = EXT_NAMES[e.extnID];
        throw malformed(`${c.label} has a critical ${n ? `${n} (${e.extnID})` : `extension ${e.extnID}`}, which is not accepted as critical in an imported CA certificate or chain; reissue it non-critical`);
      }
    }
  }

  // 9. Validity: well-formed everywhere; the certificate must not be expired.
  for (const c of all) {
    const v = c.asn.tbsCertificate.validity;
    if (v.notBefore.getTime().getTime() >= v.notAfter.getTime().getTime()) {
      throw malformed(`${c.label} has notBefore ${c.x.validFrom} not before notAfter ${c.x.validTo}`);
    }
  }
  const notBefore = cert.asn.tbsCertificate.validity.notBefore.getTime().getTime();
  const notAfter = cert.asn.tbsCertificate.validity.notAfter.getTime().getTime();
  if (notAfter <= o.now) throw invalid(`${cert.label} expired on ${new Date(notAfter).toISOString().replace('.000Z', 'Z')}; import a currently valid certificate`);

  // 10. KeyUsage, when present, must allow certificate signing.
  for (const c of all) {
    const e = c.ext.get(OID_KU);
    if (!e) continue;
    let flags: number;
    try { flags = AsnConvert.parse(e.extnValue, KeyUsage).toNumber(); } catch { throw malformed(`${c.label} has an unparsable KeyUsage extension`); }
    if (!(flags & KeyUsageFlags.keyCertSign)) throw malformed(`${c.label} has KeyUsage without keyCertSign; a CA certificate must be allowed to sign certificates`);
  }

  // 11. Subject is not compared with the CA configuration; results.
  const skiExt = cert.ext.get(OID_SKI);
  let ski: Uint8Array;
  if (skiExt) {
    try { ski = new Uint8Array(AsnConvert.parse(skiExt.extnValue, SubjectKeyIdentifier).buffer); } catch { throw malformed(`${cert.label} has an unparsable SubjectKeyIdentifier extension`); }
  } else {
    ski = skiOf(cert.spkiDer);
  }
  return {
    certificatePem: pemEncode('CERTIFICATE', cert.der),
    chainPem: chain.length ? chain.map((c) => pemEncode('CERTIFICATE', c.der)).join('') : null,
    certificateDer: new Uint8Array(cert.der),
    serialHex: hexColons(cert.serial),
    notBefore,
    notAfter,
    subjectDer: new Uint8Array(cert.subjectDer),
    ski,
    pathLen: bcs[0]!.pathLenConstraint ?? null,
  };
}
