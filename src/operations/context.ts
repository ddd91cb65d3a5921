// What every operation handler receives: the caller, the request's clock reading, and the services it may use.
import { fail } from '../contract/errors.ts';
import type { OperationInput, OperationName, OperationOutput } from '../contract/generated.ts';
import type { Config } from '../config/config.ts';
import { parseCaArn } from '../domain/arn.ts';
import type { NextTokens } from '../protocol/next-token.ts';
import type { CaCreation } from '../jobs/ca-creation.ts';
import type { Issuance } from '../jobs/issuance.ts';
import type { PrepPool } from '../jobs/prep-pool.ts';
import type { CrlService } from '../jobs/crl.ts';
import type { AuditReports } from '../jobs/audit-reports.ts';
import type { OcspResponder } from '../revocation/ocsp-responder.ts';
import type { CrlPartitions } from '../revocation/crl-partitions.ts';
import type { RevocationUrlSettings } from '../domain/revocation-urls.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { KeyStore } from '../ports/keys.ts';
import type { CaRecord, Store } from '../ports/store.ts';
import type { Logger } from '../protocol/log.ts';

export interface Services {
  store: Store;
  keys: KeyStore;
  creation: CaCreation;
  issuance: Issuance;
  prep: PrepPool;
  crl: CrlService;
  audit: AuditReports;
  /** The API port's OCSP responder; its invalidations also reach the dedicated port's listener threads. */
  ocsp: OcspResponder;
  partitions: CrlPartitions;
  publisher: Publisher;
  /** CDP and AIA URL settings (this server's own URL unless configured). */
  urls: RevocationUrlSettings;
  config: Config;
  tokens: NextTokens;
  log: Logger;
  now(): number;
  uuid(): string;
}

export interface RequestContext {
  accountId: string;
  region: string;
  accessKeyId: string;
  requestId: string;
  /** The request's time (epoch ms), read once. */
  now: number;
  svc: Services;
}

export type Handler<K extends OperationName> = (input: OperationInput<K>, ctx: RequestContext) => Promise<OperationOutput<K>>;

/**
 * Resolves a CA ARN for the caller: InvalidArnException for an ARN of the wrong kind or region,
 * ResourceNotFoundException when the caller's account has no such CA (or it was purged).
 * A DELETED CA whose restore window has ended is purged here, lazily.
 */
export async function loadCa(ctx: RequestContext, arn: string): Promise<CaRecord> {
  const parsed = parseCaArn(arn, ctx.region);
  const notFound = () => fail('ResourceNotFoundException', `Could not find certificate authority ${arn} in account ${ctx.accountId}, region ${ctx.region}.`);
  if (parsed.account !== ctx.accountId) throw notFound();
  const ca = await ctx.svc.store.read.cas.get(arn);
  if (!ca || ca.account !== ctx.accountId || ca.region !== ctx.region) throw notFound();
  if (ca.status === 'DELETED' && ca.restorableUntil !== null && ca.restorableUntil <= ctx.now) {
    await ctx.svc.store.transaction(async (tx) => {
      const cur = await tx.cas.get(arn);
      if (cur?.status === 'DELETED' && cur.restorableUntil !== null && cur.restorableUntil <= ctx.now) await tx.cas.delete(arn);
    });
    ctx.svc.crl.sweep();
    throw notFound();
  }
  return ca;
}

/** Re-reads the CA inside a transaction; it may have changed or vanished since `loadCa`. */
export async function reloadInTx(tx: { cas: { get(arn: string): Promise<CaRecord | undefined> } }, ctx: RequestContext, arn: string): Promise<CaRecord> {
  const ca = await tx.cas.get(arn);
  if (!ca) throw fail('ResourceNotFoundException', `Could not find certificate authority ${arn} in account ${ctx.accountId}, region ${ctx.region}.`);
  return ca;
}

export function notImplemented<K extends OperationName>(op: K): Handler<K> {
  return async () => {
    throw fail('InvalidRequestException', `${op} is not implemented by this OpenPCA server yet; it arrives with a later release.`);
  };
}
