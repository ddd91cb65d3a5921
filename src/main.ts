// Composition root: the only place that builds adapters from configuration and wires them together.
import { randomUUID, hkdfSync } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.ts';
import { loadCredentials, type CredentialFile } from './config/credentials.ts';
import { NextTokens } from './protocol/next-token.ts';
import { createApiServer } from './http/server.ts';
import { CaCreation } from './jobs/ca-creation.ts';
import { CrlService } from './jobs/crl.ts';
import { AuditReports } from './jobs/audit-reports.ts';
import { OcspResponder } from './revocation/ocsp-responder.ts';
import { CrlPartitions } from './revocation/crl-partitions.ts';
import { OcspListeners } from './revocation/ocsp-listeners.ts';
import { Issuance } from './jobs/issuance.ts';
import { serverUrlSettings, type RevocationUrlSettings } from './domain/revocation-urls.ts';
import { DirectoryPublisher } from './publish/directory.ts';
import { S3Publisher } from './publish/s3.ts';
import { PrepPool } from './jobs/prep-pool.ts';
import { purgeExpired } from './jobs/purge.ts';
import { TaskRunner } from './jobs/runner.ts';
import { loadKek } from './keys/software/kek.ts';
import { SoftwareKeyStore } from './keys/software/keystore.ts';
import type { Services } from './operations/context.ts';
import { createLogger, type Logger } from './protocol/log.ts';
import type { Credential } from './protocol/sigv4.ts';
import { syncDirectory } from './storage/durable-file.ts';
import { SqliteStore } from './storage/sqlite/store.ts';

export interface RunningServer {
  url: string;
  port: number;
  /** A key pair generated on this start (first start on an empty data directory), to be shown once. */
  createdCredential: CredentialFile | null;
  close(): Promise<void>;
}

function listenUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  if (!existsSync(config.dataDir)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    syncDirectory(dirname(resolve(config.dataDir))); // the new directory's own name, durable before anything is kept in it
  }
  const { kek, created: kekCreated, source } = loadKek({ dataDir: config.dataDir, kekBase64: config.kekBase64, kekFile: config.kekFile });
  if (kekCreated) log.info('generated a new key-encryption key', { file: source });
  const { credentials, created } = loadCredentials(config.dataDir, config.bootstrap);
  const byKey = new Map<string, Credential>(credentials.map((c) => [c.accessKeyId, c]));

  const dbPath = join(config.dataDir, 'openpca.sqlite');
  const store = new SqliteStore({ path: dbPath, synchronous: config.sqliteSynchronous, onError: (e) => log.error('storage', { error: e }) });
  const keys = new SoftwareKeyStore(kek);
  const runner = new TaskRunner(log);
  const now = () => Date.now();
  const creation = new CaCreation({ store, keys, log, runner, now, timeoutMs: config.creationTimeoutMs, delayMs: config.creationDelayMs });
  const issuance = new Issuance({ store, keys, log, runner, delayMs: config.issuanceDelayMs });
  const tokenKey = new Uint8Array(hkdfSync('sha256', kek, 'openpca', 'next-token-mac', 32));
  const prep = new PrepPool({ size: config.workers, keys, kek });
  // CDP/AIA URLs: filled in once the listening port is known (before the first request is read).
  const urls: RevocationUrlSettings = { crlBaseUrl: config.crlBaseUrl, ocspUrl: config.ocspUrl };
  const publisher = config.publisher === 's3' ? new S3Publisher(config.s3) : new DirectoryPublisher(config.bucketsDir);
  const crl = new CrlService({
    store, keys, publisher, log, runner, now, urls, servedDir: join(config.dataDir, 'served'), debounceMs: config.crlDebounceMs, retryMs: config.crlRetryMs,
  });
  const audit = new AuditReports({ store, publisher, log, runner });
  const partitions = new CrlPartitions({ store, size: config.crlPartitionSize, uuid: randomUUID });
  // The dedicated OCSP port listens before the API does: the OCSP URL in certificates names its port.
  const ocspListeners = config.ocspPort === undefined ? null : await OcspListeners.start(config.ocspWorkers, {
    dbPath, kek, host: config.host, port: config.ocspPort, validityMs: config.ocspValidityMs, drainMax: config.maxBodyBytes, logLevel: config.logLevel,
  }, log);
  const ocsp = new OcspResponder({ store, keys, log, now, validityMs: config.ocspValidityMs, peers: ocspListeners });
  const svc: Services = {
    store, keys, creation, issuance, prep, crl, audit, ocsp, partitions, publisher, urls, config, tokens: new NextTokens(tokenKey), log, now, uuid: randomUUID,
  };

  const resumed = await creation.resumeAll();
  if (resumed) log.info('resuming CA creation interrupted by a restart', { count: resumed });
  const reports = await audit.resumeAll();
  if (reports) log.info('writing audit reports interrupted by a restart', { count: reports });
  const resigned = await issuance.resumeAll();
  if (resigned) log.info('signing certificates accepted before a restart', { count: resigned });
  const purge = async (atStart = false) => {
    try {
      if (await purgeExpired(store, now(), log) > 0 || atStart) crl.sweep();
    } catch (e) { log.error('purge failed', { error: e }); }
  };
  await purge(true);
  const timer = setInterval(() => void runner.run('purge', purge), config.purgeIntervalMs);
  timer.unref();

  const server = createApiServer({ svc, lookupCredential: (id) => byKey.get(id) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      Object.assign(urls, serverUrlSettings(config, listenUrl(config.host, (server.address() as AddressInfo).port), ocspListeners?.port));
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = listenUrl(config.host, port);
  crl.poke();
  if (!config.publicUrl && (config.host === '0.0.0.0' || config.host === '::') && (!config.crlBaseUrl || !config.ocspUrl)) {
    log.warn('CRL and OCSP URLs in certificates name the wildcard listen address; set OPENPCA_PUBLIC_URL to the URL clients reach this server at', { url: urls.crlBaseUrl });
  }
  log.info('listening', { url, port, ...(ocspListeners ? { ocsp: { port: ocspListeners.port, listeners: config.ocspWorkers } } : {}), dataDir: config.dataDir, publisher: publisher.description, accounts: [...new Set(credentials.map((c) => c.accountId))] });

  let closing: Promise<void> | null = null;
  return {
    url, port, createdCredential: created,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        creation.stop();
        issuance.stop();
        crl.stop();
        await closed;
        await runner.drain();
        await prep.close();
        await ocspListeners?.close();
        if (publisher instanceof S3Publisher) publisher.close();
        await store.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}
