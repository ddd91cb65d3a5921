// Revocation and audit reports through boto3 and aws-cli (v1 and v2): revoke-certificate with both serial forms and
// its modelled errors, the audit-report-created waiter, the OCSP answer after revocation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCertificateCommand, IssueCertificateCommand, type ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { opensslCsr } from './helpers/certs.ts';
import { activeRoot } from './helpers/pki.ts';
import { awsClis, awsEnv, run } from './helpers/process.ts';
import { sdkClient, startTestServer, tempDir, type TestServer } from './helpers/server.ts';

const enc = new TextEncoder();

// argv: endpoint, CA ARN, leaf serial (hex). Prints one JSON object.
const BOTO3_REVOKE = String.raw`
import json, sys
import boto3
from botocore.config import Config

c = boto3.client('acm-pca', endpoint_url=sys.argv[1], region_name='us-east-1', config=Config(retries={'total_max_attempts': 1}))
ca, serial = sys.argv[2], sys.argv[3]
out = {}
colons = ':'.join(serial[i:i + 2] for i in range(0, len(serial), 2))
r = c.revoke_certificate(CertificateAuthorityArn=ca, CertificateSerial=colons, RevocationReason='KEY_COMPROMISE')
out['revokeKeys'] = sorted(r.keys() - {'ResponseMetadata'})
def code_of(f):
    try:
        f()
        return 'no error'
    except c.exceptions.ClientError as e:
        return e.response['Error']['Code']
out['again'] = code_of(lambda: c.revoke_certificate(CertificateAuthorityArn=ca, CertificateSerial=serial, RevocationReason='SUPERSEDED'))
out['unknown'] = code_of(lambda: c.revoke_certificate(CertificateAuthorityArn=ca, CertificateSerial='0a0b0c', RevocationReason='SUPERSEDED'))
out['bad'] = code_of(lambda: c.revoke_certificate(CertificateAuthorityArn=ca, CertificateSerial='not-hex', RevocationReason='SUPERSEDED'))
try:
    c.revoke_certificate(CertificateAuthorityArn=ca, CertificateSerial=serial, RevocationReason='SUPERSEDED')
except c.exceptions.RequestAlreadyProcessedException:
    out['modelled'] = True
rep = c.create_certificate_authority_audit_report(CertificateAuthorityArn=ca, S3BucketName='boto3-audit', AuditReportResponseFormat='CSV')
c.get_waiter('audit_report_created').wait(CertificateAuthorityArn=ca, AuditReportId=rep['AuditReportId'], WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
d = c.describe_certificate_authority_audit_report(CertificateAuthorityArn=ca, AuditReportId=rep['AuditReportId'])
out['report'] = {'key': rep['S3Key'], 'status': d['AuditReportStatus'], 'bucket': d['S3BucketName'], 'createdAtType': type(d['CreatedAt']).__name__}
out['again_report'] = code_of(lambda: c.create_certificate_authority_audit_report(CertificateAuthorityArn=ca, S3BucketName='boto3-audit', AuditReportResponseFormat='JSON'))
print(json.dumps(out))
`;

const CLIS = await awsClis();

describe('revocation through the Python clients', { concurrency: true }, () => {
  let server: TestServer;
  let pca: ACMPCAClient;
  let env: NodeJS.ProcessEnv;
  let buckets: string;

  before(async () => {
    buckets = tempDir('openpca-pyrevoke-buckets-');
    server = await startTestServer({ env: { OPENPCA_BUCKETS_DIR: buckets } });
    pca = sdkClient(server);
    env = awsEnv(tempDir('openpca-pyrevoke-'));
  });
  after(async () => { pca?.destroy(); await server?.stop('SIGTERM'); });

  /** An ACTIVE root with OCSP on, and a leaf it issued. */
  async function rootAndLeaf(cn: string): Promise<{ ca: string; caPem: string; leafPem: string; serial: string }> {
    const { arn: ca, pem: caPem } = await activeRoot(pca, { cn, revocation: { OcspConfiguration: { Enabled: true } } });
    const leaf = await pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: ca, Csr: enc.encode(opensslCsr(`/CN=${cn.replace(/ /g, '-')}.example`).csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } }));
    const leafPem = (await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: ca, CertificateArn: leaf.CertificateArn }))).Certificate!;
    return { ca, caPem, leafPem, serial: leaf.CertificateArn!.split('/').pop()! };
  }

  function ocspStatus(caPem: string, leafPem: string): string {
    const d = tempDir('openpca-pyrevoke-ocsp-');
    writeFileSync(join(d, 'ca.pem'), caPem);
    writeFileSync(join(d, 'leaf.pem'), leafPem);
    const url = execFileSync('openssl', ['x509', '-in', join(d, 'leaf.pem'), '-noout', '-ocsp_uri'], { encoding: 'utf8' }).trim();
    const r = spawnSync('openssl', ['ocsp', '-issuer', join(d, 'ca.pem'), '-cert', join(d, 'leaf.pem'), '-url', url, '-CAfile', join(d, 'ca.pem')], { encoding: 'utf8' });
    return r.stdout + r.stderr;
  }

  it('boto3: revoke_certificate (colon serial), its modelled errors, the audit_report_created waiter and the CSV in the bucket', async () => {
    const { ca, caPem, leafPem, serial } = await rootAndLeaf('boto3 Revoke Root');
    assert.match(ocspStatus(caPem, leafPem), /leaf\.pem: good/);
    const wd = tempDir('openpca-boto3-revoke-');
    writeFileSync(join(wd, 'revoke.py'), BOTO3_REVOKE);
    const r = await run('python3', [join(wd, 'revoke.py'), server.url, ca, serial], { env, cwd: wd });
    assert.equal(r.code, 0, `boto3 script failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    assert.deepEqual(out.revokeKeys, []);
    assert.equal(out.again, 'RequestAlreadyProcessedException');
    assert.equal(out.modelled, true, 'boto3 maps it to client.exceptions.RequestAlreadyProcessedException');
    assert.equal(out.unknown, 'ResourceNotFoundException');
    assert.equal(out.bad, 'InvalidRequestException');
    assert.deepEqual(out.report, { key: (out.report as { key: string }).key, status: 'SUCCESS', bucket: 'boto3-audit', createdAtType: 'datetime' });
    assert.match((out.report as { key: string }).key, new RegExp(`^audit-report/${ca.split('/').pop()}/[0-9a-f-]{36}\\.csv$`));
    assert.equal(out.again_report, 'RequestInProgressException');
    const csv = readFileSync(join(buckets, 'boto3-audit', ...(out.report as { key: string }).key.split('/')), 'utf8');
    assert.match(csv, new RegExp(`,${serial.match(/../g)!.join(':')},CN=boto3-Revoke-Root\\.example,[^\\n]+,KEY_COMPROMISE,arn:aws:acm-pca:::template/EndEntityCertificate/V1\\n`));
    const ocsp = ocspStatus(caPem, leafPem);
    assert.match(ocsp, /leaf\.pem: revoked/);
    assert.match(ocsp, /Reason: keyCompromise/);
  });

  it('finds an aws-cli to run', () => { assert.ok(CLIS.length > 0, 'no aws-cli on PATH or at /usr/bin/aws'); });

  for (const cli of CLIS) {
    it(`${cli.label}: revoke-certificate with openssl's serial, wait audit-report-created, describe-certificate-authority-audit-report`, async () => {
      const { ca, caPem, leafPem } = await rootAndLeaf(`cli v${cli.major} Revoke Root`);
      const wd = tempDir('openpca-cli-revoke-');
      const aws = (...args: string[]) => run(cli.bin, ['--endpoint-url', server.url, 'acm-pca', ...args], { env, cwd: wd });
      writeFileSync(join(wd, 'leaf.pem'), leafPem);
      const opensslSerial = execFileSync('openssl', ['x509', '-in', join(wd, 'leaf.pem'), '-noout', '-serial'], { encoding: 'utf8' }).trim().split('=')[1]!;
      const revoke = await aws('revoke-certificate', '--certificate-authority-arn', ca, '--certificate-serial', opensslSerial, '--revocation-reason', 'CESSATION_OF_OPERATION');
      assert.equal(revoke.code, 0, revoke.stderr);
      assert.equal(revoke.stdout.trim(), '');
      const again = await aws('revoke-certificate', '--certificate-authority-arn', ca, '--certificate-serial', opensslSerial, '--revocation-reason', 'CESSATION_OF_OPERATION');
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /RequestAlreadyProcessedException/);
      assert.match(ocspStatus(caPem, leafPem), /leaf\.pem: revoked/);
      const created = await aws('create-certificate-authority-audit-report', '--certificate-authority-arn', ca, '--s3-bucket-name', 'cli-audit',
        '--audit-report-response-format', 'JSON', '--query', 'AuditReportId', '--output', 'text');
      assert.equal(created.code, 0, created.stderr);
      const id = created.stdout.trim();
      const wait = await aws('wait', 'audit-report-created', '--certificate-authority-arn', ca, '--audit-report-id', id);
      assert.equal(wait.code, 0, wait.stderr);
      const d = await aws('describe-certificate-authority-audit-report', '--certificate-authority-arn', ca, '--audit-report-id', id, '--query', 'AuditReportStatus', '--output', 'text');
      assert.equal(d.stdout.trim(), 'SUCCESS');
      const report = JSON.parse(readFileSync(join(buckets, 'cli-audit', 'audit-report', ca.split('/').pop()!, `${id}.json`), 'utf8')) as Array<Record<string, string>>;
      assert.equal(report.length, 2);
      assert.equal(report[1]!.revocationReason, 'CESSATION_OF_OPERATION');
    });
  }
});
