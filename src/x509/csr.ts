// The CA's own PKCS#10 CSR (X509.md §9): subject, CA key, extensionRequest {BC, KU, SIA}, signed by the CA key.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AccessDescription, AlgorithmIdentifier, Attribute, BasicConstraints, Extension, Extensions,
  KeyUsage, SubjectInfoAccessSyntax,
} from '@peculiar/asn1-x509';
import { ApiError } from '../contract/errors.ts';
import type { Signer } from '../ports/keys.ts';
import { SIGNATURE_OID, isCompatible, type SigningAlgorithm } from './algorithms.ts';
import { encodeGeneralName, type GeneralNameInput } from './general-name.ts';
import { checkOid, subjectDer, type Asn1SubjectInput } from './name.ts';
import { tlv } from './der.ts';
import { pemEncode } from './keys.ts';

/** The model's KeyUsage structure; all members default to false. */
export interface KeyUsageInput {
  DigitalSignature?: boolean;
  NonRepudiation?: boolean;
  KeyEncipherment?: boolean;
  DataEncipherment?: boolean;
  KeyAgreement?: boolean;
  KeyCertSign?: boolean;
  CRLSign?: boolean;
  EncipherOnly?: boolean;
  DecipherOnly?: boolean;
}

export interface AccessMethodInput {
  CustomObjectIdentifier?: string;
  AccessMethodType?: string;
}

export interface AccessDescriptionInput {
  AccessMethod: AccessMethodInput;
  AccessLocation: GeneralNameInput;
}

export interface CsrExtensionsInput {
  KeyUsage?: KeyUsageInput;
  SubjectInformationAccess?: AccessDescriptionInput[];
}

/** AccessMethodType → OID (X509.md §9). */
export const ACCESS_METHOD_OID: Readonly<Record<string, string>> = {
  CA_REPOSITORY: '1.3.6.1.5.5.7.48.5',
  RESOURCE_PKI_MANIFEST: '1.3.6.1.5.5.7.48.10',
  RESOURCE_PKI_NOTIFY: '1.3.6.1.5.5.7.48.13',
};

/** KeyUsage members in bit order (bit 0 = DigitalSignature … bit 8 = DecipherOnly). */
const KU_BITS: readonly (keyof KeyUsageInput)[] = ['DigitalSignature', 'NonRepudiation', 'KeyEncipherment',
  'DataEncipherment', 'KeyAgreement', 'KeyCertSign', 'CRLSign', 'EncipherOnly', 'DecipherOnly'];

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const OID_SUBJECT_INFO_ACCESS = '1.3.6.1.5.5.7.1.11';
const OID_MGF1 = '1.2.840.113549.1.1.8';
const HASH_OID = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' } as const;

function invalid(message: string): ApiError {
  return new ApiError('InvalidArgsException', message);
}

/** Minimal DER BIT STRING (named-bit list, trailing zeros removed) for a KeyUsage, or null when no bit is set. */
export function keyUsageDer(ku: KeyUsageInput | undefined): Uint8Array | null {
  if (ku == null) return null;
  let flags = 0;
  KU_BITS.forEach((name, bit) => { if (ku[name] === true) flags |= 1 << bit; });
  return flags === 0 ? null : new Uint8Array(AsnConvert.serialize(new KeyUsage(flags)));
}

/** The AlgorithmIdentifier DER for a signing algorithm (X509.md §2.3). */
export function signatureAlgorithmDer(alg: SigningAlgorithm): Uint8Array {
  const oid = SIGNATURE_OID[alg];
  if (oid === undefined) throw invalid(`SigningAlgorithm ${String(alg)} is not supported`);
  if (/WITHRSA$/.test(alg)) return ser(new AlgorithmIdentifier({ algorithm: oid, parameters: null }));
  if (alg.endsWith('_PSS')) {
    const h = alg.startsWith('SHA256') ? 'sha256' : alg.startsWith('SHA384') ? 'sha384' : 'sha512';
    const hashAlg = ser(new AlgorithmIdentifier({ algorithm: HASH_OID[h], parameters: null }));
    const mgf = ser(new AlgorithmIdentifier({ algorithm: OID_MGF1, parameters: hashAlg.slice().buffer }));
    const salt = h === 'sha256' ? 32 : h === 'sha384' ? 48 : 64;
    const params = tlv(0x30, tlv(0xa0, hashAlg), tlv(0xa1, mgf), tlv(0xa2, tlv(0x02, Uint8Array.of(salt))));
    return ser(new AlgorithmIdentifier({ algorithm: oid, parameters: params.slice().buffer }));
  }
  return ser(new AlgorithmIdentifier({ algorithm: oid }));
}

function ser(o: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(o));
}

function accessDescription(d: AccessDescriptionInput, where: string): AccessDescription {
  if (d === null || typeof d !== 'object') throw invalid(`${where} must be an AccessDescription structure`);
  const m = d.AccessMethod;
  if (m === null || typeof m !== 'object') throw invalid(`${where}.AccessMethod is required`);
  const hasType = m.AccessMethodType != null;
  const hasCustom = m.CustomObjectIdentifier != null;
  if (hasType === hasCustom) {
    throw invalid(`${where}.AccessMethod must have exactly one of AccessMethodType or CustomObjectIdentifier; ` +
      (hasType ? 'both are set' : 'neither is set'));
  }
  let method: string;
  if (hasType) {
    const t = m.AccessMethodType as string;
    const oid = Object.hasOwn(ACCESS_METHOD_OID, t) ? ACCESS_METHOD_OID[t] : undefined;
    if (oid === undefined) {
      throw invalid(`${where}.AccessMethod.AccessMethodType must be one of ${Object.keys(ACCESS_METHOD_OID).join(', ')}; got ${JSON.stringify(t)}`);
    }
    method = oid;
  } else {
    method = checkOid(m.CustomObjectIdentifier, `${where}.AccessMethod.CustomObjectIdentifier`);
  }
  if (d.AccessLocation == null) throw invalid(`${where}.AccessLocation is required`);
  return new AccessDescription({ accessMethod: method, accessLocation: encodeGeneralName(d.AccessLocation, `${where}.AccessLocation`) });
}

/** The CSR's requested extensions in X509.md §9 order; throws InvalidArgsException on bad CsrExtensions. */
function csrExtensions(ext: CsrExtensionsInput | undefined, path: string): Extensions {
  if (ext != null && typeof ext !== 'object') throw invalid(`${path} must be a CsrExtensions structure`);
  const out = new Extensions([
    new Extension({ extnID: OID_BASIC_CONSTRAINTS, critical: true, extnValue: new OctetString(ser(new BasicConstraints({ cA: true }))) }),
  ]);
  const ku = keyUsageDer(ext?.KeyUsage);
  if (ku !== null) out.push(new Extension({ extnID: OID_KEY_USAGE, critical: true, extnValue: new OctetString(ku) }));
  const sia = ext?.SubjectInformationAccess;
  if (sia != null) {
    if (!Array.isArray(sia)) throw invalid(`${path}.SubjectInformationAccess must be a list`);
    const items = sia.map((d, i) => accessDescription(d, `${path}.SubjectInformationAccess[${i}]`));
    if (items.length > 0) {
      const value = ser(new SubjectInfoAccessSyntax(items));
      out.push(new Extension({ extnID: OID_SUBJECT_INFO_ACCESS, critical: false, extnValue: new OctetString(value) }));
    }
  }
  return out;
}

/**
 * Runs every InvalidArgsException check of the CA CSR (subject and CsrExtensions) without a key,
 * so CreateCertificateAuthority can reject bad input before creating anything.
 */
export function checkCaCsrInputs(subject: Asn1SubjectInput, ext?: CsrExtensionsInput): void {
  subjectDer(subject, 'CertificateAuthorityConfiguration.Subject');
  ser(csrExtensions(ext, 'CertificateAuthorityConfiguration.CsrExtensions'));
}

/** Builds and signs the CA's CSR; returns its DER and PEM ("CERTIFICATE REQUEST"). */
export async function buildCaCsr(o: {
  subject: Asn1SubjectInput;
  csrExtensions?: CsrExtensionsInput;
  signingAlgorithm: SigningAlgorithm;
  signer: Signer;
}): Promise<{ der: Uint8Array; pem: string }> {
  const name = subjectDer(o.subject, 'CertificateAuthorityConfiguration.Subject');
  const extensions = ser(csrExtensions(o.csrExtensions, 'CertificateAuthorityConfiguration.CsrExtensions'));
  if (!isCompatible(o.signer.key.algorithm, o.signingAlgorithm)) {
    throw invalid(`SigningAlgorithm ${o.signingAlgorithm} cannot be used with KeyAlgorithm ${o.signer.key.algorithm}`);
  }
  const sigAlg = signatureAlgorithmDer(o.signingAlgorithm);
  const attribute = ser(new Attribute({ type: OID_EXTENSION_REQUEST, values: [extensions.slice().buffer] }));
  const tbs = tlv(0x30,
    tlv(0x02, Uint8Array.of(0)),
    name,
    o.signer.key.spki,
    tlv(0xa0, attribute));
  const signature = await o.signer.sign(o.signingAlgorithm, tbs);
  const der = tlv(0x30, tbs, sigAlg, tlv(0x03, Uint8Array.of(0), signature));
  return { der, pem: pemEncode('CERTIFICATE REQUEST', der) };
}
