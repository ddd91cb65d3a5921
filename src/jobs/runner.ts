// Tracks background tasks so shutdown can wait for them, and logs (never throws) their failures.
import type { Logger } from '../protocol/log.ts';

export class TaskRunner {
  private readonly inflight = new Set<Promise<void>>();
  private readonly log: Logger;
  constructor(log: Logger) { this.log = log; }

  run(name: string, task: () => Promise<void>): Promise<void> {
    const p = (async () => {
      try { await task(); } catch (e) { this.log.error('background task failed', { task: name, error: e }); }
    })();
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  get size(): number { return this.inflight.size; }

  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }
}
