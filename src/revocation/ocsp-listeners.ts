// The dedicated OCSP port: worker threads that each listen on it with SO_REUSEPORT (the kernel spreads connections
// over them), so HTTP parsing, status lookups and signing use every core while the event loop serves the API. A
// listener that dies is started again; revocations reach every listener's response cache before they are acknowledged.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../protocol/log.ts';
import type { OcspWorkerCommand, OcspWorkerData, OcspWorkerMessage } from './ocsp-worker.ts';

/** How long a revocation waits for the listeners to drop cached answers before it is acknowledged anyway. */
const INVALIDATE_TIMEOUT_MS = 2000;

export class OcspListeners {
  private readonly workers = new Set<Worker>();
  private readonly waiting = new Map<number, { left: Set<Worker>; done: () => void }>();
  private seq = 0;
  private closing = false;
  /** The port the listeners share (resolved when the first one listens; the configured port, or the one the OS chose for 0). */
  port = 0;

  private readonly data: OcspWorkerData;
  private readonly log: Logger;

  private constructor(data: OcspWorkerData, log: Logger) { this.data = data; this.log = log; }

  /** Starts `count` listeners on `data.port` and resolves once all listen (rejects if the port cannot be bound). */
  static async start(count: number, data: OcspWorkerData, log: Logger): Promise<OcspListeners> {
    const l = new OcspListeners(data, log);
    try {
      // The first fixes the port (port 0 = any free one), the others join it.
      l.port = await l.spawn(data.port);
      await Promise.all(Array.from({ length: count - 1 }, () => l.spawn(l.port)));
    } catch (e) {
      await l.close();
      throw e;
    }
    return l;
  }

  private spawn(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const w = new Worker(new URL('./ocsp-worker.ts', import.meta.url), { workerData: { ...this.data, port } satisfies OcspWorkerData });
      let listening = false;
      w.on('message', (m: OcspWorkerMessage) => {
        if ('listening' in m) { listening = true; this.workers.add(w); resolve(m.listening); return; }
        const p = this.waiting.get(m.invalidated);
        if (p) { p.left.delete(w); if (p.left.size === 0) p.done(); }
      });
      w.on('error', (e) => {
        if (!listening) reject(new Error(`the OCSP listener could not start on port ${port}: ${e.message}`));
        else this.log.error('ocsp listener failed', { error: e });
      });
      w.on('exit', (code) => {
        this.workers.delete(w);
        for (const p of this.waiting.values()) { p.left.delete(w); if (p.left.size === 0) p.done(); }
        if (!listening) { reject(new Error(`the OCSP listener exited (${code}) before listening on port ${port}`)); return; }
        if (this.closing) return;
        this.log.warn('ocsp listener exited; starting another', { code });
        this.spawn(this.port).catch((e: unknown) => this.log.error('ocsp listener could not be restarted', { error: e }));
      });
    });
  }

  /**
   * Drops the listeners' reused responses for a certificate whose status changed; resolves once every listener has
   * (or after a timeout, logged: a listener that does not answer is stuck, and the revocation stands regardless).
   */
  invalidate(caArn: string, serial: string): Promise<void> {
    if (this.workers.size === 0) return Promise.resolve();
    const id = ++this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn('ocsp listeners did not confirm an invalidation in time', { ca: caArn, serial, waitingFor: this.waiting.get(id)?.left.size });
        finish();
      }, INVALIDATE_TIMEOUT_MS);
      const finish = () => { clearTimeout(timer); this.waiting.delete(id); resolve(); };
      this.waiting.set(id, { left: new Set(this.workers), done: finish });
      for (const w of this.workers) w.postMessage({ invalidate: id, caArn, serial } satisfies OcspWorkerCommand);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
    this.workers.clear();
  }
}
