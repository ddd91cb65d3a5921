// Worker-thread entry: runs batches of certificate preparation jobs posted by PrepPool and answers, in batches, with
// the TBS (and certificate) or the API error. The worker opens its own KeyStore from the same key-encryption key.
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../contract/errors.ts';
import { prepareCertificate, type PrepJob } from '../domain/certificate-prep.ts';
import { SoftwareKeyStore } from '../keys/software/keystore.ts';
import type { Reply } from './prep-pool.ts';

const keys = new SoftwareKeyStore((workerData as { kek: Uint8Array }).kek);
let out: Reply[] = [];
let transfer: ArrayBuffer[] = [];

function answer(r: Reply, buffers: ArrayBuffer[]): void {
  if (out.length === 0) setImmediate(flush);
  out.push(r);
  transfer.push(...buffers);
}

/** Moved rather than copied when the array is the whole of its own buffer (never a slice of a shared pool). */
function owned(a: Uint8Array | null): boolean {
  return a !== null && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;
}

function flush(): void {
  const batch = out;
  const t = transfer;
  out = [];
  transfer = [];
  parentPort!.postMessage(batch, t);
}

parentPort!.on('message', (batch: Array<{ id: number; job: PrepJob }>) => {
  for (const m of batch) {
    prepareCertificate(m.job, keys).then(
      (p) => answer({ id: m.id, prepared: p }, [p.tbs, p.der].filter(owned).map((a) => a!.buffer as ArrayBuffer)),
      (e: unknown) => answer({
        id: m.id,
        error: e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'InternalFailure', message: e instanceof Error ? e.message : String(e) },
      }, []),
    );
  }
});
