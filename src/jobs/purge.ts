// Periodic housekeeping: purge DELETED CAs past their restore window (T13) and forget idempotency tokens after 5 minutes.
import type { Store } from '../ports/store.ts';
import type { Logger } from '../protocol/log.ts';

export const IDEMPOTENCY_WINDOW_MS = 5 * 60 * 1000;

export async function purgeExpired(store: Store, now: number, log: Logger): Promise<number> {
  const n = await store.transaction(async (tx) => {
    const expired = await tx.cas.expiredDeletions(now);
    for (const ca of expired) await tx.cas.delete(ca.arn);
    await tx.idempotency.purgeBefore(now - IDEMPOTENCY_WINDOW_MS);
    return expired.map((c) => c.arn);
  });
  for (const arn of n) log.info('purged deleted CA after its restore window', { arn });
  return n.length;
}
