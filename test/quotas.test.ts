// Per-CA quotas (LIFECYCLE.md §11) through the AWS SDK v3, with small configured limits: certificates issued over a
// CA's lifetime (higher with PARTITIONED CRLs) and unexpired revoked certificates (none for PARTITIONED CRLs); an
// expired certificate cannot be revoked at all.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IssueCertificateCommand, RevokeCertificateCommand, type ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { opensslCsr } from './helpers/certs.ts';
import { activeRoot } from './helpers/pki.ts';
import { sdkClient, sleep, startTestServer, tempDir, type TestServer } from './helpers/server.ts';

let server: TestServer;
let pca: ACMPCAClient;
const enc = new TextEncoder();
const csr = enc.encode(opensslCsr('/CN=quota.example').csrPem);
const dir = tempDir('openpca-quotas-');

before(async () => {
  server = await startTestServer({
    env: { OPENPCA_CERTIFICATE_QUOTA: '5', OPENPCA_PARTITIONED_CERTIFICATE_QUOTA: '7', OPENPCA_REVOKED_QUOTA: '2', OPENPCA_BUCKETS_DIR: dir, OPENPCA_CRL_DEBOUNCE_MS: '100000' },
  });
  pca = sdkClient(server);
});
after(async () => { pca?.destroy(); await server?.stop(); });

async function rejects(p: Promise<unknown>, name: string, message?: RegExp) {
  await assert.rejects(p, (e: Error) => { assert.equal(e.name, name, e.message); if (message) assert.match(e.message, message); return true; });
}

const issue = (ca: string, validity: { Type: 'DAYS' | 'ABSOLUTE'; Value: number } = { Type: 'DAYS', Value: 30 }) => pca.send(new IssueCertificateCommand({
  CertificateAuthorityArn: ca, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1', Validity: validity,
}));
const serialOf = (arn: string) => arn.split('/').pop()!;
const revoke = (ca: string, certArn: string) => pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: ca, CertificateSerial: serialOf(certArn), RevocationReason: 'SUPERSEDED' }));

test('lifetime certificate quota: the CA certificate counts, the next IssueCertificate is LimitExceededException; PARTITIONED CAs have their own', async () => {
  const complete = await activeRoot(pca, { cn: 'Quota Complete', revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'quota-bucket' } } });
  // 1 (the CA's own certificate) + 4 = 5 = OPENPCA_CERTIFICATE_QUOTA.
  for (let i = 0; i < 4; i++) await issue(complete.arn);
  await rejects(issue(complete.arn), 'LimitExceededException', /has issued 5 certificates, its lifetime limit unless its CRL is PARTITIONED/);
  // No half-written state: the refused request left nothing behind, and the quota holds on every later request.
  await rejects(issue(complete.arn), 'LimitExceededException', /has issued 5 certificates/);

  const partitioned = await activeRoot(pca, { cn: 'Quota Partitioned', revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'quota-bucket', CrlType: 'PARTITIONED' } as never } });
  for (let i = 0; i < 6; i++) await issue(partitioned.arn);
  await rejects(issue(partitioned.arn), 'LimitExceededException', /has issued 7 certificates, its lifetime limit with PARTITIONED CRLs/);
});

test('revoked quota: unexpired revoked certificates per CA; an expired one frees its place; PARTITIONED CAs are not limited', async () => {
  const ca = await activeRoot(pca, { cn: 'Revoked Quota', revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'quota-bucket' } } });
  // ABSOLUTE validity is whole seconds: this one expires 3-4 s from now.
  const short = (await issue(ca.arn, { Type: 'ABSOLUTE', Value: Math.floor(Date.now() / 1000) + 4 })).CertificateArn!;
  const shortToo = (await issue(ca.arn, { Type: 'ABSOLUTE', Value: Math.floor(Date.now() / 1000) + 4 })).CertificateArn!;
  const a = (await issue(ca.arn)).CertificateArn!;
  const b = (await issue(ca.arn)).CertificateArn!;
  await revoke(ca.arn, short);
  await revoke(ca.arn, a);
  await rejects(revoke(ca.arn, b), 'LimitExceededException', /already has 2 unexpired revoked certificates/);
  // The refused revocation changed nothing: revoking `a` again is still "already revoked", `b` is still revocable later.
  await rejects(revoke(ca.arn, a), 'RequestAlreadyProcessedException');
  await sleep(Math.max(0, (Math.floor(Date.now() / 1000) + 5) * 1000 - Date.now()));
  await revoke(ca.arn, b); // `short` has expired: only `a` is unexpired and revoked
  await rejects(revoke(ca.arn, shortToo), 'InvalidRequestException', /expired at .*; expired certificates cannot be revoked/);
  await rejects(revoke(ca.arn, b), 'RequestAlreadyProcessedException');

  const partitioned = await activeRoot(pca, { cn: 'Revoked Quota Partitioned', revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'quota-bucket', CrlType: 'PARTITIONED' } as never } });
  for (let i = 0; i < 3; i++) await revoke(partitioned.arn, (await issue(partitioned.arn)).CertificateArn!);
});
