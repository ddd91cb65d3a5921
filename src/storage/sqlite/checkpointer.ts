// Worker-thread entry: moves committed pages from the WAL into the database file (PASSIVE checkpoints) on its own
// connection, so the event loop never blocks on a checkpoint's writes and fsyncs. The main connection runs with
// wal_autocheckpoint=0; SQLite rewinds the WAL by itself once a checkpoint has caught up.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new DatabaseSync(path);
db.exec('PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

function run(): void {
  try {
    checkpoint.get();
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
}

const timer = setInterval(run, intervalMs);
parentPort!.on('message', (m: string) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
