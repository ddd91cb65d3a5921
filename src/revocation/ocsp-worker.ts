// OCSP listener thread: one of several that each listen on the dedicated OCSP port (SO_REUSEPORT, so the kernel
// spreads connections over them) and answer from their own read-only database connection and their own KeyStore,
// opened from the same key-encryption key. Invalidations come from RevokeCertificate on the main thread and are
// acknowledged once applied, so a revocation is acknowledged only after no listener can answer "good" from cache.
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { LogLevel } from '../config/config.ts';
import { createOcspServer } from '../http/ocsp.ts';
import { SoftwareKeyStore } from '../keys/software/keystore.ts';
import { createLogger } from '../protocol/log.ts';
import { openSqliteReader } from '../storage/sqlite/store.ts';
import { OcspResponder } from './ocsp-responder.ts';

export interface OcspWorkerData { dbPath: string; kek: Uint8Array; host: string; port: number; validityMs: number; drainMax: number; logLevel: LogLevel }
export type OcspWorkerMessage = { listening: number } | { invalidated: number };
export type OcspWorkerCommand = { invalidate: number; caArn: string; serial: string };

const d = workerData as OcspWorkerData;
const log = createLogger(d.logLevel);
const { read } = openSqliteReader(d.dbPath);
// A thread of its own: signing runs right here rather than on the libuv threadpool.
const keys = new SoftwareKeyStore(d.kek, { signOnThisThread: true });
const now = () => Date.now();
const responder = new OcspResponder({ store: { read }, keys, log, now, validityMs: d.validityMs });
const server = createOcspServer({ respond: (der) => responder.respond(der), now, drainMax: d.drainMax }, log);

parentPort!.on('message', (m: OcspWorkerCommand) => {
  void responder.invalidate(m.caArn, m.serial).then(() => parentPort!.postMessage({ invalidated: m.invalidate } satisfies OcspWorkerMessage));
});
server.listen({ host: d.host, port: d.port, reusePort: true }, () => {
  parentPort!.postMessage({ listening: (server.address() as AddressInfo).port } satisfies OcspWorkerMessage);
});
