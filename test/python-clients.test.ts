// End-to-end tests with the Python clients (boto3 waiters, paginators, typed exceptions; aws-cli v1) against a slow-creating server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsClis, awsEnv, run } from './helpers/process.ts';
import { opensslCsrSubject } from './helpers/pki.ts';
import { CREDS, startTestServer, tempDir, type TestServer } from './helpers/server.ts';

const CREATION_DELAY_MS = 4000;



// The boto3 part. argv: endpoint, key algorithm, signing algorithm, common name, csr output file. Prints one JSON object.
const BOTO3_SCRIPT = String.raw`
import json, sys, time, uuid
import boto3
from botocore.config import Config

endpoint, key_alg, sig_alg, cn, csr_file = sys.argv[1:6]
c = boto3.client('acm-pca', endpoint_url=endpoint, region_name='us-east-1',
                 config=Config(retries={'total_max_attempts': 1}))
out = {}

def error_name(fn):
    """Calls fn; returns the name of the typed client.exceptions class it raised (or None)."""
    typed = ['RequestInProgressException', 'ResourceNotFoundException', 'InvalidArnException',
             'RequestFailedException', 'InvalidStateException']
    try:
        fn()
    except Exception as e:
        for name in typed:
            if isinstance(e, getattr(c.exceptions, name)):
                return name
        return 'untyped:' + type(e).__name__ + ':' + str(e)
    return None

arn = c.create_certificate_authority(
    CertificateAuthorityConfiguration={
        'KeyAlgorithm': key_alg, 'SigningAlgorithm': sig_alg,
        'Subject': {'CommonName': cn, 'Organization': 'Example Corp', 'Country': 'US'},
    },
    CertificateAuthorityType='ROOT',
    IdempotencyToken=uuid.uuid4().hex[:32],
)['CertificateAuthorityArn']
out['arn'] = arn
out['csrRightAfterCreate'] = error_name(lambda: c.get_certificate_authority_csr(CertificateAuthorityArn=arn))
out['statusWhileCreating'] = c.describe_certificate_authority(CertificateAuthorityArn=arn)['CertificateAuthority']['Status']

t0 = time.time()
c.get_waiter('certificate_authority_csr_created').wait(
    CertificateAuthorityArn=arn, WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
out['waitSeconds'] = time.time() - t0

csr = c.get_certificate_authority_csr(CertificateAuthorityArn=arn)['Csr']
with open(csr_file, 'w') as f:
    f.write(csr)

ca = c.describe_certificate_authority(CertificateAuthorityArn=arn)['CertificateAuthority']
out['describe'] = {k: ca.get(k) for k in ('Arn', 'Status', 'Type', 'OwnerAccount')}
out['describe']['KeyAlgorithm'] = ca['CertificateAuthorityConfiguration']['KeyAlgorithm']
out['describe']['SigningAlgorithm'] = ca['CertificateAuthorityConfiguration']['SigningAlgorithm']
out['describe']['Subject'] = ca['CertificateAuthorityConfiguration']['Subject']

pages = 0
listed = []
for page in c.get_paginator('list_certificate_authorities').paginate(PaginationConfig={'PageSize': 1}):
    pages += 1
    listed += [x['Arn'] for x in page['CertificateAuthorities']]
out['listed'] = listed
out['pages'] = pages

acct = arn.split(':')[4]
unknown = 'arn:aws:acm-pca:us-east-1:%s:certificate-authority/%s' % (acct, uuid.uuid4())
out['errors'] = {
    'unknownCsr': error_name(lambda: c.get_certificate_authority_csr(CertificateAuthorityArn=unknown)),
    'unknownDescribe': error_name(lambda: c.describe_certificate_authority(CertificateAuthorityArn=unknown)),
    'certificateResource': error_name(lambda: c.get_certificate_authority_csr(
        CertificateAuthorityArn='arn:aws:acm-pca:us-east-1:%s:certificate/x' % acct)),
    'otherRegion': error_name(lambda: c.describe_certificate_authority(
        CertificateAuthorityArn=arn.replace(':us-east-1:', ':eu-west-1:'))),
}
print(json.dumps(out))
`;

interface Boto3Result {
  arn: string;
  csrRightAfterCreate: string | null;
  statusWhileCreating: string;
  waitSeconds: number;
  describe: { Arn: string; Status: string; Type: string; OwnerAccount: string; KeyAlgorithm: string; SigningAlgorithm: string; Subject: Record<string, string> };
  listed: string[];
  pages: number;
  errors: Record<string, string | null>;
}

const CLIS = await awsClis();

describe('Python clients against OpenPCA', { concurrency: true }, () => {
  let server: TestServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let script: string;

  before(async () => {
    server = await startTestServer({ env: { OPENPCA_CREATION_DELAY_MS: String(CREATION_DELAY_MS) } });
    dir = tempDir('openpca-pyclients-');
    env = awsEnv(dir);
    script = join(dir, 'boto3_ca.py');
    writeFileSync(script, BOTO3_SCRIPT);
  });
  after(async () => { await server?.stop('SIGTERM'); });

  async function boto3Ca(keyAlgorithm: string, signingAlgorithm: string, cn: string): Promise<{ result: Boto3Result; csrFile: string }> {
    const csrFile = join(dir, `${cn}.csr.pem`);
    const r = await run('python3', [script, server.url, keyAlgorithm, signingAlgorithm, cn, csrFile], { env, cwd: dir });
    assert.equal(r.code, 0, `boto3 script failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    return { result: JSON.parse(r.stdout.trim().split('\n').pop()!) as Boto3Result, csrFile };
  }

  async function checkBoto3Ca(keyAlgorithm: string, signingAlgorithm: string, cn: string): Promise<void> {
    const { result: r, csrFile } = await boto3Ca(keyAlgorithm, signingAlgorithm, cn);
    assert.match(r.arn, /^arn:aws:acm-pca:us-east-1:123456789012:certificate-authority\/[0-9a-f-]{36}$/);
    assert.equal(r.csrRightAfterCreate, 'RequestInProgressException');
    assert.equal(r.statusWhileCreating, 'CREATING');
    // The waiter really had to poll: the CA stays CREATING for CREATION_DELAY_MS.
    assert.ok(r.waitSeconds >= 1, `waiter returned after ${r.waitSeconds}s`);
    assert.ok(r.waitSeconds < 20, `waiter took ${r.waitSeconds}s`);
    assert.deepEqual(r.describe, {
      Arn: r.arn, Status: 'PENDING_CERTIFICATE', Type: 'ROOT', OwnerAccount: '123456789012',
      KeyAlgorithm: keyAlgorithm, SigningAlgorithm: signingAlgorithm,
      Subject: { CommonName: cn, Organization: 'Example Corp', Country: 'US' },
    });
    assert.ok(r.listed.includes(r.arn), 'the paginator lists the new CA');
    assert.equal(new Set(r.listed).size, r.listed.length, `duplicates in listing: ${r.listed.join(', ')}`);
    assert.ok(r.pages >= r.listed.length, 'PageSize=1 gives one CA per page');
    assert.deepEqual(r.errors, {
      unknownCsr: 'ResourceNotFoundException',
      unknownDescribe: 'ResourceNotFoundException',
      certificateResource: 'InvalidArnException',
      otherRegion: 'InvalidArnException',
    });
    const pem = readFileSync(csrFile, 'utf8');
    assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+\n-----END CERTIFICATE REQUEST-----\n?$/);
    const subject = opensslCsrSubject(pem);
    assert.equal(subject, `CN=${cn},O=Example Corp,C=US`);
  }

  it('boto3: EC_prime256v1 CA, RequestInProgressException, csr waiter, describe, paginator, typed errors', async () => {
    await checkBoto3Ca('EC_prime256v1', 'SHA256WITHECDSA', 'boto3-ec-root');
  });

  it('boto3: RSA_2048 / SHA256WITHRSA CA', async () => {
    await checkBoto3Ca('RSA_2048', 'SHA256WITHRSA', 'boto3-rsa-root');
  });

  it('finds an aws-cli to run', () => { assert.ok(CLIS.length > 0, 'no aws-cli on PATH or at /usr/bin/aws'); });

  for (const cli of CLIS) {
  it(`${cli.label}: create, wait certificate-authority-csr-created, get-certificate-authority-csr`, async () => {
    const cfg = join(dir, `cli-cfg-v${cli.major}.json`);
    writeFileSync(cfg, JSON.stringify({
      KeyAlgorithm: 'EC_secp384r1', SigningAlgorithm: 'SHA384WITHECDSA',
      Subject: { CommonName: 'cli-root', Organization: 'Example Corp', Country: 'US' },
    }));
    const aws = (...args: string[]) => run(cli.bin, ['--endpoint-url', server.url, 'acm-pca', ...args], { env, cwd: dir });

    const created = await aws('create-certificate-authority', '--certificate-authority-configuration', `file://${cfg}`,
      '--certificate-authority-type', 'ROOT', '--query', 'CertificateAuthorityArn', '--output', 'text');
    assert.equal(created.code, 0, created.stderr);
    const arn = created.stdout.trim();
    assert.match(arn, /^arn:aws:acm-pca:us-east-1:123456789012:certificate-authority\/[0-9a-f-]{36}$/);

    const early = await aws('get-certificate-authority-csr', '--certificate-authority-arn', arn);
    assert.notEqual(early.code, 0);
    assert.match(early.stderr, /\(RequestInProgressException\)/);

    const waited = await aws('wait', 'certificate-authority-csr-created', '--certificate-authority-arn', arn);
    assert.equal(waited.code, 0, `wait failed: ${waited.stderr}`);

    const csr = await aws('get-certificate-authority-csr', '--certificate-authority-arn', arn, '--output', 'text');
    assert.equal(csr.code, 0, csr.stderr);
    const file = join(dir, `cli-v${cli.major}.csr.pem`);
    writeFileSync(file, csr.stdout);
    assert.match(csr.stdout, /^-----BEGIN CERTIFICATE REQUEST-----/);
    assert.equal(opensslCsrSubject(csr.stdout), 'CN=cli-root,O=Example Corp,C=US');

    const status = await aws('describe-certificate-authority', '--certificate-authority-arn', arn,
      '--query', 'CertificateAuthority.Status', '--output', 'text');
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.stdout.trim(), 'PENDING_CERTIFICATE');
  });

  it(`${cli.label}: unknown CA gives a non-zero exit and (ResourceNotFoundException)`, async () => {
    const arn = `arn:aws:acm-pca:us-east-1:${CREDS.accountId}:certificate-authority/${randomUUID()}`;
    const r = await run(cli.bin, ['--endpoint-url', server.url, 'acm-pca', 'get-certificate-authority-csr', '--certificate-authority-arn', arn], { env, cwd: dir });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\(ResourceNotFoundException\)/);
    assert.match(r.stderr, /GetCertificateAuthorityCsr/);
  });
  }
});
