// Shared X.509 shapes between the CSR parser, the template engine and the certificate encoder.
import type { SigningAlgorithm } from './algorithms.ts';

/** One extension as it goes into a certificate: `value` is the DER inside extnValue's OCTET STRING. */
export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** A PKCS#10 request received by IssueCertificate, parsed and with its self-signature verified. */
export interface ParsedCsr {
  /** The whole request, DER. */
  der: Uint8Array;
  /** Exact DER bytes of the subject Name (copied verbatim into certificates). */
  subjectDer: Uint8Array;
  /** True when the subject has no RDN. */
  subjectEmpty: boolean;
  /** Exact DER bytes of the SubjectPublicKeyInfo. */
  spkiDer: Uint8Array;
  /** Key family of the subject public key. */
  keyType: 'RSA' | 'EC' | 'ML_DSA' | 'ED25519' | 'ED448';
  /** Extensions of the extensionRequest attribute, in request order (empty when there is none). */
  extensions: RawExtension[];
}

/** Everything needed to encode a TBSCertificate. */
export interface TbsInput {
  /** Serial magnitude (positive, big-endian, no leading zero byte). */
  serial: Uint8Array;
  signingAlgorithm: SigningAlgorithm;
  /** Exact DER of the issuer Name (the issuing CA certificate's subject). */
  issuerDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
  extensions: RawExtension[];
}
