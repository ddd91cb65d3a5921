// Worker-thread entry: runs the certificate preparation jobs posted by PrepPool and answers each with the TBS (and
// certificate) or the API error. The worker opens its own KeyStore from the same key-encryption key.
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../contract/errors.ts';
import { prepareCertificate, type PrepJob } from '../domain/certificate-prep.ts';
import { SoftwareKeyStore } from '../keys/software/keystore.ts';
import type { Reply } from './prep-pool.ts';

// Each worker is a thread of its own: crypto runs right here, without a round trip through the libuv threadpool.
const keys = new SoftwareKeyStore((workerData as { kek: Uint8Array }).kek, { signOnThisThread: true });
/** Moved rather than copied when the array is the whole of its own buffer (never a slice of a shared pool). */
function owned(a: Uint8Array | null): boolean {
  return a !== null && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;
}

function answer(r: Reply, transfer: ArrayBuffer[]): void {
  parentPort!.postMessage([r], transfer);
}

parentPort!.on('message', (batch: Array<{ id: number; job: PrepJob }>) => {
  for (const m of batch) {
    prepareCertificate(m.job, keys, true).then(
      (p) => answer({ id: m.id, prepared: p }, [p.tbs, p.der].filter(owned).map((a) => a!.buffer as ArrayBuffer)),
      (e: unknown) => answer({
        id: m.id,
        error: e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'InternalFailure', message: e instanceof Error ? e.message : String(e) },
      }, []),
    );
  }
});
