// Background step T2/T3 of LIFECYCLE.md: make the CA key and CSR, then PENDING_CERTIFICATE; or FAILED with a reason.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyRef, KeyStore } from '../ports/keys.ts';
import type { CaRecord, Store } from '../ports/store.ts';
import type { Logger } from '../protocol/log.ts';
import { buildCaCsr } from '../x509/csr.ts';
import { SUPPORTED_KEY_ALGORITHMS, type SigningAlgorithm } from '../x509/algorithms.ts';
import type { TaskRunner } from './runner.ts';

export interface CaCreationDeps {
  store: Store; keys: KeyStore; log: Logger; runner: TaskRunner;
  now: () => number;
  timeoutMs: number;
  delayMs: number;
}

export class CaCreation {
  private readonly d: CaCreationDeps;
  private readonly running = new Set<string>();
  private readonly stopping = new AbortController();
  constructor(d: CaCreationDeps) { this.d = d; }

  /** Starts (once per CA and process) the creation of a CA that is CREATING. */
  start(arn: string): Promise<void> {
    if (this.running.has(arn)) return Promise.resolve();
    this.running.add(arn);
    return this.d.runner.run(`create ${arn}`, async () => {
      try { await this.create(arn); } finally { this.running.delete(arn); }
    });
  }

  /** After a restart: resume every CA caught in CREATING (or fail it if it has waited too long). */
  async resumeAll(): Promise<number> {
    const pending = await this.d.store.read.cas.withStatus('CREATING');
    for (const ca of pending) void this.start(ca.arn);
    return pending.length;
  }

  /** Stops waiting: CAs still CREATING stay so in the store and are resumed by the next start. */
  stop(): void { this.stopping.abort(); }

  private async create(arn: string): Promise<void> {
    const ca = await this.d.store.read.cas.get(arn);
    if (!ca || ca.status !== 'CREATING') return;
    const remaining = ca.createdAt + this.d.timeoutMs - this.d.now();
    if (remaining <= 0) {
      await this.finish(ca, 'REQUEST_TIMED_OUT', `creation did not finish within ${this.d.timeoutMs} ms`);
      return;
    }
    const timer = new AbortController();
    const onStop = () => timer.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    const timeout = sleep(remaining, 'timeout' as const, { signal: timer.signal }).catch(() => 'stopped' as const);
    try {
      const outcome = await Promise.race([this.produce(ca), timeout]);
      if (outcome === 'stopped') return;
      if (outcome === 'timeout') {
        await this.finish(ca, 'REQUEST_TIMED_OUT', `creation did not finish within ${this.d.timeoutMs} ms`);
        return;
      }
      if ('error' in outcome) {
        this.d.log.error('CA key or CSR generation failed', { arn, error: outcome.error });
        await this.finish(ca, SUPPORTED_KEY_ALGORITHMS.includes(ca.keyAlgorithm) ? 'OTHER' : 'UNSUPPORTED_ALGORITHM', String(outcome.error));
        return;
      }
      const { keyRef, csrPem, started } = outcome;
      const done = await this.d.store.transaction(async (tx) => {
        const cur = await tx.cas.get(arn);
        if (!cur || cur.status !== 'CREATING') return false; // deleted, purged or timed out meanwhile
        await tx.cas.update(arn, {
          status: 'PENDING_CERTIFICATE', keyUri: keyRef.uri, keySpki: keyRef.spki, csrPem, lastStateChangeAt: this.d.now(),
        });
        return true;
      });
      if (!done) await this.d.keys.destroy(keyRef);
      this.d.log.info(done ? 'CA key and CSR ready' : 'CA left CREATING during key generation; key discarded', { arn, keyAlgorithm: ca.keyAlgorithm, ms: this.d.now() - started });
    } finally {
      timer.abort();
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }

  /** The optional artificial delay, then the key and the CSR. */
  private async produce(ca: CaRecord): Promise<'stopped' | { error: unknown } | { keyRef: KeyRef; csrPem: string; started: number }> {
    const wait = ca.createdAt + this.d.delayMs - this.d.now();
    if (wait > 0) {
      try { await sleep(wait, undefined, { signal: this.stopping.signal }); } catch { return 'stopped'; }
    }
    if (this.stopping.signal.aborted) return 'stopped';
    const started = this.d.now();
    try {
      const keyRef = await this.d.keys.generate({ algorithm: ca.keyAlgorithm, label: ca.arn });
      const signer = await this.d.keys.signer(keyRef);
      const config = JSON.parse(ca.configuration) as { Subject: never; CsrExtensions?: never; SigningAlgorithm: SigningAlgorithm };
      const csrPem = (await buildCaCsr({ subject: config.Subject, csrExtensions: config.CsrExtensions, signingAlgorithm: config.SigningAlgorithm, signer })).pem;
      return { keyRef, csrPem, started };
    } catch (error) {
      return { error };
    }
  }

  private async finish(ca: CaRecord, reason: 'REQUEST_TIMED_OUT' | 'UNSUPPORTED_ALGORITHM' | 'OTHER', detail: string): Promise<void> {
    await this.d.store.transaction(async (tx) => {
      const cur = await tx.cas.get(ca.arn);
      if (!cur || cur.status !== 'CREATING') return;
      await tx.cas.update(ca.arn, { status: 'FAILED', failureReason: reason, lastStateChangeAt: this.d.now() });
    });
    this.d.log.warn('CA creation failed', { arn: ca.arn, failureReason: reason, detail });
  }
}
