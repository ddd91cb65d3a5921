// UpdateCertificateAuthority: ACTIVE ⇄ DISABLED and/or replace the revocation configuration (API.md §3.23).
import { fail } from '../contract/errors.ts';
import { stateError, visibleStatus } from '../domain/authority.ts';
import { normaliseRevocation } from '../domain/revocation-config.ts';
import type { CaRecord } from '../ports/store.ts';
import type { Handler } from './context.ts';
import { loadCa, reloadInTx } from './context.ts';

export const updateCertificateAuthority: Handler<'UpdateCertificateAuthority'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  const check = (ca: CaRecord) => {
    const status = visibleStatus(ca, ctx.now);
    if (status !== 'ACTIVE' && status !== 'DISABLED') stateError(ca, status, 'be updated (only ACTIVE or DISABLED CAs can)');
  };
  check(await loadCa(ctx, arn));
  if (input.Status !== undefined && input.Status !== 'ACTIVE' && input.Status !== 'DISABLED') {
    throw fail('InvalidArgsException', `Status ${input.Status} cannot be set with UpdateCertificateAuthority; use ACTIVE or DISABLED.`);
  }
  const revocation = input.RevocationConfiguration === undefined ? undefined : normaliseRevocation(input.RevocationConfiguration);
  await ctx.svc.store.transaction(async (tx) => {
    const ca = await reloadInTx(tx, ctx, arn);
    check(ca);
    const patch: Partial<CaRecord> = {};
    const target = input.Status === 'ACTIVE' || input.Status === 'DISABLED' ? input.Status : undefined;
    if (target !== undefined && target !== ca.status) {
      patch.status = target;
      patch.lastStateChangeAt = ctx.now;
    }
    if (revocation !== undefined) patch.revocation = revocation ? JSON.stringify(revocation) : null;
    await tx.cas.update(arn, patch);
    // A changed CRL configuration (location, type, validity) is published at once (REVOCATION.md §2.3).
    if (revocation?.CrlConfiguration?.Enabled && patch.revocation !== ca.revocation) await tx.crls.rescheduleCa(arn, ctx.now);
  });
  ctx.svc.crl.poke();
  return {};
};
