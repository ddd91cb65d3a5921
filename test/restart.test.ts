// Durability tests: acknowledged CAs survive SIGKILL and resume creation, SIGTERM stops cleanly, creation times out to FAILED.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateCertificateAuthorityCommand, DeleteCertificateAuthorityCommand, DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand, ListCertificateAuthoritiesCommand, ListTagsCommand,
  type ACMPCAClient, type CertificateAuthority, type KeyAlgorithm as SdkKeyAlgorithm, type SigningAlgorithm as SdkSigningAlgorithm, type Tag,
} from '@aws-sdk/client-acm-pca';
import type { KeyAlgorithm, SigningAlgorithm } from '../src/x509/algorithms.ts';
import { sdkClient, sleep, startTestServer, tempDir, type TestServer } from './helpers/server.ts';

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

/** Checks a PEM CSR's self-signature with `openssl req -verify`; returns its subject. */
function opensslVerifyCsr(pem: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'openpca-csr-'));
  try {
    const file = join(dir, 'csr.pem');
    writeFileSync(file, pem);
    const r = spawnSync('openssl', ['req', '-in', file, '-noout', '-verify', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `openssl req -verify failed: ${r.stderr}`);
    assert.match(r.stdout + r.stderr, /verify OK/i);
    return /subject=\s*(.*)/.exec(r.stdout)?.[1] ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
        assert.equal(opensslVerifyCsr(Csr), `CN=kill-${i},O=Durability Test,C=DE`);
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
      assert.equal(opensslVerifyCsr(Csr!), 'CN=graceful-creating,O=Durability Test,C=DE');
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
