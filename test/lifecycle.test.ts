// State rules that need an ACTIVE/DISABLED/EXPIRED CA: until certificate import lands, the test sets the stored
// state in the server's own SQLite file (a second connection, as another instance would) and drives the API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  CreateCertificateAuthorityCommand, DeleteCertificateAuthorityCommand, DescribeCertificateAuthorityCommand,
  ListCertificateAuthoritiesCommand, RestoreCertificateAuthorityCommand, UpdateCertificateAuthorityCommand,
  waitUntilCertificateAuthorityCSRCreated, type ACMPCAClient,
} from '@aws-sdk/client-acm-pca';
import { sdkClient, sleep, startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let pca: ACMPCAClient;
let db: DatabaseSync;

before(async () => {
  server = await startTestServer({ env: { OPENPCA_CA_QUOTA: '12', OPENPCA_PURGE_INTERVAL_MS: '200' } });
  pca = sdkClient(server);
  db = new DatabaseSync(join(server.dataDir, 'openpca.sqlite'));
  db.exec('PRAGMA busy_timeout=5000');
});
after(async () => { db?.close(); pca?.destroy(); await server?.stop(); });

const HOUR = 3600_000;

async function pendingCa(): Promise<string> {
  const arn = (await pca.send(new CreateCertificateAuthorityCommand({
    CertificateAuthorityType: 'ROOT',
    CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Lifecycle' } },
  }))).CertificateAuthorityArn!;
  await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: arn });
  return arn;
}

/** What a certificate import does to the stored record (ImportCertificateAuthorityCertificate comes with the next issue). */
function setActive(arn: string, notAfter: number, status = 'ACTIVE'): void {
  db.prepare('UPDATE certificate_authorities SET status = ?, not_before = ?, not_after = ?, serial = ? WHERE arn = ?')
    .run(status, Date.now() - HOUR, notAfter, '01:02', arn);
}

async function describe(arn: string) {
  return (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority!;
}

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => { assert.equal(e.name, name, e.message); if (message) assert.match(e.message, message); return true; });
}

test('ACTIVE ⇄ DISABLED; other target statuses are InvalidArgs; ACTIVE cannot be deleted', async () => {
  const arn = await pendingCa();
  setActive(arn, Date.now() + 24 * HOUR);
  const a = await describe(arn);
  assert.equal(a.Status, 'ACTIVE');
  assert.ok(a.NotAfter instanceof Date && a.NotBefore instanceof Date);
  await rejects(pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn })), 'InvalidStateException', /disable it first/);
  await rejects(pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'PENDING_CERTIFICATE' })), 'InvalidArgsException');
  await rejects(pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'DELETED' })), 'InvalidArgsException');
  await sleep(5);
  await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'DISABLED' }));
  const d = await describe(arn);
  assert.equal(d.Status, 'DISABLED');
  assert.ok(d.LastStateChangeAt!.getTime() > a.LastStateChangeAt!.getTime());
  await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'DISABLED' })); // no-op
  await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn })); // no-op
  await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'ACTIVE' }));
  assert.equal((await describe(arn)).Status, 'ACTIVE');
});

test('UpdateCertificateAuthority replaces the revocation configuration, with the same rules as create', async () => {
  const arn = await pendingCa();
  setActive(arn, Date.now() + 24 * HOUR);
  await rejects(pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, RevocationConfiguration: { CrlConfiguration: { Enabled: true } } })), 'InvalidArgsException');
  // A folder that climbs out of the bucket could never be published (nor served at the URL in certificates).
  await rejects(pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crl-bucket', CustomPath: 'crls/../up' } as never } })), 'InvalidArgsException');
  await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crl-bucket', ExpirationInDays: 3 } } }));
  assert.deepEqual((await describe(arn)).RevocationConfiguration, {
    CrlConfiguration: { Enabled: true, ExpirationInDays: 3, S3BucketName: 'crl-bucket', S3ObjectAcl: 'PUBLIC_READ', CrlType: 'COMPLETE' },
  });
  await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'DISABLED' }));
  assert.equal((await describe(arn)).RevocationConfiguration?.CrlConfiguration?.ExpirationInDays, 3, 'absent RevocationConfiguration leaves it unchanged');
});

test('EXPIRED: read lazily from notAfter; no updates; delete and restore keep it EXPIRED', async () => {
  const arn = await pendingCa();
  setActive(arn, Date.now() - 1000, 'DISABLED');
  assert.equal((await describe(arn)).Status, 'EXPIRED');
  const listed = (await pca.send(new ListCertificateAuthoritiesCommand({ MaxResults: 100 }))).CertificateAuthorities!.find((c) => c.Arn === arn);
  assert.equal(listed?.Status, 'EXPIRED');
  await rejects(pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'ACTIVE' })), 'InvalidStateException', /EXPIRED/);
  await pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
  const del = await describe(arn);
  assert.equal(del.Status, 'DELETED');
  assert.ok(Math.abs(del.RestorableUntil!.getTime() - (Date.now() + 30 * 24 * HOUR)) < 60_000, 'default window is 30 days');
  await pca.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
  assert.equal((await describe(arn)).Status, 'EXPIRED');
});

test('DISABLED → DELETED → restored to DISABLED', async () => {
  const arn = await pendingCa();
  setActive(arn, Date.now() + 24 * HOUR, 'DISABLED');
  await pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 7 }));
  await rejects(pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'ACTIVE' })), 'InvalidStateException', /DELETED/);
  await pca.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
  assert.equal((await describe(arn)).Status, 'DISABLED');
});

test('a CA past its restore window is purged: lazily on access, and by the periodic job', async () => {
  const lazy = await pendingCa();
  const job = await pendingCa();
  for (const arn of [lazy, job]) await pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 7 }));
  db.prepare('UPDATE certificate_authorities SET restorable_until = ? WHERE arn IN (?, ?)').run(Date.now() - 1, lazy, job);
  await rejects(pca.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn: lazy })), 'ResourceNotFoundException');
  await sleep(600);
  const row = db.prepare('SELECT COUNT(*) AS n FROM certificate_authorities WHERE arn IN (?, ?)').get(lazy, job) as { n: number };
  assert.equal(row.n, 0, 'both rows are gone from the database');
  const all = (await pca.send(new ListCertificateAuthoritiesCommand({ MaxResults: 100 }))).CertificateAuthorities!.map((c) => c.Arn);
  assert.ok(!all.includes(lazy) && !all.includes(job));
});

test('CA quota per account and region: DELETED CAs count until purged (LimitExceededException)', async () => {
  const n = (await pca.send(new ListCertificateAuthoritiesCommand({ MaxResults: 100 }))).CertificateAuthorities!.length;
  const cfg = { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'q' } } as const;
  for (let i = n; i < 12; i++) await pca.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: cfg }));
  await rejects(pca.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: cfg })), 'LimitExceededException', /quota 12/);
  const eu = sdkClient(server, 'eu-west-1');
  await eu.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: cfg }));
  eu.destroy();
});
