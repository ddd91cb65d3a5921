// Audit reports (REVOCATION.md §6): written in the background, streamed from the store to the bucket, and resumed
// after a restart when one was still CREATING.
import { csvReport, jsonReport, type AuditRecordInput } from '../domain/audit-report.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { AuditReportRecord, CaRecord, Store } from '../ports/store.ts';
import type { Logger } from '../protocol/log.ts';
import type { TaskRunner } from './runner.ts';

export interface AuditDeps { store: Store; publisher: Publisher; log: Logger; runner: TaskRunner }

export class AuditReports {
  private readonly d: AuditDeps;
  constructor(d: AuditDeps) { this.d = d; }

  /** Writes the report in the background; its record moves to SUCCESS or FAILED. */
  schedule(r: AuditReportRecord): void {
    void this.d.runner.run(`audit report ${r.id}`, () => this.write(r));
  }

  /** After a restart: reports that were still being written are written again. */
  async resumeAll(): Promise<number> {
    const open = await this.d.store.read.auditReports.creating();
    for (const r of open) this.schedule(r);
    return open.length;
  }

  private async write(r: AuditReportRecord): Promise<void> {
    const { store, log } = this.d;
    try {
      const ca = await store.read.cas.get(r.caArn);
      if (!ca) throw new Error(`certificate authority ${r.caArn} no longer exists`);
      const records = auditRecords(store, ca);
      await this.d.publisher.put({
        bucket: r.bucket, key: r.s3Key, body: r.format === 'JSON' ? jsonReport(records) : csvReport(records),
        contentType: r.format === 'JSON' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
      });
      await store.transaction((tx) => tx.auditReports.finish(r.id, 'SUCCESS', null));
      log.info('audit report written', { ca: r.caArn, id: r.id, bucket: r.bucket, key: r.s3Key });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.warn('audit report failed', { ca: r.caArn, id: r.id, error: message });
      await store.transaction((tx) => tx.auditReports.finish(r.id, 'FAILED', message));
    }
  }
}

/** One record per certificate the CA issued (revoked and expired ones included), in issue order. */
async function* auditRecords(store: Store, ca: CaRecord): AsyncGenerator<AuditRecordInput> {
  for await (const c of store.read.certificates.issued(ca.arn)) {
    if (!c.der) continue;
    yield {
      awsAccountId: ca.account, certificateArn: `${ca.arn}/certificate/${c.serial}`, serialHex: c.serial, certificateDer: c.der,
      notBefore: c.notBefore, notAfter: c.notAfter, issuedAt: c.issuedAt, revokedAt: c.revokedAt, revocationReason: c.revocationReason,
      templateArn: c.templateArn,
    };
  }
}
