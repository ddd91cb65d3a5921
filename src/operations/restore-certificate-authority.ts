// RestoreCertificateAuthority: a DELETED CA inside its window returns to its pre-deletion status (never straight to ACTIVE use).
import { stateError, visibleStatus } from '../domain/authority.ts';
import type { Handler } from './context.ts';
import { loadCa, reloadInTx } from './context.ts';

export const restoreCertificateAuthority: Handler<'RestoreCertificateAuthority'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  await loadCa(ctx, arn);
  await ctx.svc.store.transaction(async (tx) => {
    const ca = await reloadInTx(tx, ctx, arn);
    const status = visibleStatus(ca, ctx.now);
    if (status !== 'DELETED') stateError(ca, status, 'be restored (only DELETED CAs can)');
    await tx.cas.update(arn, {
      status: ca.statusBeforeDeletion ?? 'PENDING_CERTIFICATE', statusBeforeDeletion: null, restorableUntil: null, lastStateChangeAt: ctx.now,
    });
    await tx.crls.rescheduleCa(arn, ctx.now); // CRLs stopped while it was DELETED
  });
  ctx.svc.crl.poke();
  return {};
};
