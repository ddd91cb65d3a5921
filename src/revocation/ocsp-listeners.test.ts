// The OCSP listener threads on their own: they share one port, answer, confirm invalidations, and a thread that dies
// is replaced (the port keeps answering, and invalidations wait for the new thread too).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { createLogger } from '../protocol/log.ts';
import { SqliteStore } from '../storage/sqlite/store.ts';
import { OcspListeners } from './ocsp-listeners.ts';

test('listener threads share a port, confirm invalidations, and a thread that dies is replaced', async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'openpca-ocsp-listeners-')), 'db.sqlite');
  const store = new SqliteStore({ path: dbPath }); // creates the schema the listeners read
  const lines: string[] = [];
  const log = createLogger('info', (l) => { lines.push(l); });
  const l = await OcspListeners.start(2, { dbPath, kek: randomBytes(32), host: '127.0.0.1', port: 0, validityMs: 3_600_000, drainMax: 1024, logLevel: 'warn' }, log);
  const workers = (l as unknown as { workers: Set<Worker> }).workers;
  try {
    assert.ok(l.port > 0);
    assert.equal(workers.size, 2);
    const malformed = async () => new Uint8Array(await (await fetch(`http://127.0.0.1:${l.port}/`, { method: 'POST', body: 'x' })).arrayBuffer());
    assert.deepEqual([...await malformed()], [0x30, 0x03, 0x0a, 0x01, 0x01]);
    await l.invalidate('arn:x', '01'); // both threads confirm

    const dead = [...workers][0]!;
    await dead.terminate();
    for (let i = 0; i < 100 && (workers.size < 2 || workers.has(dead)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(workers.size, 2, 'a new thread took the dead one\'s place');
    assert.ok(!workers.has(dead));
    assert.ok(lines.some((x) => x.includes('ocsp listener exited; starting another')));
    for (let i = 0; i < 10; i++) assert.deepEqual([...await malformed()], [0x30, 0x03, 0x0a, 0x01, 0x01], 'the port keeps answering');
    await l.invalidate('arn:x', '02');
    assert.ok(!lines.some((x) => x.includes('did not confirm an invalidation in time')), 'confirmed by both live threads, not ended by the timeout');
  } finally {
    await l.close();
    await store.close();
  }
});
