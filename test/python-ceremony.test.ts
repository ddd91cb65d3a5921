// The CA ceremony (root self-issue → subordinate → leaf) through boto3 and aws-cli, verified by openssl and gnutls.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certtoolVerifyChain, opensslCsr, opensslText } from './helpers/certs.ts';
import { awsClis, awsEnv, run, type RunResult } from './helpers/process.ts';
import { startTestServer, tempDir, type TestServer } from './helpers/server.ts';

const T = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
const ISSUANCE_DELAY_MS = 2000;


/** The PEM certificates in a file, normalised (aws-cli's text output adds a blank line at the end). */
function pemsIn(file: string): string[] {
  return readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----\n[\s\S]+?\n-----END CERTIFICATE-----/g)?.map((p) => `${p}\n`) ?? [];
}

/**
 * In `dir`: `openssl verify -x509_strict -CAfile root.pem -untrusted sub.pem leaf.pem` must print exactly
 * `leaf.pem: OK`, and gnutls must verify leaf → sub → root.
 */
async function verifyHierarchy(dir: string): Promise<void> {
  const v = await run('openssl', ['verify', '-x509_strict', '-CAfile', 'root.pem', '-untrusted', 'sub.pem', 'leaf.pem'], { cwd: dir });
  assert.equal(v.code, 0, `openssl verify failed:\n${v.stdout}${v.stderr}`);
  assert.equal(v.stdout.trim(), 'leaf.pem: OK');
  const purpose = await run('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'root.pem', '-untrusted', 'sub.pem', 'leaf.pem'], { cwd: dir });
  assert.equal(purpose.stdout.trim(), 'leaf.pem: OK', purpose.stdout + purpose.stderr);
  const [leaf, sub, root] = [pemsIn(join(dir, 'leaf.pem')), pemsIn(join(dir, 'sub.pem')), pemsIn(join(dir, 'root.pem'))];
  assert.equal(leaf.length, 1);
  assert.equal(sub.length, 1);
  assert.equal(root.length, 1);
  const g = certtoolVerifyChain([leaf[0]!, sub[0]!, root[0]!]);
  assert.ok(g.ok, g.output);
}

/** Checks what the three certificates say about themselves (templates: root, PathLen0 subordinate, end entity). */
function checkContents(dir: string, leafCn: string): void {
  const root = opensslText(readFileSync(join(dir, 'root.pem'), 'utf8'));
  assert.match(root, /X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
  assert.match(root, /Public Key Algorithm: id-ecPublicKey[\s\S]+NIST CURVE: P-256/);
  const sub = opensslText(readFileSync(join(dir, 'sub.pem'), 'utf8'));
  assert.match(sub, /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  assert.match(sub, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(sub, /Public-Key: \(2048 bit\)/);
  const leaf = opensslText(readFileSync(join(dir, 'leaf.pem'), 'utf8'));
  assert.match(leaf, /X509v3 Basic Constraints:\s+CA:FALSE/);
  assert.match(leaf, /Signature Algorithm: sha256WithRSAEncryption/);
  assert.match(leaf, new RegExp(`Subject: CN = ${leafCn.replace(/\./g, '\\.')}`));
  assert.match(leaf, /TLS Web Server Authentication, TLS Web Client Authentication/);
}

// The boto3 ceremony. argv: endpoint, working dir, leaf CSR file. Writes the PEMs into the dir, prints one JSON object.
const BOTO3_CEREMONY = String.raw`
import json, os, sys
import boto3
from botocore.config import Config

endpoint, wd, leaf_csr_file = sys.argv[1:4]
c = boto3.client('acm-pca', endpoint_url=endpoint, region_name='us-east-1',
                 config=Config(retries={'total_max_attempts': 1}))
T = lambda name: 'arn:aws:acm-pca:::template/%s/V1' % name
out = {}

def save(name, text):
    with open(os.path.join(wd, name), 'w') as f:
        f.write(text)

def create_ca(ca_type, key_alg, sig_alg, cn):
    arn = c.create_certificate_authority(
        CertificateAuthorityType=ca_type,
        CertificateAuthorityConfiguration={
            'KeyAlgorithm': key_alg, 'SigningAlgorithm': sig_alg,
            'Subject': {'CommonName': cn, 'Organization': 'boto3 Ceremony', 'Country': 'US'},
        },
    )['CertificateAuthorityArn']
    c.get_waiter('certificate_authority_csr_created').wait(
        CertificateAuthorityArn=arn, WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
    return arn, c.get_certificate_authority_csr(CertificateAuthorityArn=arn)['Csr']

def issue(ca_arn, csr, sig_alg, validity, template=None):
    args = dict(CertificateAuthorityArn=ca_arn, Csr=csr, SigningAlgorithm=sig_alg, Validity=validity)
    if template:
        args['TemplateArn'] = T(template)
    cert_arn = c.issue_certificate(**args)['CertificateArn']
    c.get_waiter('certificate_issued').wait(
        CertificateAuthorityArn=ca_arn, CertificateArn=cert_arn, WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
    return cert_arn, c.get_certificate(CertificateAuthorityArn=ca_arn, CertificateArn=cert_arn)

def status(arn):
    return c.describe_certificate_authority(CertificateAuthorityArn=arn)['CertificateAuthority']['Status']

# ROOT CA: its own CSR (a str, as GetCertificateAuthorityCsr returns it) with RootCACertificate/V1.
root, root_csr = create_ca('ROOT', 'EC_prime256v1', 'SHA256WITHECDSA', 'boto3 Root')
root_cert_arn, got = issue(root, root_csr, 'SHA256WITHECDSA', {'Type': 'YEARS', 'Value': 10}, 'RootCACertificate')
out['root'] = root
out['rootCertArn'] = root_cert_arn
out['rootChainKeys'] = sorted(got.keys() - {'ResponseMetadata'})
save('root.pem', got['Certificate'])
out['rootStatusBeforeImport'] = status(root)
c.import_certificate_authority_certificate(CertificateAuthorityArn=root, Certificate=got['Certificate'].encode())
out['rootStatus'] = status(root)

# SUBORDINATE CA (RSA) signed by the root with SubordinateCACertificate_PathLen0/V1, imported with the chain.
sub, sub_csr = create_ca('SUBORDINATE', 'RSA_2048', 'SHA256WITHRSA', 'boto3 Sub')
sub_cert_arn, got = issue(root, sub_csr.encode(), 'SHA256WITHECDSA', {'Type': 'DAYS', 'Value': 1825},
                          'SubordinateCACertificate_PathLen0')
out['sub'] = sub
out['subCertArn'] = sub_cert_arn
save('sub.pem', got['Certificate'])
save('sub-chain.pem', got['CertificateChain'])
c.import_certificate_authority_certificate(CertificateAuthorityArn=sub, Certificate=got['Certificate'].encode(),
                                           CertificateChain=got['CertificateChain'].encode())
out['subStatus'] = status(sub)
ca_cert = c.get_certificate_authority_certificate(CertificateAuthorityArn=sub)
save('sub-ca-cert.pem', ca_cert['Certificate'])
save('sub-ca-chain.pem', ca_cert['CertificateChain'])

# Leaf: an openssl CSR read as bytes, default template.
with open(leaf_csr_file, 'rb') as f:
    leaf_csr = f.read()
leaf_arn, got = issue(sub, leaf_csr, 'SHA256WITHRSA', {'Type': 'DAYS', 'Value': 365})
out['leafArn'] = leaf_arn
save('leaf.pem', got['Certificate'])
save('leaf-chain.pem', got['CertificateChain'])
print(json.dumps(out))
`;

// RequestInProgressException against a server with an issuance delay. argv: endpoint. Prints one JSON object.
const BOTO3_IN_PROGRESS = String.raw`
import json, sys, time
import boto3
from botocore.config import Config

c = boto3.client('acm-pca', endpoint_url=sys.argv[1], region_name='us-east-1',
                 config=Config(retries={'total_max_attempts': 1}))
out = {}
arn = c.create_certificate_authority(
    CertificateAuthorityType='ROOT',
    CertificateAuthorityConfiguration={'KeyAlgorithm': 'EC_prime256v1', 'SigningAlgorithm': 'SHA256WITHECDSA',
                                       'Subject': {'CommonName': 'boto3 Slow Root'}},
)['CertificateAuthorityArn']
c.get_waiter('certificate_authority_csr_created').wait(CertificateAuthorityArn=arn, WaiterConfig={'Delay': 1})
csr = c.get_certificate_authority_csr(CertificateAuthorityArn=arn)['Csr']
t0 = time.time()
cert_arn = c.issue_certificate(CertificateAuthorityArn=arn, Csr=csr, SigningAlgorithm='SHA256WITHECDSA',
                               TemplateArn='arn:aws:acm-pca:::template/RootCACertificate/V1',
                               Validity={'Type': 'DAYS', 'Value': 365})['CertificateArn']
try:
    c.get_certificate(CertificateAuthorityArn=arn, CertificateArn=cert_arn)
    out['early'] = 'no error'
except c.exceptions.RequestInProgressException as e:
    out['early'] = 'RequestInProgressException'
    out['earlyCode'] = e.response['Error']['Code']
    out['earlyAfter'] = time.time() - t0
except Exception as e:
    out['early'] = 'other:%s:%s' % (type(e).__name__, e)
# The model's waiter as it is (1.43: 1 s delay, 60 attempts).
c.get_waiter('certificate_issued').wait(CertificateAuthorityArn=arn, CertificateArn=cert_arn)
out['waitedUntil'] = time.time() - t0
cert = c.get_certificate(CertificateAuthorityArn=arn, CertificateArn=cert_arn)['Certificate']
c.import_certificate_authority_certificate(CertificateAuthorityArn=arn, Certificate=cert)
out['status'] = c.describe_certificate_authority(CertificateAuthorityArn=arn)['CertificateAuthority']['Status']
out['cert'] = cert
print(json.dumps(out))
`;

interface CeremonyResult {
  root: string; rootCertArn: string; rootChainKeys: string[]; rootStatusBeforeImport: string; rootStatus: string;
  sub: string; subCertArn: string; subStatus: string; leafArn: string;
}

interface InProgressResult { early: string; earlyCode?: string; earlyAfter?: number; waitedUntil: number; status: string; cert: string }

const CA_ARN = /^arn:aws:acm-pca:us-east-1:123456789012:certificate-authority\/[0-9a-f-]{36}$/;

/**
 * A leaf CSR whose PEM text aws-cli v2 would base64-decode without an error (`base64.b64decode(text)`, non-strict,
 * as awscli/customizations/binaryformat.py does with `file://`), and the garbled bytes v2 then sends.
 * For roughly half of all PEM files the decode fails locally ("Invalid base64") and nothing reaches the server,
 * so the subject is varied until one decodes.
 */
async function v2GarbledCsr(dir: string, env: NodeJS.ProcessEnv): Promise<{ csrFile: string; garbledFile: string }> {
  for (let i = 0; i < 20; i++) {
    const csr = opensslCsr(`/CN=pitfall${'x'.repeat(i)}.example.com`);
    const csrFile = join(dir, `pitfall-${i}.csr`);
    const garbledFile = join(dir, `pitfall-${i}.v2-bytes`);
    writeFileSync(csrFile, csr.csrPem);
    const r = await run('python3', ['-c', 'import base64,sys\nopen(sys.argv[2],"wb").write(base64.b64decode(open(sys.argv[1]).read()))', csrFile, garbledFile], { env });
    if (r.code === 0) return { csrFile, garbledFile };
  }
  throw new Error('no CSR decoded as base64 in 20 attempts');
}

const CLIS = await awsClis();

describe('CA ceremony through the Python clients', { concurrency: true }, () => {
  let server: TestServer;
  let slow: TestServer;
  let base: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    [server, slow] = await Promise.all([
      startTestServer(),
      startTestServer({ env: { OPENPCA_ISSUANCE_DELAY_MS: String(ISSUANCE_DELAY_MS) } }),
    ]);
    base = tempDir('openpca-pyceremony-');
    env = awsEnv(base);
  });
  after(async () => { await Promise.all([server?.stop('SIGTERM'), slow?.stop('SIGTERM')]); });

  it('boto3: root self-issues RootCACertificate/V1, PathLen0 subordinate, leaf; waiters; openssl and certtool verify', async () => {
    const wd = tempDir('openpca-boto3-ceremony-');
    const script = join(wd, 'ceremony.py');
    writeFileSync(script, BOTO3_CEREMONY);
    const leafCsr = opensslCsr('/CN=boto3-leaf.example.com/O=Example', { addext: ['subjectAltName=DNS:boto3-leaf.example.com'] });
    const leafCsrFile = join(wd, 'leaf.csr');
    writeFileSync(leafCsrFile, leafCsr.csrPem);
    const r = await run('python3', [script, server.url, wd, leafCsrFile], { env, cwd: wd });
    assert.equal(r.code, 0, `boto3 ceremony failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as CeremonyResult;

    assert.match(out.root, CA_ARN);
    assert.match(out.rootCertArn, new RegExp(`^${out.root}/certificate/[0-9a-f]{32}$`));
    assert.deepEqual(out.rootChainKeys, ['Certificate'], 'a self-issued root certificate comes without a chain');
    assert.equal(out.rootStatusBeforeImport, 'PENDING_CERTIFICATE');
    assert.equal(out.rootStatus, 'ACTIVE');
    assert.match(out.subCertArn, new RegExp(`^${out.root}/certificate/[0-9a-f]{32}$`));
    assert.equal(out.subStatus, 'ACTIVE');
    assert.match(out.leafArn, new RegExp(`^${out.sub}/certificate/[0-9a-f]{32}$`));

    const [root, sub] = [pemsIn(join(wd, 'root.pem')), pemsIn(join(wd, 'sub.pem'))];
    assert.deepEqual(pemsIn(join(wd, 'sub-chain.pem')), root, 'the subordinate\'s chain is the root');
    assert.deepEqual(pemsIn(join(wd, 'sub-ca-cert.pem')), sub, 'GetCertificateAuthorityCertificate returns the imported certificate');
    assert.deepEqual(pemsIn(join(wd, 'sub-ca-chain.pem')), root, '... and the imported chain');
    assert.deepEqual(pemsIn(join(wd, 'leaf-chain.pem')), [...sub, ...root], 'the leaf\'s chain is sub, then root');
    checkContents(wd, 'boto3-leaf.example.com');
    await verifyHierarchy(wd);
  });

  it('boto3: get_certificate right after issue_certificate raises client.exceptions.RequestInProgressException; the waiter then succeeds', async () => {
    const wd = tempDir('openpca-boto3-inprogress-');
    const script = join(wd, 'inprogress.py');
    writeFileSync(script, BOTO3_IN_PROGRESS);
    const r = await run('python3', [script, slow.url], { env, cwd: wd });
    assert.equal(r.code, 0, `boto3 script failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as InProgressResult;
    assert.equal(out.early, 'RequestInProgressException');
    assert.equal(out.earlyCode, 'RequestInProgressException');
    assert.ok(out.earlyAfter! < ISSUANCE_DELAY_MS / 1000, `the early GetCertificate came ${out.earlyAfter}s after IssueCertificate`);
    // Signing waits ISSUANCE_DELAY_MS, so the waiter had to retry at least once (1 s delay) before it succeeded.
    assert.ok(out.waitedUntil >= ISSUANCE_DELAY_MS / 1000 - 0.1, `waiter returned after ${out.waitedUntil}s`);
    assert.ok(out.waitedUntil < 20, `waiter took ${out.waitedUntil}s`);
    assert.equal(out.status, 'ACTIVE');
    assert.match(out.cert, /^-----BEGIN CERTIFICATE-----\n/);
  });

  it('finds an aws-cli to run', () => { assert.ok(CLIS.length > 0, 'no aws-cli on PATH or at /usr/bin/aws'); });

  for (const cli of CLIS) {
  it(`${cli.label}: the same ceremony with fileb:// blobs, wait certificate-issued and --query/--output text`, async () => {
    const wd = tempDir('openpca-cli-ceremony-');
    const aws = (...args: string[]) => run(cli.bin, ['--endpoint-url', server.url, 'acm-pca', ...args], { env, cwd: wd });
    const ok = async (...args: string[]): Promise<string> => {
      const r = await aws(...args);
      assert.equal(r.code, 0, `aws acm-pca ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
      return r.stdout;
    };
    const save = (name: string, text: string) => writeFileSync(join(wd, name), text);
    const createCa = async (type: string, config: object) => {
      const arn = (await ok('create-certificate-authority', '--certificate-authority-type', type,
        '--certificate-authority-configuration', JSON.stringify(config), '--query', 'CertificateAuthorityArn', '--output', 'text')).trim();
      assert.match(arn, CA_ARN);
      await ok('wait', 'certificate-authority-csr-created', '--certificate-authority-arn', arn);
      return arn;
    };
    const status = async (arn: string) =>
      (await ok('describe-certificate-authority', '--certificate-authority-arn', arn, '--query', 'CertificateAuthority.Status', '--output', 'text')).trim();
    const getCert = (ca: string, cert: string, member: 'Certificate' | 'CertificateChain') =>
      ok('get-certificate', '--certificate-authority-arn', ca, '--certificate-arn', cert, '--query', member, '--output', 'text');

    // ROOT CA (EC P-256): its own CSR, RootCACertificate/V1, wait certificate-issued, import.
    const root = await createCa('ROOT', { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'cli Root', Organization: 'aws-cli Ceremony', Country: 'US' } });
    save('root.csr', await ok('get-certificate-authority-csr', '--certificate-authority-arn', root, '--output', 'text'));
    const rootCert = (await ok('issue-certificate', '--certificate-authority-arn', root, '--csr', 'fileb://root.csr',
      '--signing-algorithm', 'SHA256WITHECDSA', '--template-arn', T('RootCACertificate'), '--validity', 'Value=3650,Type=DAYS',
      '--query', 'CertificateArn', '--output', 'text')).trim();
    assert.match(rootCert, new RegExp(`^${root}/certificate/[0-9a-f]{32}$`));
    await ok('wait', 'certificate-issued', '--certificate-authority-arn', root, '--certificate-arn', rootCert);
    save('root.pem', await getCert(root, rootCert, 'Certificate'));
    assert.equal((await getCert(root, rootCert, 'CertificateChain')).trim(), 'None', 'no chain for the self-issued root');
    assert.equal(await status(root), 'PENDING_CERTIFICATE');
    await ok('import-certificate-authority-certificate', '--certificate-authority-arn', root, '--certificate', 'fileb://root.pem');
    assert.equal(await status(root), 'ACTIVE');

    // SUBORDINATE CA (RSA_2048) signed by the root with SubordinateCACertificate_PathLen0/V1, imported with the chain.
    const sub = await createCa('SUBORDINATE', { KeyAlgorithm: 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA', Subject: { CommonName: 'cli Sub', Organization: 'aws-cli Ceremony', Country: 'US' } });
    save('sub.csr', await ok('get-certificate-authority-csr', '--certificate-authority-arn', sub, '--output', 'text'));
    const subCert = (await ok('issue-certificate', '--certificate-authority-arn', root, '--csr', 'fileb://sub.csr',
      '--signing-algorithm', 'SHA256WITHECDSA', '--template-arn', T('SubordinateCACertificate_PathLen0'), '--validity', 'Value=1825,Type=DAYS',
      '--query', 'CertificateArn', '--output', 'text')).trim();
    await ok('wait', 'certificate-issued', '--certificate-authority-arn', root, '--certificate-arn', subCert);
    save('sub.pem', await getCert(root, subCert, 'Certificate'));
    save('sub-chain.pem', await getCert(root, subCert, 'CertificateChain'));
    assert.deepEqual(pemsIn(join(wd, 'sub-chain.pem')), pemsIn(join(wd, 'root.pem')));
    await ok('import-certificate-authority-certificate', '--certificate-authority-arn', sub,
      '--certificate', 'fileb://sub.pem', '--certificate-chain', 'fileb://sub-chain.pem');
    assert.equal(await status(sub), 'ACTIVE');
    save('sub-ca-chain.pem', await ok('get-certificate-authority-certificate', '--certificate-authority-arn', sub, '--query', 'CertificateChain', '--output', 'text'));
    assert.deepEqual(pemsIn(join(wd, 'sub-ca-chain.pem')), pemsIn(join(wd, 'root.pem')));

    // Leaf: an openssl CSR, signed by the subordinate with the default template.
    const leafCsr = opensslCsr('/CN=cli-leaf.example.com/O=Example', { addext: ['subjectAltName=DNS:cli-leaf.example.com'] });
    save('leaf.csr', leafCsr.csrPem);
    const leaf = (await ok('issue-certificate', '--certificate-authority-arn', sub, '--csr', 'fileb://leaf.csr',
      '--signing-algorithm', 'SHA256WITHRSA', '--validity', 'Value=365,Type=DAYS', '--query', 'CertificateArn', '--output', 'text')).trim();
    assert.match(leaf, new RegExp(`^${sub}/certificate/[0-9a-f]{32}$`));
    await ok('wait', 'certificate-issued', '--certificate-authority-arn', sub, '--certificate-arn', leaf);
    save('leaf.pem', await getCert(sub, leaf, 'Certificate'));
    save('leaf-chain.pem', await getCert(sub, leaf, 'CertificateChain'));
    assert.deepEqual(pemsIn(join(wd, 'leaf-chain.pem')), [...pemsIn(join(wd, 'sub.pem')), ...pemsIn(join(wd, 'root.pem'))]);
    checkContents(wd, 'cli-leaf.example.com');
    await verifyHierarchy(wd);
  });

  it(`${cli.label}: --csr file://csr.pem (the v2 pitfall) gives a non-zero exit and (MalformedCSRException) naming fileb://`, async (t) => {
    const wd = tempDir('openpca-cli-pitfall-');
    const aws = (...args: string[]) => run(cli.bin, ['--endpoint-url', server.url, 'acm-pca', ...args], { env, cwd: wd });
    // An ACTIVE root CA of its own to issue from (this test runs concurrently with the ceremony).
    const created = await aws('create-certificate-authority', '--certificate-authority-type', 'ROOT', '--certificate-authority-configuration',
      JSON.stringify({ KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'cli Pitfall Root' } }),
      '--query', 'CertificateAuthorityArn', '--output', 'text');
    assert.equal(created.code, 0, created.stderr);
    const ca = created.stdout.trim();
    assert.equal((await aws('wait', 'certificate-authority-csr-created', '--certificate-authority-arn', ca)).code, 0);
    writeFileSync(join(wd, 'ca.csr'), (await aws('get-certificate-authority-csr', '--certificate-authority-arn', ca, '--output', 'text')).stdout);
    const selfArn = (await aws('issue-certificate', '--certificate-authority-arn', ca, '--csr', 'fileb://ca.csr', '--signing-algorithm', 'SHA256WITHECDSA',
      '--template-arn', T('RootCACertificate'), '--validity', 'Value=3650,Type=DAYS', '--query', 'CertificateArn', '--output', 'text')).stdout.trim();
    assert.equal((await aws('wait', 'certificate-issued', '--certificate-authority-arn', ca, '--certificate-arn', selfArn)).code, 0);
    writeFileSync(join(wd, 'ca.pem'), (await aws('get-certificate', '--certificate-authority-arn', ca, '--certificate-arn', selfArn, '--query', 'Certificate', '--output', 'text')).stdout);
    assert.equal((await aws('import-certificate-authority-certificate', '--certificate-authority-arn', ca, '--certificate', 'fileb://ca.pem')).code, 0);

    const { csrFile, garbledFile } = await v2GarbledCsr(wd, env);
    const issue = (csrArg: string) => aws('issue-certificate', '--certificate-authority-arn', ca, '--csr', csrArg,
      '--signing-algorithm', 'SHA256WITHECDSA', '--validity', 'Value=365,Type=DAYS', '--query', 'CertificateArn', '--output', 'text');
    const expectMalformed = (r: RunResult) => {
      assert.notEqual(r.code, 0, `expected a failure, got: ${r.stdout}`);
      assert.match(r.stderr, /\(MalformedCSRException\)/);
      assert.match(r.stderr, /fileb:\/\//, r.stderr);
    };
    if (cli.major >= 2) {
      // aws-cli v2 base64-decodes file:// text for blob parameters and sends the garbage.
      expectMalformed(await issue(`file://${csrFile}`));
    } else {
      // aws-cli v1 base64-encodes file:// text itself, so file:// works there (only v2 has the pitfall) ...
      const v1 = await issue(`file://${csrFile}`);
      assert.equal(v1.code, 0, `aws-cli v1 with file:// should work: ${v1.stderr}`);
      assert.match(v1.stdout.trim(), new RegExp(`^${ca}/certificate/[0-9a-f]{32}$`));
      // ... so send exactly the bytes aws-cli v2 would send for file://csr.pem (base64.b64decode of the PEM text).
      t.diagnostic('aws-cli v1: file:// is accepted; v2\'s garbled bytes are sent with fileb:// instead');
      expectMalformed(await issue(`fileb://${garbledFile}`));
    }
    // The same file with fileb:// is fine.
    const good = await issue(`fileb://${csrFile}`);
    assert.equal(good.code, 0, good.stderr);
  });
  }
});
