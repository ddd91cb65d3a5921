// Background signing of accepted certificates: PENDING rows (whose TBS is fixed) become ISSUED; resumed after a restart.
import { setTimeout as sleep } from 'node:timers/promises';
import { caKeyRef } from '../domain/authority.ts';
import type { KeyRef, KeyStore } from '../ports/keys.ts';
import type { Store } from '../ports/store.ts';
import type { Logger } from '../protocol/log.ts';
import type { SigningAlgorithm } from '../x509/algorithms.ts';
import { encodeCertificate } from '../x509/certificate.ts';
import type { TaskRunner } from './runner.ts';

export interface IssuanceDeps {
  store: Store; keys: KeyStore; log: Logger; runner: TaskRunner;
  delayMs: number;
}

export interface SigningJob { caArn: string; serial: string; tbs: Uint8Array; signingAlgorithm: SigningAlgorithm; key: KeyRef }

export class Issuance {
  private readonly d: IssuanceDeps;
  private readonly stopping = new AbortController();
  constructor(d: IssuanceDeps) { this.d = d; }

  /** Whether IssueCertificate signs before committing (no delay configured) instead of leaving it to this job. */
  get signsAtOnce(): boolean { return this.d.delayMs === 0; }

  /** Signs a certificate whose PENDING row is committed, then records it as ISSUED (or FAILED). */
  schedule(job: SigningJob): void {
    void this.d.runner.run(`sign ${job.caArn}/certificate/${job.serial}`, () => this.sign(job));
  }

  stop(): void { this.stopping.abort(); }

  /** After a restart: sign every certificate that was accepted but not yet signed (paged by a cursor, so any number). */
  async resumeAll(): Promise<number> {
    let total = 0;
    let cursor = 0;
    const keys = new Map<string, KeyRef | null>();
    for (;;) {
      const { rows, next } = await this.d.store.read.certificates.pending(cursor, 1000);
      if (rows.length === 0) return total;
      cursor = next;
      for (const r of rows) {
        if (this.inflight.has(`${r.caArn}/${r.serial}`)) continue;
        let key = keys.get(r.caArn);
        if (key === undefined) {
          const ca = await this.d.store.read.cas.get(r.caArn);
          key = ca ? caKeyRef(ca) : null;
          keys.set(r.caArn, key);
        }
        if (!key) continue;
        total++;
        this.schedule({ caArn: r.caArn, serial: r.serial, tbs: r.tbs, signingAlgorithm: r.signingAlgorithm as SigningAlgorithm, key });
      }
    }
  }

  private readonly inflight = new Set<string>();

  private async sign(job: SigningJob): Promise<void> {
    const id = `${job.caArn}/${job.serial}`;
    this.inflight.add(id);
    try {
      if (this.d.delayMs > 0) {
        try { await sleep(this.d.delayMs, undefined, { signal: this.stopping.signal }); } catch { return; } // resumed on the next start
      }
      let der: Uint8Array;
      try {
        const signer = await this.d.keys.signer(job.key);
        der = encodeCertificate(job.tbs, job.signingAlgorithm, await signer.sign(job.signingAlgorithm, job.tbs));
      } catch (e) {
        this.d.log.error('signing a certificate failed', { caArn: job.caArn, serial: job.serial, error: e });
        await this.d.store.transaction(async (tx) => tx.certificates.markFailed(job.caArn, job.serial, `The CA could not sign the certificate: ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
      await this.d.store.transaction(async (tx) => tx.certificates.markIssued(job.caArn, job.serial, der));
    } finally {
      this.inflight.delete(id);
    }
  }
}
