// The server publishing to an S3-compatible service (moto_server): CRLs and audit reports land in the configured
// bucket with their content types and ACL; a missing bucket makes the audit report FAILED (the waiter says so).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import {
  CreateCertificateAuthorityAuditReportCommand, DescribeCertificateAuthorityAuditReportCommand, IssueCertificateCommand,
  RevokeCertificateCommand, waitUntilAuditReportCreated, type ACMPCAClient,
} from '@aws-sdk/client-acm-pca';
import { CreateBucketCommand, GetObjectAclCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { opensslCsr } from './helpers/certs.ts';
import { startMoto, type Moto } from './helpers/moto.ts';
import { activeRoot } from './helpers/pki.ts';
import { sdkClient, sleep, startTestServer, type TestServer } from './helpers/server.ts';

let moto: Moto;
let s3: S3Client;
let server: TestServer;
let pca: ACMPCAClient;
const enc = new TextEncoder();

before(async () => {
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'pki-crls' }));
  server = await startTestServer({
    env: {
      OPENPCA_PUBLISHER: 's3', OPENPCA_S3_ENDPOINT: moto.endpoint, OPENPCA_S3_FORCE_PATH_STYLE: 'true',
      OPENPCA_S3_ACCESS_KEY_ID: 'AKIAMOTOOPENPCA00001', OPENPCA_S3_SECRET_ACCESS_KEY: 'moto-secret-never-logged', OPENPCA_CRL_DEBOUNCE_MS: '200', OPENPCA_AUDIT_REPORT_INTERVAL_MS: '0',
    },
  });
  pca = sdkClient(server);
});
after(async () => { pca?.destroy(); await server?.stop(); s3?.destroy(); await moto?.stop(); });

async function object(key: string): Promise<{ body: Buffer; type: string | undefined } | undefined> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: 'pki-crls', Key: key }));
    return { body: Buffer.from(await r.Body!.transformToByteArray()), type: r.ContentType };
  } catch { return undefined; }
}

test('CRLs and audit reports go to the S3 bucket; a missing bucket fails the report; the S3 secret never reaches the logs', async () => {
  const { arn } = await activeRoot(pca, { cn: 'S3 Root', revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'pki-crls', ExpirationInDays: 7 } } });
  const leaf = await pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: arn, Csr: enc.encode(opensslCsr('/CN=s3.example.com').csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 10 } }));
  await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: arn, CertificateSerial: leaf.CertificateArn!.split('/').pop()!, RevocationReason: 'KEY_COMPROMISE' }));

  const key = `crl/${arn.split('/').pop()}.crl`;
  let crl: { body: Buffer; type: string | undefined } | undefined;
  for (let i = 0; i < 100; i++) {
    crl = await object(key);
    if (crl && execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], { input: crl.body, encoding: 'utf8' }).includes('Key Compromise')) break;
    await sleep(100);
  }
  assert.ok(crl, `the CRL reached s3://pki-crls/${key}`);
  assert.equal(crl.type, 'application/pkix-crl');
  assert.match(execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], { input: crl.body, encoding: 'utf8' }), /Key Compromise/);
  const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'pki-crls', Key: key }));
  assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === 'http://acs.amazonaws.com/groups/global/AllUsers' && g.Permission === 'READ'), 'S3ObjectAcl PUBLIC_READ (the default) is applied');

  const report = await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'pki-crls', AuditReportResponseFormat: 'JSON' }));
  await waitUntilAuditReportCreated({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: arn, AuditReportId: report.AuditReportId });
  const body = await object(report.S3Key!);
  assert.ok(body);
  const records = JSON.parse(body.body.toString('utf8')) as Array<Record<string, string>>;
  assert.equal(records.length, 2);
  assert.equal(records[1]!.revocationReason, 'KEY_COMPROMISE');

  // A bucket that does not exist: the report is FAILED, and the waiter reports the failure.
  const missing = await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, S3BucketName: 'no-such-bucket', AuditReportResponseFormat: 'CSV' }));
  await assert.rejects(waitUntilAuditReportCreated({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: arn, AuditReportId: missing.AuditReportId }));
  const d = await pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: arn, AuditReportId: missing.AuditReportId }));
  assert.equal(d.AuditReportStatus, 'FAILED');
  assert.ok(server.logs.some((l) => l.includes('audit report failed') && l.includes('NoSuchBucket')), 'the log says why');
  assert.ok(!server.logs.join('\n').includes('moto-secret-never-logged'), 'the S3 secret is not in the logs');
});
