// Durability tests: acknowledged CAs and certificates survive SIGKILL and resume, SIGTERM stops cleanly, creation times out to FAILED.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateCertificateAuthorityCommand, DeleteCertificateAuthorityCommand, DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand, GetCertificateCommand, ImportCertificateAuthorityCertificateCommand, IssueCertificateCommand,
  ListCertificateAuthoritiesCommand, ListTagsCommand,
  type ACMPCAClient, type CertificateAuthority, type KeyAlgorithm as SdkKeyAlgorithm, type SigningAlgorithm as SdkSigningAlgorithm, type Tag,
} from '@aws-sdk/client-acm-pca';
import type { KeyAlgorithm, SigningAlgorithm } from '../src/x509/algorithms.ts';
import { opensslCsr } from './helpers/certs.ts';
import { opensslCsrSubject } from './helpers/pki.ts';
import { freePort, rawRequest, sdkClient, sleep, startTestServer, tempDir, type TestServer } from './helpers/server.ts';
import { Agent } from 'node:http';
import { DatabaseSync } from 'node:sqlite';

interface CaSpec { key: KeyAlgorithm; sig: SigningAlgorithm; tags?: Tag[]; token?: string }

function createInput(spec: CaSpec, cn: string) {
  return {
    CertificateAuthorityType: 'ROOT' as const,
    CertificateAuthorityConfiguration: {
      // The pinned SDK's enums predate RSA_3072, EC_secp521r1 and ML-DSA; the server accepts them.
      KeyAlgorithm: spec.key as SdkKeyAlgorithm, SigningAlgorithm: spec.sig as SdkSigningAlgorithm,
      Subject: { CommonName: cn, Organization: 'Durability Test', Country: 'DE' },
    },
    ...(spec.tags ? { Tags: spec.tags } : {}),
    ...(spec.token ? { IdempotencyToken: spec.token } : {}),
  };
}

async function create(client: ACMPCAClient, spec: CaSpec, cn: string): Promise<string> {
  const out = await client.send(new CreateCertificateAuthorityCommand(createInput(spec, cn)));
  assert.ok(out.CertificateAuthorityArn);
  return out.CertificateAuthorityArn;
}

async function describeCa(client: ACMPCAClient, arn: string): Promise<CertificateAuthority> {
  const out = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
  assert.ok(out.CertificateAuthority);
  return out.CertificateAuthority;
}

/** Polls DescribeCertificateAuthority until the CA has `status` (or fails after `timeoutMs`). */
async function waitForStatus(client: ACMPCAClient, arn: string, status: string, timeoutMs = 30_000): Promise<CertificateAuthority> {
  const deadline = Date.now() + timeoutMs;
  let ca = await describeCa(client, arn);
  while (ca.Status !== status) {
    if (Date.now() > deadline) assert.fail(`${arn} is still ${ca.Status} after ${timeoutMs} ms (wanted ${status})`);
    await sleep(100);
    ca = await describeCa(client, arn);
  }
  return ca;
}


async function listAll(client: ACMPCAClient): Promise<string[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListCertificateAuthoritiesCommand({ MaxResults: 2, ...(NextToken ? { NextToken } : {}) }));
    arns.push(...(page.CertificateAuthorities ?? []).map((c) => c.Arn!));
    NextToken = page.NextToken;
  } while (NextToken);
  return arns;
}

async function errorName(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as Error).name; }
  return 'no error';
}

const enc = new TextEncoder();

/** Polls GetCertificate until the certificate is signed (RequestInProgressException meanwhile); returns its PEM and chain. */
async function waitForCertificate(client: ACMPCAClient, caArn: string, certArn: string, timeoutMs = 30_000): Promise<{ cert: string; chain: string | undefined }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const out = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: certArn }));
      assert.ok(out.Certificate);
      return { cert: out.Certificate, chain: out.CertificateChain };
    } catch (e) {
      if ((e as Error).name !== 'RequestInProgressException') throw e;
      if (Date.now() > deadline) assert.fail(`${certArn} is still being issued after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

/** An ACTIVE ROOT CA (EC P-256): created, its own CSR self-issued with RootCACertificate/V1, the certificate imported. */
async function activeRoot(client: ACMPCAClient, cn: string): Promise<{ arn: string; pem: string }> {
  const arn = await create(client, { key: 'EC_prime256v1', sig: 'SHA256WITHECDSA' }, cn);
  await waitForStatus(client, arn, 'PENDING_CERTIFICATE');
  const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
  const { CertificateArn } = await client.send(new IssueCertificateCommand({
    CertificateAuthorityArn: arn, Csr: enc.encode(Csr!), SigningAlgorithm: 'SHA256WITHECDSA',
    TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 10 },
  }));
  const { cert } = await waitForCertificate(client, arn, CertificateArn!);
  await client.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: arn, Certificate: enc.encode(cert) }));
  assert.equal((await describeCa(client, arn)).Status, 'ACTIVE');
  return { arn, pem: cert };
}

/** IssueCertificate with the default (end-entity) template; resolves with the acknowledged CertificateArn. */
async function issueLeaf(client: ACMPCAClient, caArn: string, csrPem: string): Promise<string> {
  const { CertificateArn } = await client.send(new IssueCertificateCommand({
    CertificateAuthorityArn: caArn, Csr: enc.encode(csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 },
  }));
  assert.match(CertificateArn!, new RegExp(`^${caArn}/certificate/[0-9a-f]{32}$`));
  return CertificateArn!;
}

/** `openssl verify -x509_strict -CAfile root.pem c0.pem c1.pem …` in one run: every certificate must be OK. */
function opensslVerifyAll(rootPem: string, pems: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'openpca-verify-'));
  try {
    writeFileSync(join(dir, 'root.pem'), rootPem);
    const files = pems.map((pem, i) => { writeFileSync(join(dir, `c${i}.pem`), pem); return `c${i}.pem`; });
    const r = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', 'root.pem', ...files], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `openssl verify failed:\n${r.stdout}${r.stderr}`);
    assert.deepEqual(r.stdout.trim().split('\n'), files.map((f) => `${f}: OK`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The serial in a certificate ARN and in the certificate itself, as hex without leading zeros. */
const arnSerial = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1).replace(/^0+/, '');
const certSerial = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');
const spkiHex = (key: Parameters<typeof createPublicKey>[0]) => createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('hex');

describe('durability across restarts', () => {
  it('CAs acknowledged while CREATING survive SIGKILL and finish after restart (keys, tags, idempotency)', async () => {
    const dataDir = tempDir('openpca-restart-');
    const token = randomUUID().replace(/-/g, '');
    const specs: CaSpec[] = [
      { key: 'RSA_2048', sig: 'SHA256WITHRSA' },
      { key: 'RSA_3072', sig: 'SHA384WITHRSA_PSS', tags: [{ Key: 'team', Value: 'pki' }, { Key: 'env', Value: 'test' }, { Key: 'empty' }] },
      { key: 'EC_prime256v1', sig: 'SHA256WITHECDSA', token },
      { key: 'EC_secp384r1', sig: 'SHA384WITHECDSA' },
      { key: 'EC_secp521r1', sig: 'SHA512WITHECDSA' },
    ];
    let server: TestServer | undefined = await startTestServer({ dataDir, env: { OPENPCA_CREATION_DELAY_MS: '3000' } });
    try {
      let client = sdkClient(server);
      const arns = await Promise.all(specs.map((s, i) => create(client, s, `kill-${i}`)));
      assert.equal(new Set(arns).size, specs.length);
      for (const arn of arns) assert.equal((await describeCa(client, arn)).Status, 'CREATING');
      client.destroy();
      assert.equal(await server.stop('SIGKILL'), null, 'killed by the signal');

      server = await startTestServer({ dataDir, env: { OPENPCA_CREATION_DELAY_MS: '0' } });
      assert.ok(server.logs.some((l) => l.includes('resuming CA creation')), 'the restart reports resumed creations');
      client = sdkClient(server);
      for (const [i, arn] of arns.entries()) {
        const spec = specs[i]!;
        const ca = await waitForStatus(client, arn, 'PENDING_CERTIFICATE');
        assert.equal(ca.CertificateAuthorityConfiguration?.KeyAlgorithm, spec.key);
        assert.equal(ca.CertificateAuthorityConfiguration?.SigningAlgorithm, spec.sig);
        const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
        assert.ok(Csr);
        assert.equal(opensslCsrSubject(Csr), `CN=kill-${i},O=Durability Test,C=DE`);
        const tags = await client.send(new ListTagsCommand({ CertificateAuthorityArn: arn }));
        assert.deepEqual(tags.Tags ?? [], spec.tags ?? []);
      }
      // The idempotency token recorded before the crash still maps to the same CA.
      const again = await create(client, specs[2]!, 'kill-2');
      assert.equal(again, arns[2]);
      const listed = await listAll(client);
      assert.deepEqual([...listed].sort(), [...arns].sort());
      client.destroy();
    } finally {
      await server?.stop('SIGKILL');
    }
  });

  it('repeated SIGKILL at random moments loses no acknowledged CA and creates no duplicates', async (t) => {
    const dataDir = tempDir('openpca-killloop-');
    const acked: string[] = [];
    const algs: CaSpec[] = [
      { key: 'EC_prime256v1', sig: 'SHA256WITHECDSA' },
      { key: 'ML_DSA_44', sig: 'ML_DSA_44' },
      { key: 'RSA_4096', sig: 'SHA512WITHRSA' }, // slow key generation: the kill often lands in the middle of it
    ];
    let resumedRestarts = 0;
    for (let iteration = 0; iteration <= 3; iteration++) {
      const server = await startTestServer({ dataDir });
      const client = sdkClient(server);
      if (server.logs.some((l) => l.includes('resuming CA creation'))) resumedRestarts++;
      try {
        // Everything acknowledged before earlier kills is there and completes.
        for (const arn of acked) await waitForStatus(client, arn, 'PENDING_CERTIFICATE');
        const listed = await listAll(client);
        assert.equal(new Set(listed).size, listed.length, `duplicates in ListCertificateAuthorities: ${listed.join(', ')}`);
        assert.deepEqual([...listed].sort(), [...acked].sort());
        if (iteration === 3) break;
        for (const [i, spec] of algs.entries()) acked.push(await create(client, spec, `loop-${iteration}-${i}`));
        await sleep(Math.floor(Math.random() * 300));
      } finally {
        client.destroy();
        await server.stop('SIGKILL');
      }
    }
    assert.equal(acked.length, 9);
    t.diagnostic(`restarts that resumed an interrupted creation: ${resumedRestarts} of 3`);
  });

  it('SIGTERM shuts down gracefully: exit code 0 and a "stopped" log record', async () => {
    const server = await startTestServer();
    const client = sdkClient(server);
    const arn = await create(client, { key: 'EC_prime256v1', sig: 'SHA256WITHECDSA' }, 'graceful');
    await waitForStatus(client, arn, 'PENDING_CERTIFICATE');
    client.destroy();
    assert.equal(await server.stop('SIGTERM'), 0);
    const records = server.logs.map((l) => JSON.parse(l) as { msg: string; signal?: string });
    assert.ok(records.some((r) => r.msg === 'shutting down' && r.signal === 'SIGTERM'));
    assert.equal(records.at(-1)?.msg, 'stopped');
  });

  it('SIGTERM while a CA is CREATING: exit code 0, and the CA completes after the restart', async (t) => {
    const dataDir = tempDir('openpca-sigterm-');
    let server = await startTestServer({ dataDir, env: { OPENPCA_CREATION_DELAY_MS: '1500' } });
    let client = sdkClient(server);
    const arn = await create(client, { key: 'EC_prime256v1', sig: 'SHA256WITHECDSA' }, 'graceful-creating');
    client.destroy();
    const t0 = Date.now();
    assert.equal(await server.stop('SIGTERM'), 0);
    t.diagnostic(`shutdown with one CA in CREATING (delay 1500 ms) took ${Date.now() - t0} ms`);
    assert.equal((JSON.parse(server.logs.at(-1)!) as { msg: string }).msg, 'stopped');
    server = await startTestServer({ dataDir });
    client = sdkClient(server);
    try {
      await waitForStatus(client, arn, 'PENDING_CERTIFICATE');
      const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
      assert.equal(opensslCsrSubject(Csr!), 'CN=graceful-creating,O=Durability Test,C=DE');
    } finally {
      client.destroy();
      await server.stop('SIGTERM');
    }
  });

  it('creation that exceeds OPENPCA_CREATION_TIMEOUT_MS ends FAILED/REQUEST_TIMED_OUT; delete purges it at once', async () => {
    const server = await startTestServer({ env: { OPENPCA_CREATION_DELAY_MS: '2500', OPENPCA_CREATION_TIMEOUT_MS: '1000' } });
    const client = sdkClient(server);
    try {
      const arn = await create(client, { key: 'EC_prime256v1', sig: 'SHA256WITHECDSA' }, 'timeout');
      const ca = await waitForStatus(client, arn, 'FAILED', 15_000);
      assert.equal(ca.FailureReason, 'REQUEST_TIMED_OUT');
      assert.equal(await errorName(client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))), 'RequestFailedException');
      await client.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
      assert.equal(await errorName(describeCa(client, arn)), 'ResourceNotFoundException');
      assert.equal(await errorName(client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))), 'ResourceNotFoundException');
      assert.ok(!(await listAll(client)).includes(arn), 'a purged CA is not listed');
    } finally {
      client.destroy();
      await server.stop('SIGTERM');
    }
  });
});

describe('issuance durability across restarts', () => {
  it('certificates acknowledged while PENDING survive SIGKILL and are signed after the restart', async (t) => {
    const dataDir = tempDir('openpca-issue-restart-');
    // The root needs its self-issued certificate to be signed before the import: do that without a delay, stop gracefully.
    let server: TestServer | undefined = await startTestServer({ dataDir });
    let client = sdkClient(server);
    const root = await activeRoot(client, 'issuance-restart-root');
    client.destroy();
    assert.equal(await server.stop('SIGTERM'), 0);

    const N = 50;
    const leaves = Array.from({ length: N }, (_, i) => opensslCsr(`/CN=pending-${i}.example.com/O=Durability Test`));
    server = await startTestServer({ dataDir, env: { OPENPCA_ISSUANCE_DELAY_MS: '3000' } });
    try {
      client = sdkClient(server);
      assert.equal((await describeCa(client, root.arn)).Status, 'ACTIVE', 'the root is still ACTIVE after a graceful restart');
      const t0 = Date.now();
      const arns = await Promise.all(leaves.map((l) => issueLeaf(client, root.arn, l.csrPem)));
      const acked = Date.now() - t0;
      assert.equal(new Set(arns).size, N, 'every acknowledged ARN is distinct');
      // All of them are still PENDING: GetCertificate answers RequestInProgressException for each.
      const early = await Promise.all(arns.map((arn) => errorName(client.send(new GetCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateArn: arn })))));
      assert.deepEqual(new Set(early), new Set(['RequestInProgressException']));
      client.destroy();
      const killedAt = Date.now() - t0;
      assert.equal(await server.stop('SIGKILL'), null, 'killed by the signal');
      // The delay (3000 ms) starts only after each commit, so nothing was signed before the kill.
      assert.ok(killedAt < 3000, `the kill came ${killedAt} ms after the first IssueCertificate; some may have been signed`);
      t.diagnostic(`${N} issuances acknowledged in ${acked} ms; SIGKILL ${killedAt} ms after the first request`);

      server = await startTestServer({ dataDir });
      const resumed = server.logs.map((l) => JSON.parse(l) as { msg: string; count?: number }).find((r) => r.msg === 'signing certificates accepted before a restart');
      assert.equal(resumed?.count, N, 'the restart reports every pending certificate');
      client = sdkClient(server);
      const t1 = Date.now();
      const got = await Promise.all(arns.map((arn) => waitForCertificate(client, root.arn, arn)));
      t.diagnostic(`all ${N} signed ${Date.now() - t1} ms after the restart`);
      for (const [i, g] of got.entries()) {
        assert.equal(g.chain, root.pem, 'the chain is the root certificate');
        assert.equal(certSerial(g.cert), arnSerial(arns[i]!), 'the certificate carries the serial of its ARN');
        assert.equal(spkiHex(g.cert), spkiHex(leaves[i]!.keyPem), 'the certificate is for the CSR it was requested with');
        assert.match(new X509Certificate(g.cert).subject, new RegExp(`^CN=pending-${i}\\.example\\.com$`, 'm'));
      }
      assert.equal(new Set(got.map((g) => certSerial(g.cert))).size, N, 'serials are unique');
      opensslVerifyAll(root.pem, got.map((g) => g.cert));
      // And the CA keeps issuing normally.
      const after = await issueLeaf(client, root.arn, leaves[0]!.csrPem);
      opensslVerifyAll(root.pem, [(await waitForCertificate(client, root.arn, after)).cert]);
      client.destroy();
    } finally {
      await server?.stop('SIGKILL');
    }
  });

  it('SIGKILL at a random moment during a burst of 200 issuances loses no acknowledged certificate', async (t) => {
    const dataDir = tempDir('openpca-issue-burst-');
    const BURST = 200;
    const ROUNDS = 3;
    const csrs = Array.from({ length: 20 }, (_, i) => opensslCsr(`/CN=burst-${i}.example.com`).csrPem);
    const acked: string[] = [];
    let root: { arn: string; pem: string } | undefined;
    for (let round = 0; round <= ROUNDS; round++) {
      const server = await startTestServer({ dataDir });
      const client = sdkClient(server);
      const resumed = server.logs.map((l) => JSON.parse(l) as { msg: string; count?: number }).find((r) => r.msg === 'signing certificates accepted before a restart');
      if (round > 0) t.diagnostic(`restart ${round}: ${resumed?.count ?? 0} accepted but unsigned certificates resumed`);
      try {
        root ??= await activeRoot(client, 'issuance-burst-root');
        // Every certificate acknowledged before earlier kills is retrievable and verifies.
        const got = await Promise.all(acked.map((arn) => waitForCertificate(client, root!.arn, arn)));
        for (const [i, g] of got.entries()) assert.equal(certSerial(g.cert), arnSerial(acked[i]!));
        assert.equal(new Set(acked).size, acked.length, 'no ARN was acknowledged twice');
        if (got.length) opensslVerifyAll(root.pem, got.map((g) => g.cert));
        if (round === ROUNDS) break;

        // A burst takes a few hundred ms and its first acknowledgements come only after the first group commit
        // (~100 ms in), so the random 0–200 ms is counted from the first acknowledgement: the kill lands while
        // requests are being accepted, committed and answered.
        const killAfter = Math.floor(Math.random() * 201);
        const before = acked.length;
        let failed = 0;
        let firstAck = () => {};
        const firstAcked = new Promise<void>((resolve) => { firstAck = resolve; });
        const t0 = Date.now();
        const sends = Array.from({ length: BURST }, (_, i) => issueLeaf(client, root!.arn, csrs[i % csrs.length]!)
          .then((arn) => { acked.push(arn); firstAck(); }, () => { failed++; }));
        await Promise.race([firstAcked, Promise.all(sends)]);
        const ackAt = Date.now() - t0;
        await sleep(killAfter);
        assert.equal(await server.stop('SIGKILL'), null);
        await Promise.all(sends);
        assert.ok(acked.length > before, `round ${round}: nothing was acknowledged before the kill`);
        t.diagnostic(`round ${round}: first acknowledgement after ${ackAt} ms, SIGKILL ${killAfter} ms later; ${acked.length - before} of ${BURST} acknowledged, ${failed} failed`);
      } finally {
        client.destroy();
        await server.stop('SIGKILL');
      }
    }
    t.diagnostic(`${acked.length} acknowledged certificates in all, every one retrievable after the restarts`);
  });
});

describe('many pending certificates', () => {
  it('more than one page (1,500) of PENDING certificates are all signed after a restart', async () => {
    const dataDir = tempDir('openpca-issue-many-');
    let server: TestServer = await startTestServer({ dataDir });
    let client = sdkClient(server);
    const root = await activeRoot(client, 'many-pending-root');
    client.destroy();
    assert.equal(await server.stop('SIGTERM'), 0);
    server = await startTestServer({ dataDir, env: { OPENPCA_ISSUANCE_DELAY_MS: '60000' }, args: ['--log-level', 'warn'], port: await freePort() });
    const N = 1500;
    const csr = Buffer.from(opensslCsr('/CN=many.example.com').csrPem).toString('base64');
    const agent = new Agent({ keepAlive: true, maxSockets: 32 });
    try {
      let next = 0;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next < N) {
          next++;
          const r = await rawRequest(server, { agent, target: 'ACMPrivateCA.IssueCertificate', body: JSON.stringify({ CertificateAuthorityArn: root.arn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } }) });
          assert.equal(r.status, 200, r.text);
        }
      }));
    } finally { agent.destroy(); }
    assert.equal(await server.stop('SIGKILL'), null);
    const count = (status: string) => {
      const db = new DatabaseSync(join(dataDir, 'openpca.sqlite'), { readOnly: true });
      try { return Number((db.prepare('SELECT COUNT(*) AS n FROM certificates WHERE status = ?').get(status) as { n: number }).n); } finally { db.close(); }
    };
    assert.equal(count('PENDING'), N, 'everything acknowledged is stored, still unsigned');
    const tbsLengths = () => {
      const db = new DatabaseSync(join(dataDir, 'openpca.sqlite'), { readOnly: true });
      try { return db.prepare('SELECT status, MIN(length(tbs)) AS lo, MAX(length(tbs)) AS hi FROM certificates GROUP BY status').all() as Array<{ status: string; lo: number; hi: number }>; } finally { db.close(); }
    };
    assert.ok(tbsLengths().find((r) => r.status === 'PENDING')!.lo > 200, 'a PENDING certificate keeps its TBS for signing');
    server = await startTestServer({ dataDir });
    try {
      const resumed = server.logs.map((l) => JSON.parse(l) as { msg: string; count?: number }).find((r) => r.msg === 'signing certificates accepted before a restart');
      assert.equal(resumed?.count, N);
      for (let i = 0; i < 300 && count('PENDING') > 0; i++) await sleep(100);
      assert.equal(count('PENDING'), 0, 'no certificate is left unsigned');
      assert.equal(count('ISSUED'), N + 1, 'all of them and the root certificate are ISSUED');
      assert.deepEqual(tbsLengths().map((r) => [r.status, r.hi]), [['ISSUED', 0]], 'once signed, the TBS is dropped (the DER holds it)');
    } finally { await server.stop(); }
  });
});
