// Test helpers for PKI checks: openssl as the oracle for RSA/EC CSRs, node:crypto for ML-DSA ones.
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { tempDir } from './server.ts';

export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `openssl req -verify` on a PEM CSR; returns openssl's text dump (throws if verification fails). */
export function opensslVerifyCsr(pem: string): string {
  const f = join(tempDir('openpca-csr-'), 'csr.pem');
  writeFileSync(f, pem);
  const out = execFileSync('openssl', ['req', '-in', f, '-noout', '-verify', '-text', '-nameopt', 'RFC2253'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const err = execFileSync('sh', ['-c', `openssl req -in '${f}' -noout -verify 2>&1`], { encoding: 'utf8' });
  if (!/verify OK/i.test(err)) throw new Error(`openssl did not verify the CSR: ${err}`);
  return out;
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
