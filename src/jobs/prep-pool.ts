// Spreads certificate preparation (and signing) over worker threads so the event loop keeps serving HTTP; inline
// when size is 0. Each job and answer crosses at once (batching them per event-loop turn made the stages run in
// lockstep waves: measured ~10% slower).
import { Worker } from 'node:worker_threads';
import { ApiError, type ErrorCode } from '../contract/errors.ts';
import { prepareCertificate, type PrepJob, type Prepared } from '../domain/certificate-prep.ts';
import type { KeyStore } from '../ports/keys.ts';

export type Reply = { id: number; prepared?: Prepared; error?: { code: ErrorCode; message: string } };
type Waiter = { resolve: (p: Prepared) => void; reject: (e: unknown) => void };
type Slot = { worker: Worker; waiting: Map<number, Waiter> };

export interface PrepPoolOptions {
  size: number;
  /** Signs inline (size 0). */
  keys: KeyStore;
  /** The key-encryption key: each worker opens its own software KeyStore with it. */
  kek: Uint8Array;
}

export class PrepPool {
  private readonly slots: Slot[] = [];
  private readonly o: PrepPoolOptions;
  private next = 0;
  private seq = 0;
  private closing = false;

  constructor(o: PrepPoolOptions) {
    this.o = o;
    for (let i = 0; i < o.size; i++) this.slots.push(this.spawn());
  }

  /** A worker and the requests it owes an answer; a worker that dies fails its requests and is replaced. */
  private spawn(): Slot {
    const worker = new Worker(new URL('./prep-worker.ts', import.meta.url), { workerData: { kek: this.o.kek } });
    const slot: Slot = { worker, waiting: new Map() };
    worker.on('message', (batch: Reply[]) => {
      for (const r of batch) {
        const p = slot.waiting.get(r.id);
        if (!p) continue;
        slot.waiting.delete(r.id);
        if (r.prepared) p.resolve(r.prepared);
        else p.reject(new ApiError(r.error?.code ?? 'InternalFailure', r.error?.message ?? 'certificate preparation failed'));
      }
    });
    const fail = (why: string) => {
      for (const p of slot.waiting.values()) p.reject(new ApiError('InternalFailure', `Certificate preparation failed: ${why}.`));
      slot.waiting.clear();
      if (this.closing) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`worker thread exited (${code})`));
    worker.unref();
    return slot;
  }

  run(job: PrepJob): Promise<Prepared> {
    if (this.slots.length === 0) return prepareCertificate(job, this.o.keys);
    const id = ++this.seq;
    const slot = this.slots[this.next++ % this.slots.length]!;
    return new Promise((resolve, reject) => {
      slot.waiting.set(id, { resolve, reject });
      slot.worker.postMessage([{ id, job }]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
