// CRL generation and publication (REVOCATION.md §2.3): one timer armed for the earliest due CRL; each CRL is
// numbered (durably, before it leaves), encoded and signed by the CA key into a file (streamed: never whole in
// memory), kept locally for HTTP and published from that file.
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { caKeyRef, caRevocation, caSigningAlgorithm, visibleStatus } from '../domain/authority.ts';
import { cdpUri, crlObjectKey, type RevocationUrlSettings } from '../domain/revocation-urls.ts';
import type { KeyStore } from '../ports/keys.ts';
import type { ObjectAcl, Publisher } from '../ports/publisher.ts';
import type { CaRecord, CrlState, Store } from '../ports/store.ts';
import type { Logger } from '../protocol/log.ts';
import { TEMPORARY_SUFFIX, moveIntoPlace, temporaryPath } from '../publish/directory.ts';
import { CrlChanged, encodeCrlTbs } from '../x509/crl.ts';
import { writeCrlFile } from './crl-file.ts';
import type { TaskRunner } from './runner.ts';

const HOUR = 3_600_000;
/** A served CRL `<id>.crl`, or a temporary file of one being written (group 2). */
const SERVED_NAME = new RegExp(String.raw`^(.+)\.crl(${TEMPORARY_SUFFIX})?$`);
const DAY = 86_400_000;

export interface CrlDeps {
  store: Store;
  keys: KeyStore;
  publisher: Publisher;
  log: Logger;
  runner: TaskRunner;
  now(): number;
  urls: RevocationUrlSettings;
  /** Local copies served over HTTP live under this directory. */
  servedDir: string;
  /** Wait after a revocation before the CRL is regenerated, so revocations close together share one CRL. */
  debounceMs: number;
  /** Wait before a failed generation or publication is tried again. */
  retryMs: number;
}

export interface GeneratedCrl {
  crlNumber: number; thisUpdate: number; nextUpdate: number; revoked: number;
  /** The signed CRL: a synced temporary file next to `served`, which the caller moves there or removes. */
  file: string;
  /** Where the CRL is served from: `file` goes there. */
  served: string;
  bytes: number;
  /** The sizing pass, then writeCrlFile's stages. */
  ms: { size: number; encode: number; sign: number; sync: number };
}

export class CrlService {
  private readonly d: CrlDeps;
  /** Where served CRLs live: `<servedDir>/crl/<CA or partition id>.crl`. */
  private readonly crlDir: string;
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(d: CrlDeps) {
    this.d = d;
    this.crlDir = join(d.servedDir, 'crl');
  }

  get debounceMs(): number { return this.d.debounceMs; }

  /** CAs whose complete-CRL bookkeeping is known to exist, so their issuance skips the statement that creates it. */
  private readonly startedCas = new Set<string>();
  started(caArn: string): boolean { return this.startedCas.has(caArn); }
  /** The first certificate naming the CA's CRL was committed (with the CRL's bookkeeping row): make it. */
  markStarted(caArn: string): void {
    this.startedCas.add(caArn);
    this.poke();
  }

  /** Arms the timer for the earliest due CRL (call after anything that schedules one). */
  poke(): void {
    if (this.stopped) return;
    void this.d.store.read.crls.nextDue().then((t) => { if (t !== null) this.arm(t); }, (e: unknown) => this.d.log.error('crl schedule', { error: e }));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * The last CRL generated for a CA id or partition id, as served over HTTP: an open file (a newer CRL renamed over
   * it meanwhile does not change what this one reads) and its size; undefined when there is none. The caller closes it.
   */
  async servedCrl(id: string): Promise<{ file: FileHandle; size: number; modified: Date } | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
    let file: FileHandle;
    try { file = await open(join(this.crlDir, `${id}.crl`), 'r'); } catch { return undefined; }
    try {
      const st = await file.stat();
      return { file, size: st.size, modified: st.mtime };
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  /**
   * Removes served CRLs whose CA has been purged, and temporary files of writes a crash interrupted (run at start and
   * after each purge; a crash between the purge and this sweep leaves a file the next start removes). Returns how
   * many files were removed.
   */
  async sweepServed(): Promise<number> {
    const dir = this.crlDir;
    let names: string[];
    try { names = await readdir(dir); } catch { return 0; }
    const live = await this.d.store.read.crls.liveIds();
    let removed = 0;
    for (const name of names) {
      const m = SERVED_NAME.exec(name);
      if (!m) continue;
      // A temporary file is a write that a crash interrupted, unless it is recent (a write may be in flight).
      if (m[2] ? (await stat(join(dir, name)).then((s) => s.mtimeMs, () => Infinity)) > this.d.now() - HOUR : live.has(m[1]!)) continue;
      try { await unlink(join(dir, name)); removed++; } catch (e) { this.d.log.warn('could not remove a served CRL of a purged CA or an interrupted write', { file: name, error: e }); }
    }
    return removed;
  }

  /** In the background, removes served CRLs that no CA names any more: after a purge, and at start. */
  sweep(): void {
    void this.d.runner.run('crl sweep', async () => {
      const removed = await this.sweepServed();
      if (removed) this.d.log.info('removed the served CRLs of purged CAs', { count: removed });
    });
  }

  private arm(at: number): void {
    if (this.stopped || at >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    // Timers are capped so that a long wait re-reads the schedule (another instance may share the database).
    const wait = Math.min(Math.max(0, at - this.d.now()), 60_000);
    this.timer = setTimeout(() => { this.timer = null; this.armedFor = Infinity; this.runDue(); }, wait);
    this.timer.unref();
  }

  /** Generates every due CRL, one at a time; a request while running runs again afterwards. */
  runDue(): Promise<void> {
    if (this.running) { this.again = true; return this.running; }
    this.running = this.d.runner.run('crl', async () => {
      do {
        this.again = false;
        for (;;) {
          const due = await this.d.store.read.crls.due(this.d.now(), 16);
          if (due.length === 0 || this.stopped) break;
          for (const s of due) await this.generateAndPublish(s);
        }
      } while (this.again && !this.stopped);
    }).finally(() => { this.running = null; this.poke(); });
    return this.running;
  }

  /** Generates, stores and publishes one CRL; failures are recorded and retried after `retryMs`. */
  private async generateAndPublish(s: CrlState): Promise<void> {
    const { store, log } = this.d;
    const ca = await store.read.cas.get(s.caArn);
    const rc = ca ? caRevocation(ca) : null;
    const crl = rc?.CrlConfiguration;
    const status = ca ? visibleStatus(ca, this.d.now()) : 'DELETED';
    if (!ca || !crl?.Enabled || (status !== 'ACTIVE' && status !== 'DISABLED')) {
      await store.transaction((tx) => tx.crls.unschedule(s.caArn, s.partition, s.requests));
      return;
    }
    try {
      const key = crlObjectKey(crl, s.partition || ca.id);
      const t0 = performance.now();
      const g = await this.generate(ca, s);
      const t1 = performance.now();
      try { await moveIntoPlace(g.file, g.served); } catch (e) { await rm(g.file, { force: true }); throw e; }
      const t2 = performance.now();
      // From the served file, read as the bucket takes it: the CRL is not held whole here either.
      const body = createReadStream(g.served);
      try {
        await this.d.publisher.put({ bucket: crl.S3BucketName!, key, body, contentType: 'application/pkix-crl', acl: (crl.S3ObjectAcl ?? 'PUBLIC_READ') as ObjectAcl });
      } finally {
        body.destroy(); // if the publisher gave up before reading it all
      }
      const t3 = performance.now();
      const expiry = await store.read.certificates.nextRevokedExpiry(ca.arn, s.partition || null, g.thisUpdate);
      // Regenerate at the midpoint of the validity window, and once a listed certificate has expired (plus the
      // hour thisUpdate is backdated), so that it appears in exactly one CRL after its expiry and then drops off.
      let dueAt = g.thisUpdate + HOUR + (g.nextUpdate - g.thisUpdate - HOUR) / 2;
      if (expiry !== null) dueAt = Math.min(dueAt, expiry + HOUR + 1000);
      await store.transaction((tx) => tx.crls.published({
        caArn: ca.arn, partition: s.partition, crlNumber: g.crlNumber, thisUpdate: g.thisUpdate, nextUpdate: g.nextUpdate,
        dueAt: Math.floor(dueAt), bucket: crl.S3BucketName!, objectKey: key, revokedCount: g.revoked, requests: s.requests,
      }));
      const ms = (a: number, b: number) => Math.round(b - a);
      log.info('crl published', {
        ca: ca.arn, partition: s.partition || undefined, crlNumber: g.crlNumber, revoked: g.revoked, bytes: g.bytes, bucket: crl.S3BucketName, key,
        ms: { generate: ms(t0, t1), ...g.ms, keep: ms(t1, t2), publish: ms(t2, t3), total: ms(t0, performance.now()) },
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.warn('crl generation or publication failed; will retry', { ca: ca.arn, partition: s.partition || undefined, error: message, retryInMs: this.d.retryMs });
      await store.transaction((tx) => tx.crls.failed(ca.arn, s.partition, this.d.now() + this.d.retryMs, message));
    }
  }

  /** Builds and signs the CRL for a CA (or one partition) now, into a temporary file; its number is claimed durably first. */
  async generate(ca: CaRecord, s: Pick<CrlState, 'partition' | 'thisUpdate'>): Promise<GeneratedCrl> {
    const rc = caRevocation(ca);
    const crl = rc?.CrlConfiguration;
    if (!crl?.Enabled) throw new Error(`CA ${ca.arn} does not publish CRLs`);
    const key = caKeyRef(ca);
    if (!key || !ca.caSubjectDer || !ca.caSki) throw new Error(`CA ${ca.arn} has no installed certificate to issue CRLs under`);
    const alg = caSigningAlgorithm(ca);
    const t = this.d.now();
    const crlNumber = await this.d.store.transaction((tx) => tx.crls.claimNumber(ca.arn, s.partition, t));
    const thisUpdate = Math.floor(t / 1000) * 1000 - HOUR;
    const nextUpdate = Math.floor(t / 1000) * 1000 + (crl.ExpirationInDays ?? 7) * DAY;
    const listedAfter = s.thisUpdate ?? thisUpdate;
    const partition = s.partition || null;
    const idp = partition ? cdpUri(rc, partition, ca.region, this.d.urls) ?? undefined : undefined;
    const served = join(this.crlDir, `${s.partition || ca.id}.crl`);
    await mkdir(this.crlDir, { recursive: true });
    const signer = await this.d.keys.signer(key);
    for (let attempt = 1; ; attempt++) {
      try {
        const t0 = performance.now();
        const tbs = await encodeCrlTbs(
          { signingAlgorithm: alg, issuerDer: ca.caSubjectDer, thisUpdate: new Date(thisUpdate), nextUpdate: new Date(nextUpdate), authorityKeyId: ca.caSki, crlNumber, issuingDistributionPointUri: idp },
          () => this.d.store.read.certificates.revoked(ca.arn, partition, listedAfter),
          await this.d.store.read.certificates.revokedShape(ca.arn, partition, listedAfter),
        );
        // In the served directory, so that putting it in place is a rename (the start-up sweep knows the name).
        const file = temporaryPath(served);
        const t1 = performance.now();
        const w = await writeCrlFile(file, tbs, signer, alg);
        return { crlNumber, thisUpdate, nextUpdate, revoked: tbs.count, file, served, bytes: w.bytes, ms: { size: Math.round(t1 - t0), ...w.ms } };
      } catch (e) {
        if (!(e instanceof CrlChanged) || attempt >= 5) throw e;
      }
    }
  }
}
