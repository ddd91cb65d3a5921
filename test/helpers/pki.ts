// Test helpers for PKI checks: openssl as the oracle for RSA/EC CSRs, node:crypto for ML-DSA ones.
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';

/** `openssl req -verify` on a PEM CSR (one run); returns openssl's text dump, subject line included. Throws if it does not verify. */
export function opensslVerifyCsr(pem: string): string {
  const r = spawnSync('openssl', ['req', '-noout', '-verify', '-text', '-subject', '-nameopt', 'RFC2253'], { input: pem, encoding: 'utf8' });
  if (r.status !== 0 || !/verify OK/i.test(r.stdout + r.stderr)) throw new Error(`openssl did not verify the CSR: ${r.stderr}`);
  return r.stdout;
}

/** The RFC 2253 subject of a CSR that openssl verified. */
export function opensslCsrSubject(pem: string): string {
  return /^subject=\s*(.*)$/m.exec(opensslVerifyCsr(pem))?.[1] ?? '';
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** Verifies an ML-DSA CSR's self-signature with node:crypto (Debian's openssl 3.0 predates ML-DSA). */
export function verifyMlDsaCsr(pem: string): { signatureOid: string } {
  const csr = AsnConvert.parse(pemToDer(pem), CertificationRequest);
  const tbs = Buffer.from(AsnConvert.serialize(csr.certificationRequestInfo));
  const info = AsnConvert.parse(tbs, CertificationRequestInfo);
  const spki = Buffer.from(AsnConvert.serialize(info.subjectPKInfo));
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (!verify(null, tbs, key, Buffer.from(csr.signature))) throw new Error('ML-DSA CSR signature does not verify');
  return { signatureOid: csr.signatureAlgorithm.algorithm };
}
