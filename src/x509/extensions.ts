// Encoders for the certificate extensions the server emits (X509.md §7), each returning a RawExtension.
import { ApiError } from '../contract/errors.ts';
import type {
  CustomExtension, ExtendedKeyUsage, GeneralName, KeyUsage, PolicyInformation, PolicyQualifierInfo,
} from '../contract/generated.ts';
import { keyUsageDer } from './csr.ts';
import { ascii, bool, ia5String, implicit, integerOf, octetString, oid, oidContents, seq } from './der.ts';
import { generalNameDer } from './general-name.ts';
import { checkOid } from './name.ts';
import type { RawExtension } from './types.ts';

/** Extension OIDs (X509.md §7). */
export const EXT = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  certificatePolicies: '2.5.29.32',
  cRLDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
} as const;

/**
 * ExtendedKeyUsageType → OID. DOCUMENT_SIGNING follows the enum meaning list of the model
 * (API.md §5: RFC 9336 id-kp-documentSigning); X509.md §7.3 lists Microsoft's
 * 1.3.6.1.4.1.311.10.3.12 as the other candidate — open question X11.
 */
export const EKU_OID: Readonly<Record<string, string>> = {
  SERVER_AUTH: '1.3.6.1.5.5.7.3.1',
  CLIENT_AUTH: '1.3.6.1.5.5.7.3.2',
  CODE_SIGNING: '1.3.6.1.5.5.7.3.3',
  EMAIL_PROTECTION: '1.3.6.1.5.5.7.3.4',
  TIME_STAMPING: '1.3.6.1.5.5.7.3.8',
  OCSP_SIGNING: '1.3.6.1.5.5.7.3.9',
  SMART_CARD_LOGIN: '1.3.6.1.4.1.311.20.2.2',
  DOCUMENT_SIGNING: '1.3.6.1.5.5.7.3.36',
  CERTIFICATE_TRANSPARENCY: '1.3.6.1.4.1.11129.2.4.4',
};

const OID_OCSP = '1.3.6.1.5.5.7.48.1';
const OID_CPS = '1.3.6.1.5.5.7.2.1';
const ASCII = /^[\x00-\x7f]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function invalid(message: string): ApiError {
  return new ApiError('InvalidArgsException', message);
}

/** checkOid plus canonical form (no leading zeros in an arc), so equal OIDs compare equal and always encode. */
function apiOid(value: unknown, where: string): string {
  const id = checkOid(value, where);
  try { oidContents(id); } catch { throw invalid(`${where} must be written without leading zeros in any arc; got ${JSON.stringify(id)}`); }
  return id;
}

function list<T>(v: unknown, where: string): T[] {
  if (!Array.isArray(v) || v.length === 0) throw invalid(`${where} must be a non-empty list`);
  return v as T[];
}

/** BasicConstraints (X509.md §7.1): cA=FALSE is the empty SEQUENCE; pathLen only with cA=TRUE. */
export function basicConstraints(ca: boolean, pathLen: number | null | undefined, critical: boolean): RawExtension {
  const parts = ca ? [bool(true)] : [];
  if (ca && pathLen != null) parts.push(integerOf(pathLen));
  return { oid: EXT.basicConstraints, critical, value: seq(...parts) };
}

/** KeyUsage from the API structure (minimal DER); null when every bit is false. Critical by default (X10). */
export function keyUsage(ku: KeyUsage | undefined, critical = true): RawExtension | null {
  if (ku != null && typeof ku !== 'object') throw invalid('KeyUsage must be a KeyUsage structure');
  const value = keyUsageDer(ku);
  return value === null ? null : { oid: EXT.keyUsage, critical, value };
}

/** ExtendedKeyUsage from OIDs, in the given order. */
export function ekuFromOids(oids: readonly string[], critical: boolean): RawExtension {
  return { oid: EXT.extKeyUsage, critical, value: seq(...oids.map((o) => oid(o))) };
}

/** ExtendedKeyUsage from the API list: each item exactly one of ExtendedKeyUsageType / ...ObjectIdentifier. */
export function extendedKeyUsage(items: ExtendedKeyUsage[], critical = false, where = 'ExtendedKeyUsage'): RawExtension {
  const oids = list<ExtendedKeyUsage>(items, where).map((e, i) => {
    const at = `${where}[${i}]`;
    if (e === null || typeof e !== 'object') throw invalid(`${at} must be an ExtendedKeyUsage structure`);
    const hasType = e.ExtendedKeyUsageType != null;
    const hasOid = e.ExtendedKeyUsageObjectIdentifier != null;
    if (hasType === hasOid) {
      throw invalid(`${at} must have exactly one of ExtendedKeyUsageType or ExtendedKeyUsageObjectIdentifier; ` +
        (hasType ? 'both are set' : 'neither is set'));
    }
    if (hasOid) return apiOid(e.ExtendedKeyUsageObjectIdentifier, `${at}.ExtendedKeyUsageObjectIdentifier`);
    const t = String(e.ExtendedKeyUsageType);
    const o = Object.hasOwn(EKU_OID, t) ? EKU_OID[t] : undefined;
    if (o === undefined) throw invalid(`${at}.ExtendedKeyUsageType must be one of ${Object.keys(EKU_OID).join(', ')}; got ${JSON.stringify(t)}`);
    return o;
  });
  return ekuFromOids(oids, critical);
}

/** SubjectKeyIdentifier: OCTET STRING keyIdentifier. */
export function subjectKeyIdentifier(keyId: Uint8Array): RawExtension {
  return { oid: EXT.subjectKeyIdentifier, critical: false, value: octetString(keyId) };
}

/** AuthorityKeyIdentifier with keyIdentifier [0] only. */
export function authorityKeyIdentifier(keyId: Uint8Array): RawExtension {
  return { oid: EXT.authorityKeyIdentifier, critical: false, value: seq(implicit(0, false, keyId)) };
}

/** CRLDistributionPoints with one DistributionPoint { [0] fullName [0] URI } (REVOCATION.md §2.2). */
export function crlDistributionPoints(uri: string): RawExtension {
  const fullName = implicit(0, true, implicit(6, false, ascii(uri)));
  return { oid: EXT.cRLDistributionPoints, critical: false, value: seq(seq(implicit(0, true, fullName))) };
}

/** AuthorityInfoAccess with one id-ad-ocsp AccessDescription (REVOCATION.md §3). */
export function authorityInfoAccessOcsp(uri: string): RawExtension {
  return { oid: EXT.authorityInfoAccess, critical: false, value: seq(seq(oid(OID_OCSP), implicit(6, false, ascii(uri)))) };
}

/** SubjectAltName from API GeneralNames; critical when the subject is empty (X509.md §4.3). */
export function subjectAltName(names: GeneralName[], critical: boolean, where = 'SubjectAlternativeNames'): RawExtension {
  const ders = list<GeneralName>(names, where).map((g, i) => generalNameDer(g, `${where}[${i}]`));
  return { oid: EXT.subjectAltName, critical, value: seq(...ders) };
}

/** CertificatePolicies from the API (X509.md §7.5); CPS qualifiers as IA5String; non-critical. */
export function certificatePolicies(policies: PolicyInformation[], where = 'CertificatePolicies'): RawExtension {
  const seen = new Set<string>();
  const infos = list<PolicyInformation>(policies, where).map((p, i) => {
    const at = `${where}[${i}]`;
    if (p === null || typeof p !== 'object') throw invalid(`${at} must be a PolicyInformation structure`);
    const id = apiOid(p.CertPolicyId, `${at}.CertPolicyId`);
    if (seen.has(id)) throw invalid(`${at}.CertPolicyId ${id} appears more than once; each policy may be listed only once (RFC 5280 §4.2.1.4)`);
    seen.add(id);
    if (p.PolicyQualifiers == null) return seq(oid(id));
    const qualifiers = list<PolicyQualifierInfo>(p.PolicyQualifiers, `${at}.PolicyQualifiers`).map((q, j) => {
      const qa = `${at}.PolicyQualifiers[${j}]`;
      if (q === null || typeof q !== 'object') throw invalid(`${qa} must be a PolicyQualifierInfo structure`);
      if (q.PolicyQualifierId !== 'CPS') throw invalid(`${qa}.PolicyQualifierId must be CPS; got ${JSON.stringify(q.PolicyQualifierId)}`);
      const uri: unknown = q.Qualifier?.CpsUri;
      if (typeof uri !== 'string') throw invalid(`${qa}.Qualifier.CpsUri is required`);
      if (!ASCII.test(uri)) throw invalid(`${qa}.Qualifier.CpsUri must contain ASCII characters only (it is encoded as an IA5String)`);
      return seq(oid(OID_CPS), ia5String(uri));
    });
    return seq(oid(id), seq(...qualifiers));
  });
  return { oid: EXT.certificatePolicies, critical: false, value: seq(...infos) };
}

/** One API CustomExtension: the base64 Value decoded and placed verbatim in extnValue (X509.md §7.6). */
export function customExtension(c: CustomExtension, where = 'CustomExtensions'): RawExtension {
  if (c === null || typeof c !== 'object') throw invalid(`${where} must be a CustomExtension structure`);
  const id = apiOid(c.ObjectIdentifier, `${where}.ObjectIdentifier`);
  if (typeof c.Value !== 'string' || c.Value.length === 0 || !BASE64.test(c.Value)) {
    throw invalid(`${where}.Value must be the standard base64 (with = padding) of the DER extension value; got ${JSON.stringify(c.Value)}`);
  }
  const value = new Uint8Array(Buffer.from(c.Value, 'base64'));
  if (value.length === 0) throw invalid(`${where}.Value decodes to an empty extension value`);
  if (c.Critical != null && typeof c.Critical !== 'boolean') throw invalid(`${where}.Critical must be a boolean`);
  return { oid: id, critical: c.Critical === true, value };
}
