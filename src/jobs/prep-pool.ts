// Spreads certificate preparation over worker threads so the event loop keeps serving HTTP; inline when size is 0.
import { Worker } from 'node:worker_threads';
import { ApiError, type ErrorCode } from '../contract/errors.ts';
import { prepareCertificate, type PrepJob } from '../domain/certificate-prep.ts';

type Reply = { id: number; tbs?: Uint8Array; error?: { code: ErrorCode; message: string } };

export class PrepPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (t: Uint8Array) => void; reject: (e: unknown) => void }>();
  private next = 0;
  private seq = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./prep-worker.ts', import.meta.url));
      w.on('message', (r: Reply) => {
        const p = this.waiting.get(r.id);
        if (!p) return;
        this.waiting.delete(r.id);
        if (r.tbs) p.resolve(new Uint8Array(r.tbs));
        else p.reject(new ApiError(r.error?.code ?? 'InternalFailure', r.error?.message ?? 'certificate preparation failed'));
      });
      w.on('error', (e) => { for (const p of this.waiting.values()) p.reject(e); this.waiting.clear(); });
      w.unref();
      this.workers.push(w);
    }
  }

  run(job: PrepJob): Promise<Uint8Array> {
    if (this.workers.length === 0) return prepareCertificate(job);
    const id = ++this.seq;
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
