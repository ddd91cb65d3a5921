// DeleteCertificateAuthority: DELETED with a 7–30 day restore window, or purged at once from CREATING/FAILED (LIFECYCLE.md §5).
import { stateError, visibleStatus } from '../domain/authority.ts';
import type { Handler } from './context.ts';
import { loadCa, reloadInTx } from './context.ts';

const DAY_MS = 24 * 3600 * 1000;

export const deleteCertificateAuthority: Handler<'DeleteCertificateAuthority'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  await loadCa(ctx, arn);
  const days = input.PermanentDeletionTimeInDays ?? 30;
  const outcome = await ctx.svc.store.transaction(async (tx) => {
    const ca = await reloadInTx(tx, ctx, arn);
    const status = visibleStatus(ca, ctx.now);
    if (status === 'ACTIVE') stateError(ca, status, 'be deleted; disable it first with UpdateCertificateAuthority Status=DISABLED');
    if (status === 'DELETED') stateError(ca, status, 'be deleted again');
    if (status === 'CREATING' || status === 'FAILED') {
      await tx.cas.delete(arn);
      return 'purged';
    }
    await tx.cas.update(arn, {
      status: 'DELETED', statusBeforeDeletion: ca.status, restorableUntil: ctx.now + days * DAY_MS, lastStateChangeAt: ctx.now,
    });
    return 'deleted';
  });
  ctx.svc.log.info(outcome === 'purged' ? 'CA purged' : 'CA deleted', { requestId: ctx.requestId, arn, ...(outcome === 'deleted' ? { restorableForDays: days } : {}) });
  return {};
};
