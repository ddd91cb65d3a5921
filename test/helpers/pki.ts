// Test helpers for PKI checks: openssl as the oracle for RSA/EC CSRs, node:crypto for ML-DSA ones; an ACTIVE root CA in one call.
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import {
  CreateCertificateAuthorityCommand, GetCertificateAuthorityCsrCommand, GetCertificateCommand, ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand, waitUntilCertificateAuthorityCSRCreated, waitUntilCertificateIssued, type ACMPCAClient, type RevocationConfiguration,
} from '@aws-sdk/client-acm-pca';

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

/** An ACTIVE root CA: created, its own CSR self-issued with RootCACertificate/V1 (5 years), imported. */
export async function activeRoot(pca: ACMPCAClient, o: { cn: string; org?: string; key?: 'EC_prime256v1' | 'RSA_2048'; revocation?: RevocationConfiguration }): Promise<{ arn: string; pem: string }> {
  const key = o.key ?? 'EC_prime256v1';
  const sig = key === 'RSA_2048' ? 'SHA256WITHRSA' : 'SHA256WITHECDSA';
  const enc = new TextEncoder();
  const arn = (await pca.send(new CreateCertificateAuthorityCommand({
    CertificateAuthorityType: 'ROOT',
    CertificateAuthorityConfiguration: { KeyAlgorithm: key, SigningAlgorithm: sig, Subject: { CommonName: o.cn, ...(o.org ? { Organization: o.org } : {}) } },
    ...(o.revocation ? { RevocationConfiguration: o.revocation } : {}),
  }))).CertificateAuthorityArn!;
  await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 60, minDelay: 1 }, { CertificateAuthorityArn: arn });
  const csr = (await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))).Csr!;
  const { CertificateArn } = await pca.send(new IssueCertificateCommand({
    CertificateAuthorityArn: arn, Csr: enc.encode(csr), SigningAlgorithm: sig, TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 5 },
  }));
  await waitUntilCertificateIssued({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: arn, CertificateArn });
  const pem = (await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }))).Certificate!;
  await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: arn, Certificate: enc.encode(pem) }));
  return { arn, pem };
}
