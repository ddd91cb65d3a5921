// Spreads certificate preparation over worker threads so the event loop keeps serving HTTP; inline when size is 0.
import { Worker } from 'node:worker_threads';
import { ApiError, type ErrorCode } from '../contract/errors.ts';
import { prepareCertificate, type PrepJob } from '../domain/certificate-prep.ts';

type Reply = { id: number; tbs?: Uint8Array; error?: { code: ErrorCode; message: string } };
type Waiter = { resolve: (t: Uint8Array) => void; reject: (e: unknown) => void };

export class PrepPool {
  private readonly slots: Array<{ worker: Worker; waiting: Map<number, Waiter> }> = [];
  private next = 0;
  private seq = 0;
  private closing = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** A worker and the requests it owes an answer; a worker that dies fails its requests and is replaced. */
  private spawn(): { worker: Worker; waiting: Map<number, Waiter> } {
    const waiting = new Map<number, Waiter>();
    const worker = new Worker(new URL('./prep-worker.ts', import.meta.url));
    const slot = { worker, waiting };
    worker.on('message', (r: Reply) => {
      const p = waiting.get(r.id);
      if (!p) return;
      waiting.delete(r.id);
      if (r.tbs) p.resolve(new Uint8Array(r.tbs));
      else p.reject(new ApiError(r.error?.code ?? 'InternalFailure', r.error?.message ?? 'certificate preparation failed'));
    });
    const fail = (why: string) => {
      for (const p of waiting.values()) p.reject(new ApiError('InternalFailure', `Certificate preparation failed: ${why}.`));
      waiting.clear();
      if (this.closing) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`worker thread exited (${code})`));
    worker.unref();
    return slot;
  }

  run(job: PrepJob): Promise<Uint8Array> {
    if (this.slots.length === 0) return prepareCertificate(job);
    const id = ++this.seq;
    const slot = this.slots[this.next++ % this.slots.length]!;
    return new Promise((resolve, reject) => {
      slot.waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
