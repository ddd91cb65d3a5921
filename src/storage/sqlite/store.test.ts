// Contract tests of the SQLite Store: transactions commit or roll back whole, run one at a time, and reads see only committed data.
import assert from 'node:assert/strict';
import { fstatSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CaRecord } from '../../ports/store.ts';
import { SqliteStore } from './store.ts';

function ca(arn: string, createdAt = Date.now()): CaRecord {
  return {
    arn, id: arn.slice(-36), account: '123456789012', region: 'us-east-1', type: 'ROOT', status: 'CREATING',
    statusBeforeDeletion: null, failureReason: null, configuration: '{}', revocation: null, usageMode: 'GENERAL_PURPOSE',
    keyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER', keyAlgorithm: 'EC_prime256v1', createdAt, lastStateChangeAt: createdAt,
    restorableUntil: null, keyUri: null, keySpki: null, csrPem: null, certificatePem: null, certificateChainPem: null,
    serial: null, notBefore: null, notAfter: null, caSubjectDer: null, caSki: null, caPathLen: null,
  };
}
const arn = (n: number) => `arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

test('a transaction that throws leaves nothing behind; one that resolves is visible to a new connection', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite');
  const store = new SqliteStore({ path });
  await assert.rejects(store.transaction(async (tx) => {
    await tx.cas.insert(ca(arn(1)));
    await tx.tags.replace(arn(1), [{ key: 'k', value: 'v' }]);
    throw new Error('boom');
  }), /boom/);
  assert.equal(await store.read.cas.get(arn(1)), undefined);
  assert.deepEqual(await store.read.tags.list(arn(1)), []);
  await store.transaction(async (tx) => {
    await tx.cas.insert(ca(arn(2)));
    await tx.tags.replace(arn(2), [{ key: 'b', value: null }, { key: 'a', value: '1' }]);
  });
  await store.close();
  const again = new SqliteStore({ path });
  assert.equal((await again.read.cas.get(arn(2)))?.status, 'CREATING');
  assert.deepEqual(await again.read.tags.list(arn(2)), [{ key: 'b', value: null }, { key: 'a', value: '1' }]);
  await again.close();
});

test('reads outside a transaction never see uncommitted writes; concurrent transactions are serialised', async () => {
  const store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite') });
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const first = store.transaction(async (tx) => {
    await tx.cas.insert(ca(arn(3)));
    await gate;
    await tx.cas.update(arn(3), { status: 'PENDING_CERTIFICATE' });
  });
  const second = store.transaction(async (tx) => (await tx.cas.get(arn(3)))?.status);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await store.read.cas.get(arn(3)), undefined, 'uncommitted insert is invisible to readers');
  release();
  await first;
  assert.equal(await second, 'PENDING_CERTIFICATE', 'the second transaction ran after the first committed');
  await store.close();
});

test('list pages by (createdAt, arn) and counts per account and region', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  await store.transaction(async (tx) => {
    for (let i = 0; i < 5; i++) await tx.cas.insert(ca(arn(10 + i), 1000 + (i % 2)));
  });
  const p1 = await store.read.cas.list('123456789012', 'us-east-1', null, 2);
  const p2 = await store.read.cas.list('123456789012', 'us-east-1', { createdAt: p1[1]!.createdAt, arn: p1[1]!.arn }, 10);
  assert.deepEqual([...p1, ...p2].map((c) => c.arn), [arn(10), arn(12), arn(14), arn(11), arn(13)]);
  assert.equal(await store.read.cas.count('123456789012', 'us-east-1'), 5);
  assert.equal(await store.read.cas.count('123456789012', 'eu-west-1'), 0);
  await store.close();
});

test('synchronous=FULL: a transaction settles only after the WAL holding it was synced; the synced WAL is the live one', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite');
  const store = new SqliteStore({ path, checkpointIntervalMs: 20 });
  try {
    const before = store.stats.syncs;
    await store.transaction(async (tx) => tx.cas.insert(ca(arn(20))));
    assert.ok(store.stats.syncs > before, 'the acknowledgement waited for an fdatasync of the WAL');
    // Many concurrent transactions share few syncs (group commit), and every one is acknowledged.
    const s0 = store.stats.syncs;
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.transaction(async (tx) => tx.cas.insert(ca(arn(100 + i))))));
    assert.ok(store.stats.syncs - s0 < 200, `${store.stats.syncs - s0} syncs for 200 transactions`);
    // Checkpoints rewind the WAL in place: the descriptor we sync must still be the file SQLite writes.
    await new Promise((r) => setTimeout(r, 100));
    await store.transaction(async (tx) => tx.cas.update(arn(20), { status: 'ACTIVE' }));
    const fd = (store as unknown as { walFd: number }).walFd;
    assert.equal(fstatSync(fd).ino, statSync(`${path}-wal`).ino);
  } finally { await store.close(); }
});

test('synchronous=NORMAL and :memory: acknowledge at commit, without syncing', async () => {
  for (const o of [{ path: ':memory:' }, { path: join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite'), synchronous: 'NORMAL' as const }]) {
    const store = new SqliteStore(o);
    await store.transaction(async (tx) => tx.cas.insert(ca(arn(30))));
    assert.equal(store.stats.syncs, 0);
    assert.equal(store.stats.commits >= 1, true);
    await store.close();
  }
});

/** Commits `n` CAs of ~2 KB each, then waits (up to 5 s) until the database file itself has grown by their size. */
async function assertCheckpointed(store: SqliteStore, path: string, n: number, firstArn: number): Promise<void> {
  const size0 = statSync(path).size;
  await Promise.all(Array.from({ length: n }, (_, i) => store.transaction(async (tx) => {
    await tx.cas.insert({ ...ca(arn(firstArn + i)), configuration: JSON.stringify({ pad: 'x'.repeat(2000) }) });
  })));
  const deadline = Date.now() + 5000;
  while (statSync(path).size <= size0 + n * 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(statSync(path).size > size0 + n * 2000, `database file grew from ${size0} to ${statSync(path).size} bytes`);
}

test('the checkpointer thread moves committed pages from the WAL into the database file', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite');
  const store = new SqliteStore({ path, checkpointIntervalMs: 20 });
  try {
    await assertCheckpointed(store, path, 300, 1000);
  } finally { await store.close(); }
});

test('a checkpointer thread that dies is replaced, so the WAL keeps being checkpointed', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite');
  const store = new SqliteStore({ path, checkpointIntervalMs: 20 });
  try {
    const first = (store as unknown as { checkpointer: { terminate(): Promise<number> } }).checkpointer;
    await first.terminate();
    await new Promise((r) => setTimeout(r, 50));
    assert.notEqual((store as unknown as { checkpointer: unknown }).checkpointer, first, 'a new checkpointer was started');
    await assertCheckpointed(store, path, 100, 5000);
  } finally { await store.close(); }
});

test('CRL schedule: a revocation arriving while a CRL is generated is not lost; numbers only grow', async () => {
  const store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite') });
  try {
    const ca = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/00000000-0000-4000-8000-000000000001';
    await store.transaction((tx) => tx.crls.ensure(ca, '', 1000));
    const [due] = await store.read.crls.due(1000, 10);
    assert.equal(due?.dueAt, 1000);
    // generation starts from `due`; meanwhile a revocation asks for a CRL at 1200 (the one being made may miss it)
    await store.transaction((tx) => tx.crls.scheduleBy(ca, '', 1200));
    const n1 = await store.transaction((tx) => tx.crls.claimNumber(ca, '', 5000));
    await store.transaction((tx) => tx.crls.published({ caArn: ca, partition: '', crlNumber: n1, thisUpdate: 1, nextUpdate: 2, dueAt: 999_999, bucket: 'b', objectKey: 'k', revokedCount: 0, requests: due!.requests }));
    assert.equal((await store.read.crls.get(ca, ''))?.dueAt, 1000, 'still due: the request made during generation is kept');
    // the next generation sees no new request: the midpoint schedule applies
    const [again] = await store.read.crls.due(1000, 10);
    const n2 = await store.transaction((tx) => tx.crls.claimNumber(ca, '', 5000)); // same millisecond: previous + 1
    assert.equal(n2, n1 + 1);
    await store.transaction((tx) => tx.crls.published({ caArn: ca, partition: '', crlNumber: n2, thisUpdate: 1, nextUpdate: 2, dueAt: 999_999, bucket: 'b', objectKey: 'k', revokedCount: 0, requests: again!.requests }));
    assert.equal((await store.read.crls.get(ca, ''))?.dueAt, 999_999);
    assert.ok(await store.transaction((tx) => tx.crls.claimNumber(ca, '', 4000)) > n2, 'a clock that went back still gets a larger number');
  } finally { await store.close(); }
});

test('migration 4 counts the revocations a version-3 database already holds; revoke keeps counting', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'openpca-store-')), 'db.sqlite');
  const { DatabaseSync } = await import('node:sqlite');
  const { MIGRATIONS } = await import('./schema.ts');
  const old = new DatabaseSync(path);
  old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version <= 3)) { old.exec(m.sql); old.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(m.version); }
  const arn = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-1111-1111-1111-111111111111';
  old.prepare(`INSERT INTO certificate_authorities (arn, id, account, region, type, status, configuration, usage_mode, key_storage_security_standard, key_algorithm, created_at, last_state_change_at)
               VALUES (?, 'x', '123456789012', 'us-east-1', 'ROOT', 'ACTIVE', '{}', 'GENERAL_PURPOSE', 'FIPS_140_2_LEVEL_3_OR_HIGHER', 'EC_prime256v1', 0, 0)`).run(arn);
  const cert = old.prepare(`INSERT INTO certificates (ca_arn, serial, status, tbs, signing_algorithm, template_arn, not_before, not_after, issued_at, requested_by, revoked_at, revocation_reason)
                            VALUES (?, ?, 'ISSUED', x'00', 'SHA256WITHECDSA', 't', 0, ?, 0, 'k', ?, ?)`);
  cert.run(arn, '01', 4e12, 1000, 'SUPERSEDED');
  cert.run(arn, '02', 1000, 500, 'KEY_COMPROMISE'); // revoked, since expired
  cert.run(arn, '03', 4e12, null, null);
  old.prepare('INSERT INTO ca_counters (ca_arn, issued) VALUES (?, 3)').run(arn);
  old.close();

  const store = new SqliteStore({ path });
  assert.equal(await store.read.certificates.revokedTotal(arn), 2);
  assert.equal(await store.read.certificates.unexpiredRevoked(arn, 2000, 10), 1);
  assert.equal(await store.read.certificates.unexpiredRevoked(arn, 0, 10), 2);
  assert.equal(await store.read.certificates.unexpiredRevoked(arn, 0, 1), 1, 'counted up to the bound only');
  await store.transaction(async (tx) => { assert.equal(await tx.certificates.revoke(arn, '03', 3000, 'UNSPECIFIED'), true); });
  await store.transaction(async (tx) => { assert.equal(await tx.certificates.revoke(arn, '03', 3000, 'UNSPECIFIED'), false, 'twice is not counted twice'); });
  assert.equal(await store.read.certificates.revokedTotal(arn), 3);
  assert.equal(await store.read.certificates.revokedTotal('arn:unknown'), 0);
  await store.close();
});
