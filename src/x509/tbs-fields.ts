// The exact bytes of a certificate's serial, issuer, subject and SubjectPublicKeyInfo, found by walking its DER
// (views into the input, no copies): what issuer hashes, chain checks and audit reports compare byte for byte.
import { DerError, expectTlv, readTlv, tlvBytes, tlvValue } from './der.ts';

export interface TbsFields {
  /** Contents of the serialNumber INTEGER. */
  serial: Uint8Array;
  /** Whole TLVs of the issuer and subject Names and of the SubjectPublicKeyInfo. */
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
}

/** Walks Certificate → tbsCertificate (v1 included: no version field); throws DerError on malformed or trailing input. */
export function tbsFields(certDer: Uint8Array): TbsFields {
  const cert = expectTlv(certDer, 0, certDer.length, 0x30, 'Certificate');
  if (cert.end !== certDer.length) throw new DerError('Certificate: trailing data after the certificate');
  const tbs = expectTlv(certDer, cert.vStart, cert.end, 0x30, 'tbsCertificate');
  const first = readTlv(certDer, tbs.vStart, tbs.end);
  let p = first.tag === 0xa0 ? first.end : tbs.vStart; // [0] EXPLICIT version, absent in v1
  const serial = expectTlv(certDer, p, tbs.end, 0x02, 'serialNumber');
  p = expectTlv(certDer, serial.end, tbs.end, 0x30, 'signature').end;
  const issuer = expectTlv(certDer, p, tbs.end, 0x30, 'issuer');
  p = expectTlv(certDer, issuer.end, tbs.end, 0x30, 'validity').end;
  const subject = expectTlv(certDer, p, tbs.end, 0x30, 'subject');
  const spki = expectTlv(certDer, subject.end, tbs.end, 0x30, 'subjectPublicKeyInfo');
  return { serial: tlvValue(certDer, serial), issuer: tlvBytes(certDer, issuer), subject: tlvBytes(certDer, subject), spki: tlvBytes(certDer, spki) };
}

/** The subject Name TLV of a certificate (a view, not a copy). */
export function certificateSubjectDer(certDer: Uint8Array): Uint8Array {
  return tbsFields(certDer).subject;
}
