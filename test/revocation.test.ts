// Revocation end to end through the AWS SDK v3: RevokeCertificate and its errors, the CRL fetched from the URL in
// the certificate, checked by openssl (signature, fields, reasons, verify -crl_check), and the copy in the bucket.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateCertificateAuthorityAuditReportCommand, CreateCertificateAuthorityCommand, DeleteCertificateAuthorityCommand, DescribeCertificateAuthorityAuditReportCommand, DescribeCertificateAuthorityCommand, GetCertificateCommand, IssueCertificateCommand, RevokeCertificateCommand, UpdateCertificateAuthorityCommand,
  waitUntilAuditReportCreated, waitUntilCertificateAuthorityCSRCreated, type ACMPCAClient, type RevocationConfiguration,
} from '@aws-sdk/client-acm-pca';
import { opensslCsr, opensslText } from './helpers/certs.ts';
import { activeRoot as activeRootCa } from './helpers/pki.ts';
import { sdkClient, sleep, startTestServer, tempDir, type TestServer } from './helpers/server.ts';

let server: TestServer;
let pca: ACMPCAClient;
const enc = new TextEncoder();
const T = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;
const dir = tempDir('openpca-revocation-');
const BUCKET = 'revocation-test-bucket';

before(async () => {
  server = await startTestServer({ env: { OPENPCA_CRL_DEBOUNCE_MS: '300', OPENPCA_BUCKETS_DIR: join(dir, 'buckets'), OPENPCA_CRL_PARTITION_SIZE: '2' } });
  pca = sdkClient(server);
});
after(async () => { pca?.destroy(); await server?.stop(); });

type ServerOptions = Parameters<typeof startTestServer>[0];
interface OwnServer {
  server: TestServer;
  /** Stops the server (returning its exit code, null when killed by the signal) and starts another with `o`. */
  restart(signal: NodeJS.Signals, o: ServerOptions): Promise<number | null>;
}

/**
 * Runs `body` against a server of its own, which this file's helpers (and `pca`) use meanwhile; afterwards the
 * shared server is used again and the own one is killed.
 */
async function withOwnServer(o: ServerOptions, body: (own: OwnServer) => Promise<void>): Promise<void> {
  const saved = pca;
  const own: OwnServer = {
    server: await startTestServer(o),
    async restart(signal, next) {
      pca.destroy();
      const code = await own.server.stop(signal);
      own.server = await startTestServer(next);
      pca = sdkClient(own.server);
      return code;
    },
  };
  pca = sdkClient(own.server);
  try {
    await body(own);
  } finally {
    pca.destroy();
    pca = saved;
    await own.server.stop('SIGKILL');
  }
}

async function rejects(p: Promise<unknown>, name: string, message?: RegExp) {
  await assert.rejects(p, (e: Error) => { assert.equal(e.name, name, e.message); if (message) assert.match(e.message, message); return true; });
}

function activeRoot(cn: string, revocation: RevocationConfiguration | undefined, key: 'EC_prime256v1' | 'RSA_2048' = 'EC_prime256v1'): Promise<{ arn: string; pem: string }> {
  return activeRootCa(pca, { cn, org: 'OpenPCA Revocation', key, ...(revocation ? { revocation } : {}) });
}

async function issueLeaf(caArn: string, cn: string, sig = 'SHA256WITHECDSA', validity = { Type: 'DAYS', Value: 30 }): Promise<{ arn: string; pem: string; serial: string }> {
  const { csrPem } = opensslCsr(`/CN=${cn}`);
  const { CertificateArn } = await pca.send(new IssueCertificateCommand({
    CertificateAuthorityArn: caArn, Csr: enc.encode(csrPem), SigningAlgorithm: sig as never, TemplateArn: T('EndEntityCertificate'), Validity: validity as never,
  }));
  const pem = (await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }))).Certificate!;
  return { arn: CertificateArn!, pem, serial: CertificateArn!.split('/').pop()! };
}

function cdpOf(pem: string): string {
  const m = /X509v3 CRL Distribution Points:\s+Full Name:\s+URI:(\S+)/.exec(opensslText(pem));
  assert.ok(m, 'the certificate has a CRL distribution point');
  return m[1]!;
}

async function fetchCrl(url: string): Promise<{ status: number; der: Buffer; type: string | null }> {
  const r = await fetch(url);
  return { status: r.status, der: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type') };
}

/** Waits until the CRL at `url` exists and satisfies `ok` (the CRL is generated in the background). */
async function waitForCrl(url: string, ok: (text: string) => boolean = () => true, ms = 15_000): Promise<{ der: Buffer; text: string }> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await fetchCrl(url);
    if (r.status === 200) {
      const text = crlText(r.der);
      if (ok(text)) return { der: r.der, text };
    }
    if (Date.now() > end) throw new Error(`no matching CRL at ${url} after ${ms} ms (last status ${r.status})`);
    await sleep(100);
  }
}

function crlText(der: Buffer): string {
  return execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], { input: der, encoding: 'utf8' });
}

function crlNumber(text: string): number {
  return Number(/X509v3 CRL Number:\s+(\d+)/.exec(text)?.[1] ?? NaN);
}

/** openssl verify -crl_check with the CRL; returns openssl's output and whether it said OK. */
function verifyWithCrl(leafPem: string, rootPem: string, crlDer: Buffer, extra: string[] = []): { ok: boolean; out: string } {
  const d = tempDir('openpca-crlcheck-');
  writeFileSync(join(d, 'root.pem'), rootPem);
  writeFileSync(join(d, 'leaf.pem'), leafPem);
  writeFileSync(join(d, 'crl.der'), crlDer);
  execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(d, 'crl.der'), '-out', join(d, 'crl.pem')]);
  const r = spawnSync('openssl', ['verify', '-x509_strict', '-crl_check', '-CRLfile', join(d, 'crl.pem'), '-CAfile', join(d, 'root.pem'), ...extra, join(d, 'leaf.pem')], { encoding: 'utf8' });
  return { ok: r.status === 0 && /: OK\s*$/.test(r.stdout), out: r.stdout + r.stderr };
}

const serialColons = (hex: string) => hex.match(/../g)!.join(':');

describe('RevokeCertificate and the complete CRL (P-256 CA)', () => {
  let root: { arn: string; pem: string };
  let leaves: Array<{ arn: string; pem: string; serial: string }>;
  let url: string;
  let firstNumber: number;

  before(async () => {
    root = await activeRoot('Revocation Root EC', { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 } });
    leaves = [];
    for (let i = 0; i < 4; i++) leaves.push(await issueLeaf(root.arn, `leaf${i}.example.com`));
    url = cdpOf(leaves[0]!.pem);
  });

  test('the certificate points to this server, and the first CRL appears there after the first issuance: signed by the CA, nothing revoked', async () => {
    const id = root.arn.split('/').pop();
    assert.equal(url, `${server.url}/crl/${id}.crl`);
    const { der, text } = await waitForCrl(url);
    const d = tempDir('openpca-crl-');
    writeFileSync(join(d, 'root.pem'), root.pem);
    const v = spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-CAfile', join(d, 'root.pem')], { input: der, encoding: 'utf8' });
    assert.match(v.stdout + v.stderr, /verify OK/);
    assert.match(text, /Version 2 \(0x1\)/);
    assert.match(text, /Issuer: O = OpenPCA Revocation, CN = Revocation Root EC\n/);
    assert.match(text, /No Revoked Certificates/);
    assert.match(text, /X509v3 Authority Key Identifier:/);
    firstNumber = crlNumber(text);
    assert.ok(firstNumber > Date.now() - 60_000 && firstNumber <= Date.now(), `CRL number ${firstNumber} is the generation time in ms`);
    const last = new Date(/Last Update: (.+)/.exec(text)![1]!).getTime();
    const next = new Date(/Next Update: (.+)/.exec(text)![1]!).getTime();
    assert.equal(next - last, 7 * 86_400_000 + 3_600_000, 'nextUpdate − thisUpdate = ExpirationInDays + the hour thisUpdate is backdated');
    assert.ok(Math.abs(last - (firstNumber - 3_600_000)) < 1000, 'thisUpdate = generation time − 1 h');
    for (const l of leaves) assert.ok(verifyWithCrl(l.pem, root.pem, der).ok);
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(der.length));
    assert.equal(head.headers.get('content-type'), 'application/pkix-crl');
    assert.ok(Math.abs(new Date(head.headers.get('last-modified')!).getTime() - Date.now()) < 120_000, 'Last-Modified is when the CRL was written');
  });

  test('revoking: ARN-form serial, then openssl-form (upper case, colons); the next CRL lists both with their reasons, and only them', async () => {
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[0]!.serial, RevocationReason: 'KEY_COMPROMISE' }));
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: serialColons(leaves[1]!.serial).toUpperCase(), RevocationReason: 'UNSPECIFIED' }));
    const { der, text } = await waitForCrl(url, (t) => crlNumber(t) > firstNumber);
    assert.match(text, new RegExp(`Serial Number: ${leaves[0]!.serial.toUpperCase()}\\s+Revocation Date: [^\\n]+\\n\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`));
    assert.match(text, new RegExp(`Serial Number: ${leaves[1]!.serial.toUpperCase()}\\s+Revocation Date: [^\\n]+\\n(?!\\s+CRL entry extensions)`), 'UNSPECIFIED has no reasonCode entry extension');
    assert.equal(text.match(/Serial Number:/g)?.length, 2);
    const v0 = verifyWithCrl(leaves[0]!.pem, root.pem, der);
    assert.equal(v0.ok, false);
    assert.match(v0.out, /error 23 at 0 depth lookup: certificate revoked/);
    assert.equal(verifyWithCrl(leaves[1]!.pem, root.pem, der).ok, false);
    assert.ok(verifyWithCrl(leaves[2]!.pem, root.pem, der).ok, 'a certificate that was not revoked still verifies');
    // The copy in the bucket (the default Publisher: one directory per bucket) is the same CRL.
    const published = readFileSync(join(dir, 'buckets', BUCKET, 'crl', `${root.arn.split('/').pop()}.crl`));
    assert.ok(published.equals(der) || crlNumber(crlText(published)) >= crlNumber(text));
  });

  test('revocations close together share one CRL (coalesced), not one CRL each', async () => {
    const before = crlNumber((await waitForCrl(url)).text);
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[2]!.serial, RevocationReason: 'SUPERSEDED' }));
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[3]!.serial, RevocationReason: 'A_A_COMPROMISE' }));
    const { text } = await waitForCrl(url, (t) => crlNumber(t) > before);
    assert.equal(text.match(/Serial Number:/g)?.length, 4, 'both revocations are in the first CRL generated after them');
    assert.match(text, /Superseded/);
    assert.match(text, /AA Compromise/);
  });

  test('errors: revoking twice, unknown serial, another CA\'s certificate, malformed serials, the CA\'s own root certificate', async () => {
    await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[0]!.serial, RevocationReason: 'SUPERSEDED' })),
      'RequestAlreadyProcessedException', /already revoked .*KEY_COMPROMISE/);
    await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: '0123456789abcdef0123456789abcdef', RevocationReason: 'SUPERSEDED' })),
      'ResourceNotFoundException', /has not issued a certificate with serial/);
    for (const bad of ['xyz', 'ab::cd', '00', `${'1'.repeat(41)}`]) {
      await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: bad, RevocationReason: 'SUPERSEDED' })), 'InvalidRequestException');
    }
    // Another CA's certificate: this CA never issued that serial.
    const other = await activeRoot('Other Root', undefined);
    const foreign = await issueLeaf(other.arn, 'foreign.example.com');
    await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: foreign.serial, RevocationReason: 'SUPERSEDED' })),
      'ResourceNotFoundException', /has not issued a certificate with serial/);
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: other.arn, CertificateSerial: foreign.serial, RevocationReason: 'SUPERSEDED' })); // still revocable by its own CA
    const rootSerial = execFileSync('openssl', ['x509', '-noout', '-serial'], { input: root.pem, encoding: 'utf8' }).trim().split('=')[1]!;
    await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: rootSerial, RevocationReason: 'SUPERSEDED' })),
      'InvalidRequestException', /own self-signed root/);
  });

  test('a DISABLED CA can still revoke, and its CRL keeps being published', async () => {
    const leaf = await issueLeaf(root.arn, 'disabled.example.com');
    const before = crlNumber((await waitForCrl(url)).text);
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn, Status: 'DISABLED' }));
    try {
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaf.serial, RevocationReason: 'CESSATION_OF_OPERATION' }));
      const { text } = await waitForCrl(url, (t) => crlNumber(t) > before);
      assert.match(text, new RegExp(`Serial Number: ${leaf.serial.toUpperCase()}`));
      assert.match(text, /Cessation Of Operation/);
    } finally {
      await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn, Status: 'ACTIVE' }));
    }
  });
});

describe('RevokeCertificate without CRLs, and CA states', () => {
  test('a CA without a revocation configuration revokes (visible later in audit reports) and publishes nothing', async () => {
    const root = await activeRoot('No CRL Root', undefined);
    const leaf = await issueLeaf(root.arn, 'nocrl.example.com');
    assert.doesNotMatch(opensslText(leaf.pem), /CRL Distribution Points/);
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaf.serial, RevocationReason: 'PRIVILEGE_WITHDRAWN' }));
    await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaf.serial, RevocationReason: 'PRIVILEGE_WITHDRAWN' })), 'RequestAlreadyProcessedException');
    const r = await fetchCrl(`${server.url}/crl/${root.arn.split('/').pop()}.crl`);
    assert.equal(r.status, 404);
  });

  test('a CA waiting for its certificate (PENDING_CERTIFICATE) cannot revoke: InvalidStateException', async () => {
    const arn = (await pca.send(new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Pending Root' } },
    }))).CertificateAuthorityArn!;
    await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 60, minDelay: 1 }, { CertificateAuthorityArn: arn });
    await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: arn, CertificateSerial: '0a0b', RevocationReason: 'KEY_COMPROMISE' })),
      'InvalidStateException', /PENDING_CERTIFICATE/);
  });

  test('CRLs of an RSA CA verify too, and enabling CRLs later publishes at once to the new location', async () => {
    const root = await activeRoot('Revocation Root RSA', undefined, 'RSA_2048');
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn, RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, CustomPath: 'pki/crls', ExpirationInDays: 2 } as never } }));
    const leaf = await issueLeaf(root.arn, 'rsa-leaf.example.com', 'SHA256WITHRSA');
    const url2 = cdpOf(leaf.pem);
    assert.equal(url2, `${server.url}/pki/crls/${root.arn.split('/').pop()}.crl`);
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaf.serial, RevocationReason: 'AFFILIATION_CHANGED' }));
    const { der, text } = await waitForCrl(url2, (t) => /Affiliation Changed/.test(t));
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    const v = verifyWithCrl(leaf.pem, root.pem, der);
    assert.match(v.out, /certificate revoked/);
    assert.ok(existsSync(join(dir, 'buckets', BUCKET, 'pki', 'crls', `${root.arn.split('/').pop()}.crl`)));
  });
});

/** openssl ocsp against this server for a certificate; returns openssl's whole output. */
function opensslOcsp(issuerPem: string, leafPem: string | null, url: string, extra: string[] = []): string {
  const d = tempDir('openpca-ocsp-');
  writeFileSync(join(d, 'ca.pem'), issuerPem);
  const args = ['ocsp', '-issuer', join(d, 'ca.pem'), '-url', url, '-CAfile', join(d, 'ca.pem'), '-resp_text', ...extra];
  if (leafPem) { writeFileSync(join(d, 'leaf.pem'), leafPem); args.push('-cert', join(d, 'leaf.pem')); }
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

function aiaOf(pem: string): string {
  const m = /OCSP - URI:(\S+)/.exec(opensslText(pem));
  assert.ok(m, 'the certificate has an OCSP URL in its AIA');
  return m[1]!;
}

describe('OCSP responder', () => {
  let root: { arn: string; pem: string };
  let leaf: { arn: string; pem: string; serial: string };
  let url: string;

  before(async () => {
    root = await activeRoot('OCSP Root', { OcspConfiguration: { Enabled: true } });
    leaf = await issueLeaf(root.arn, 'ocsp-leaf.example.com');
    url = aiaOf(leaf.pem);
  });

  test('the AIA names this server\'s responder; openssl ocsp: good, CA-signed, nonce echoed, key-hash responder id, nextUpdate present', async () => {
    assert.equal(url, `${server.url}/ocsp`);
    const out = opensslOcsp(root.pem, leaf.pem, url);
    assert.match(out, /Response verify OK/);
    assert.match(out, /Cert Status: good/);
    assert.match(out, /Responder Id: [0-9A-F]{40}/);
    assert.match(out, /Next Update: /);
    assert.match(out, /OCSP Nonce:/);
    assert.doesNotMatch(out, /WARNING: no nonce in response/);
  });

  test('revoked at once, also for a response already given without a nonce (reused responses are discarded), with time and reason', async () => {
    assert.match(opensslOcsp(root.pem, leaf.pem, url, ['-no_nonce']), /Cert Status: good/);
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaf.serial, RevocationReason: 'KEY_COMPROMISE' }));
    const out = opensslOcsp(root.pem, leaf.pem, url, ['-no_nonce']);
    assert.match(out, /Response verify OK/);
    assert.match(out, /Cert Status: revoked/);
    assert.match(out, /Revocation Reason: keyCompromise \(0x1\)/);
    assert.match(out, /Revocation Time: /);
  });

  test('GET with the request base64 and percent-encoded in the path (RFC 5019), with caching headers', async () => {
    const d = tempDir('openpca-ocspget-');
    writeFileSync(join(d, 'ca.pem'), root.pem);
    writeFileSync(join(d, 'leaf.pem'), leaf.pem);
    execFileSync('openssl', ['ocsp', '-issuer', join(d, 'ca.pem'), '-cert', join(d, 'leaf.pem'), '-no_nonce', '-reqout', join(d, 'req.der')], { stdio: 'ignore' });
    const b64 = readFileSync(join(d, 'req.der')).toString('base64');
    const r = await fetch(`${url}/${encodeURIComponent(b64)}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/ocsp-response');
    assert.match(r.headers.get('cache-control') ?? '', /^max-age=\d+, public, no-transform, must-revalidate$/);
    assert.ok(r.headers.get('etag') && r.headers.get('last-modified') && r.headers.get('expires'));
    writeFileSync(join(d, 'resp.der'), Buffer.from(await r.arrayBuffer()));
    const out = spawnSync('openssl', ['ocsp', '-respin', join(d, 'resp.der'), '-resp_text', '-CAfile', join(d, 'ca.pem'), '-issuer', join(d, 'ca.pem'), '-cert', join(d, 'leaf.pem'), '-no_nonce'], { encoding: 'utf8' });
    assert.match(out.stdout + out.stderr, /Response verify OK/);
    assert.match(out.stdout, /Cert Status: revoked/);
  });

  test('a serial the CA never issued, a CA with OCSP disabled and garbage: unauthorized / malformedRequest, never "good"', async () => {
    assert.match(opensslOcsp(root.pem, null, url, ['-serial', '0x0123456789']), /Responder Error: unauthorized \(6\)/);
    const other = await activeRoot('No OCSP Root', undefined);
    const otherLeaf = await issueLeaf(other.arn, 'no-ocsp.example.com');
    assert.doesNotMatch(opensslText(otherLeaf.pem), /OCSP - URI/);
    assert.match(opensslOcsp(other.pem, otherLeaf.pem, url), /Responder Error: unauthorized \(6\)/);
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: 'not DER at all' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.deepEqual([...new Uint8Array(await r.arrayBuffer())], [0x30, 0x03, 0x0a, 0x01, 0x01]);
    const put = await fetch(url, { method: 'PUT', body: 'x' });
    assert.equal(put.status, 405);
  });

  test('400 mutated and truncated requests: every answer is an HTTP 200 OCSP response, never a 5xx, and the server keeps answering', async () => {
    const d = tempDir('openpca-ocspfuzz-');
    writeFileSync(join(d, 'ca.pem'), root.pem);
    writeFileSync(join(d, 'leaf.pem'), leaf.pem);
    execFileSync('openssl', ['ocsp', '-issuer', join(d, 'ca.pem'), '-cert', join(d, 'leaf.pem'), '-reqout', join(d, 'req.der')], { stdio: 'ignore' });
    const good = readFileSync(join(d, 'req.der'));
    const statuses = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const m = Buffer.from(good.subarray(0, i % 4 === 0 ? Math.floor(Math.random() * good.length) : good.length));
      for (let k = 0; k < 1 + (i % 3); k++) if (m.length) m[Math.floor(Math.random() * m.length)] = Math.floor(Math.random() * 256);
      const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: m });
      assert.equal(r.status, 200);
      const body = Buffer.from(await r.arrayBuffer());
      assert.equal(body[0], 0x30);
      const key = body.length === 5 ? `error ${body[4]}` : 'successful';
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    assert.ok(!statuses.has('error 2'), `no internalError: ${JSON.stringify([...statuses])}`);
    assert.match(opensslOcsp(root.pem, leaf.pem, url), /Response verify OK/);
  });
});

/** A minimal RFC 4180 parser: quoted fields, doubled quotes, embedded separators and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe('audit reports', () => {
  test('JSON and CSV reports list every issued certificate once, revoked ones with time and reason; the waiter works; one report per interval', async () => {
    const reportsDir = tempDir('openpca-audit-');
    await withOwnServer({ env: { OPENPCA_BUCKETS_DIR: reportsDir, OPENPCA_AUDIT_REPORT_INTERVAL_MS: '0' } }, async () => {
      const root = await activeRoot('Audit Root', undefined);
      const leaves = [];
      for (const cn of ['a.example.com', 'b.example.com', 'c.example.com']) leaves.push(await issueLeaf(root.arn, cn));
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[1]!.serial, RevocationReason: 'SUPERSEDED' }));
      const json = await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' }));
      const caId = root.arn.split('/').pop();
      assert.match(json.AuditReportId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(json.S3Key, `audit-report/${caId}/${json.AuditReportId}.json`);
      await waitUntilAuditReportCreated({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: root.arn, AuditReportId: json.AuditReportId });
      const d = await pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, AuditReportId: json.AuditReportId }));
      assert.equal(d.AuditReportStatus, 'SUCCESS');
      assert.equal(d.S3BucketName, 'audit-bucket');
      assert.ok(d.CreatedAt instanceof Date && Math.abs(d.CreatedAt.getTime() - Date.now()) < 60_000);
      const records = JSON.parse(readFileSync(join(reportsDir, 'audit-bucket', ...json.S3Key!.split('/')), 'utf8')) as Array<Record<string, string>>;
      // the root's own self-issued certificate and the three leaves, in issue order
      assert.equal(records.length, 4);
      for (const [i, l] of leaves.entries()) {
        const r = records[i + 1]!;
        assert.deepEqual(Object.keys(r), ['awsAccountId', 'certificateArn', 'serial', 'subject', 'notBefore', 'notAfter', 'issuedAt', ...(i === 1 ? ['revokedAt', 'revocationReason'] : []), 'templateArn']);
        assert.equal(r.certificateArn, l.arn);
        assert.equal(r.serial, serialColons(l.serial));
        assert.equal(r.subject, `CN=${['a', 'b', 'c'][i]}.example.com`);
        assert.equal(r.awsAccountId, '123456789012');
        assert.equal(r.templateArn, T('EndEntityCertificate'));
        assert.match(r.notAfter!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      }
      assert.equal(records[2]!.revocationReason, 'SUPERSEDED');
      assert.equal(records[0]!.templateArn, T('RootCACertificate'));

      const csv = await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'CSV' }));
      await waitUntilAuditReportCreated({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: root.arn, AuditReportId: csv.AuditReportId });
      const rows = parseCsv(readFileSync(join(reportsDir, 'audit-bucket', ...csv.S3Key!.split('/')), 'utf8'));
      assert.deepEqual(rows[0], ['awsAccountId', 'requestedByServicePrincipal', 'certificateArn', 'serial', 'subject', 'notBefore', 'notAfter', 'issuedAt', 'revokedAt', 'revocationReason', 'templateArn']);
      assert.equal(rows.length, 5);
      assert.ok(rows.every((r) => r.length === 11));
      assert.equal(rows[3]![9], 'SUPERSEDED');
      assert.equal(rows[2]![8], '');

      await rejects(pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, AuditReportId: '00000000-0000-4000-8000-000000000000' })), 'ResourceNotFoundException');
      await rejects(pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, S3BucketName: 'Bad_Bucket', AuditReportResponseFormat: 'CSV' })), 'InvalidArgsException');
    });
  });

  test('a second report inside the interval: RequestInProgressException', async () => {
    const root = await activeRoot('Audit Rate Root', undefined);
    const { CreateCertificateAuthorityAuditReportCommand } = await import('@aws-sdk/client-acm-pca');
    await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' }));
    await rejects(pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: root.arn, S3BucketName: 'audit-bucket', AuditReportResponseFormat: 'JSON' })),
      'RequestInProgressException', /one report per CA is allowed every 30 minutes|still being written/);
  });
});

describe('PARTITIONED CRLs', () => {
  test('certificates are spread over partitions (2 per partition here); each CDP names its partition\'s CRL, which carries a critical IDP with that URI and lists only its own revocations', async () => {
    const root = await activeRoot('Partitioned Root', { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, CrlType: 'PARTITIONED', ExpirationInDays: 3 } as never });
    const leaves = [];
    for (let i = 0; i < 3; i++) leaves.push(await issueLeaf(root.arn, `part${i}.example.com`));
    const urls = leaves.map((l) => cdpOf(l.pem));
    const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
    for (const u of urls) assert.match(u, new RegExp(`^${server.url}/crl/${uuid}\\.crl$`));
    assert.equal(urls[0], urls[1], 'the first two share a partition');
    assert.notEqual(urls[1], urls[2], 'the third opens the next partition');
    assert.ok(!urls.includes(`${server.url}/crl/${root.arn.split('/').pop()}.crl`), 'no certificate points to a complete CRL');
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[0]!.serial, RevocationReason: 'KEY_COMPROMISE' }));
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[2]!.serial, RevocationReason: 'SUPERSEDED' }));
    const a = await waitForCrl(urls[0]!, (t) => /Key Compromise/.test(t));
    const b = await waitForCrl(urls[2]!, (t) => /Superseded/.test(t));
    assert.match(a.text, new RegExp(`X509v3 Issuing Distribution Point: critical\\s+Full Name:\\s+URI:${urls[0]!.replace(/\./g, '\\.')}`));
    assert.equal(a.text.match(/Serial Number:/g)?.length, 1);
    assert.equal(b.text.match(/Serial Number:/g)?.length, 1);
    assert.match(verifyWithCrl(leaves[0]!.pem, root.pem, a.der).out, /certificate revoked/);
    assert.ok(verifyWithCrl(leaves[1]!.pem, root.pem, a.der).ok, 'same partition, not revoked: OK');
    assert.match(verifyWithCrl(leaves[2]!.pem, root.pem, b.der).out, /certificate revoked/);
    // A certificate checked against another partition's CRL: openssl sees the IDP does not match its CDP.
    const wrong = verifyWithCrl(leaves[2]!.pem, root.pem, a.der);
    assert.equal(wrong.ok, false);
    assert.match(wrong.out, /different CRL scope|unable to get certificate CRL/);
  });
});

describe('durability', () => {
  test('a revocation acknowledged just before SIGKILL is kept, OCSP says revoked after the restart, and the CRL it scheduled is published', async () => {
    const dataDir = tempDir('openpca-revoke-kill-');
    const buckets = tempDir('openpca-revoke-kill-buckets-');
    const env = { OPENPCA_CRL_DEBOUNCE_MS: '1500', OPENPCA_BUCKETS_DIR: buckets };
    await withOwnServer({ dataDir, env }, async (own) => {
      const root = await activeRoot('Kill Root', { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 1 }, OcspConfiguration: { Enabled: true } });
      const leaf = await issueLeaf(root.arn, 'kill.example.com');
      const url = cdpOf(leaf.pem);
      const first = crlNumber((await waitForCrl(url)).text);
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaf.serial, RevocationReason: 'KEY_COMPROMISE' }));
      assert.equal(await own.restart('SIGKILL', { dataDir, env, port: Number(new URL(url).port) }), null, 'killed before the CRL it scheduled (1.5 s later) was made');
      assert.match(opensslOcsp(root.pem, leaf.pem, aiaOf(leaf.pem)), /Cert Status: revoked/);
      const { text } = await waitForCrl(url, (t) => crlNumber(t) > first);
      assert.match(text, new RegExp(`Serial Number: ${leaf.serial.toUpperCase()}`));
      await rejects(pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaf.serial, RevocationReason: 'SUPERSEDED' })), 'RequestAlreadyProcessedException');
    });
  });
});

describe('custom names', () => {
  test('CustomCname, CustomPath and OcspCustomCname go into the certificate; a name pointing at this server finds the CRL and the responder at its root', async () => {
    const root = await activeRoot('Cname Root', {
      CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, CustomCname: 'crl.pki.example', CustomPath: 'a/b' } as never,
      OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.pki.example' },
    });
    const leaf = await issueLeaf(root.arn, 'cname.example.com');
    const id = root.arn.split('/').pop();
    assert.equal(cdpOf(leaf.pem), `http://crl.pki.example/a/b/${id}.crl`);
    assert.equal(aiaOf(leaf.pem), 'http://ocsp.pki.example');
    // As if crl.pki.example and ocsp.pki.example were DNS names of this server: the same paths on its own address.
    const { der } = await waitForCrl(`${server.url}/a/b/${id}.crl`);
    assert.ok(verifyWithCrl(leaf.pem, root.pem, der).ok);
    assert.ok(existsSync(join(dir, 'buckets', BUCKET, 'a', 'b', `${id}.crl`)), 'the bucket copy under CustomPath');
    const out = opensslOcsp(root.pem, leaf.pem, `${server.url}/`); // openssl POSTs to the URL's path, here '/'
    assert.match(out, /Response verify OK/);
    assert.match(out, /Cert Status: good/);
  });
});

describe('dedicated OCSP port (listener threads)', () => {
  test('AIA names the OCSP port; several listener threads answer; a revocation reaches every thread\'s reused responses before it is acknowledged', async () => {
    const dataDir = tempDir('openpca-ocsp-port-');
    await withOwnServer({ dataDir, env: { OPENPCA_OCSP_PORT: '0', OPENPCA_OCSP_WORKERS: '3' } }, async (own) => {
      const s = own.server;
      const listening = JSON.parse(s.logs.find((l) => l.includes('"msg":"listening"'))!) as { ocsp?: { port: number; listeners: number } };
      assert.equal(listening.ocsp?.listeners, 3);
      const root = await activeRoot('OCSP Port Root', { OcspConfiguration: { Enabled: true } });
      const leaves = [await issueLeaf(root.arn, 'port1.example.com'), await issueLeaf(root.arn, 'port2.example.com')];
      const url = aiaOf(leaves[0]!.pem);
      assert.equal(url, `http://127.0.0.1:${listening.ocsp!.port}/ocsp`);
      assert.notEqual(listening.ocsp!.port, s.port);
      const first = opensslOcsp(root.pem, leaves[0]!.pem, url);
      assert.match(first, /Response verify OK/);
      assert.match(first, /Cert Status: good/);
      assert.match(first, /OCSP Nonce:/);
      // Each openssl run is a new connection, which the kernel hands to any of the three threads: after a dozen,
      // every thread has (almost surely) cached a nonce-less "good" for this certificate.
      for (let i = 0; i < 12; i++) assert.match(opensslOcsp(root.pem, leaves[0]!.pem, url, ['-no_nonce']), /Cert Status: good/);
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: leaves[0]!.serial, RevocationReason: 'CESSATION_OF_OPERATION' }));
      for (let i = 0; i < 12; i++) {
        const out = opensslOcsp(root.pem, leaves[0]!.pem, url, ['-no_nonce']);
        assert.match(out, /Cert Status: revoked/, `request ${i} after the revocation`);
        assert.match(out, /Revocation Reason: cessationOfOperation \(0x5\)/);
      }
      assert.match(opensslOcsp(root.pem, leaves[1]!.pem, url), /Cert Status: good/);
      // The API port keeps answering OCSP too; the OCSP port answers nothing else.
      assert.match(opensslOcsp(root.pem, leaves[0]!.pem, `${s.url}/ocsp`), /Cert Status: revoked/);
      const base = `http://127.0.0.1:${listening.ocsp!.port}`;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/crl/${root.arn.split('/').pop()}.crl`)).status, 404);
      const garbage = await fetch(`${base}/anything`, { method: 'POST', body: 'not DER' });
      assert.deepEqual([...new Uint8Array(await garbage.arrayBuffer())], [0x30, 0x03, 0x0a, 0x01, 0x01], 'malformedRequest');
      // A CA change made through the API (OCSP disabled) is seen by the threads' own connections at once.
      await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn, RevocationConfiguration: { OcspConfiguration: { Enabled: false } } }));
      assert.match(opensslOcsp(root.pem, leaves[1]!.pem, url), /Responder Error: unauthorized \(6\)/);
      await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn, RevocationConfiguration: { OcspConfiguration: { Enabled: true } } }));

      // After a restart the same port comes back (configured explicitly now), and the revocation stands.
      await own.restart('SIGTERM', { dataDir, env: { OPENPCA_OCSP_PORT: String(listening.ocsp!.port), OPENPCA_OCSP_WORKERS: '2' } });
      assert.match(opensslOcsp(root.pem, leaves[0]!.pem, url, ['-no_nonce']), /Cert Status: revoked/);
      assert.match(opensslOcsp(root.pem, leaves[1]!.pem, url), /Cert Status: good/);
    });
  });
});

describe('purge', () => {
  test('a purged CA\'s served CRLs are removed; files a crash left behind go at the next start, live ones stay', async () => {
    const dataDir = tempDir('openpca-purge-crl-');
    const env = { OPENPCA_CRL_DEBOUNCE_MS: '200', OPENPCA_BUCKETS_DIR: tempDir('openpca-purge-crl-buckets-'), OPENPCA_CRL_PARTITION_SIZE: '1' };
    await withOwnServer({ dataDir, env }, async (own) => {
      const gone = await activeRoot('Purged Root', { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, CrlType: 'PARTITIONED' } as never });
      const kept = await activeRoot('Kept Root', { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET } });
      const urls = [cdpOf((await issueLeaf(gone.arn, 'p1.example.com')).pem), cdpOf((await issueLeaf(gone.arn, 'p2.example.com')).pem)];
      assert.notEqual(urls[0], urls[1], 'two partitions, two CRLs');
      const keptUrl = cdpOf((await issueLeaf(kept.arn, 'k.example.com')).pem);
      for (const u of [...urls, keptUrl]) await waitForCrl(u);
      const servedDir = join(dataDir, 'served', 'crl');
      const file = (u: string) => join(servedDir, u.split('/').pop()!);
      assert.ok(urls.every((u) => existsSync(file(u))));

      await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: gone.arn, Status: 'DISABLED' }));
      await pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: gone.arn, PermanentDeletionTimeInDays: 7 }));
      assert.equal((await fetchCrl(urls[0]!)).status, 200, 'a DELETED CA, still restorable, keeps its CRLs');
      const db = new DatabaseSync(join(dataDir, 'openpca.sqlite'));
      db.prepare('UPDATE certificate_authorities SET restorable_until = ? WHERE arn = ?').run(Date.now() - 1, gone.arn);
      db.close();
      await rejects(pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: gone.arn })), 'ResourceNotFoundException');
      for (let i = 0; i < 50 && urls.some((u) => existsSync(file(u))); i++) await sleep(100);
      for (const u of urls) {
        assert.equal(existsSync(file(u)), false, 'the purged CA\'s partition CRL file is gone');
        assert.equal((await fetchCrl(u)).status, 404);
      }

      // What a crash between a purge and its sweep, or in the middle of a write, leaves behind.
      const stray = join(servedDir, `${randomUUID()}.crl`);
      const oldTmp = join(servedDir, `${randomUUID()}.crl.0a1b2c3d4e5f.tmp`);
      const newTmp = join(servedDir, `${randomUUID()}.crl.0a1b2c3d4e60.tmp`);
      for (const f of [stray, oldTmp, newTmp]) writeFileSync(f, 'x');
      utimesSync(oldTmp, new Date(Date.now() - 2 * 3_600_000), new Date(Date.now() - 2 * 3_600_000));
      await own.restart('SIGTERM', { dataDir, env, port: Number(new URL(keptUrl).port) });
      for (let i = 0; i < 50 && (existsSync(stray) || existsSync(oldTmp)); i++) await sleep(100);
      assert.equal(existsSync(stray), false, 'a CRL named by no CA or partition is removed at start');
      assert.equal(existsSync(oldTmp), false, 'an hour-old temporary file is removed');
      assert.equal(existsSync(newTmp), true, 'a recent temporary file may be a write in flight: kept');
      assert.equal((await fetchCrl(keptUrl)).status, 200, 'a live CA\'s CRL is still served');
    });
  });
});

describe('OCSP request size', () => {
  test('an OCSP POST over 64 KiB gets 413 (a drained one keeps its connection usable), never a 5xx', async () => {
    const r = await fetch(`${server.url}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: new Uint8Array(70 * 1024) });
    assert.equal(r.status, 413);
    assert.match(await r.text(), /limited to 65536 bytes/);
    const again = await fetch(`${server.url}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: 'x' });
    assert.equal(again.status, 200);
  });
});
