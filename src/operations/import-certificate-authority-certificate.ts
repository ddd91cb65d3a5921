// ImportCertificateAuthorityCertificate: install (or renew) the CA certificate and its chain; PENDING_CERTIFICATE → ACTIVE.
import { fail } from '../contract/errors.ts';
import { stateError, visibleStatus } from '../domain/authority.ts';
import type { CaRecord } from '../ports/store.ts';
import { validateCaImport } from '../x509/import.ts';
import type { Handler } from './context.ts';
import { loadCa, reloadInTx } from './context.ts';

function checkState(ca: CaRecord, now: number): void {
  const status = visibleStatus(ca, now);
  if (status === 'CREATING') throw fail('RequestInProgressException', `Certificate authority ${ca.arn} is still being created; wait until its CSR exists.`);
  if (status !== 'PENDING_CERTIFICATE' && status !== 'ACTIVE' && status !== 'EXPIRED') {
    stateError(ca, status, 'import a CA certificate (allowed in PENDING_CERTIFICATE, ACTIVE and EXPIRED)');
  }
}

export const importCertificateAuthorityCertificate: Handler<'ImportCertificateAuthorityCertificate'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  const ca = await loadCa(ctx, arn);
  checkState(ca, ctx.now);
  if (!ca.keySpki) throw fail('RequestFailedException', `Certificate authority ${arn} has no key.`);
  const imported = validateCaImport({
    caType: ca.type, caSpkiDer: ca.keySpki, certificate: input.Certificate,
    chain: input.CertificateChain && input.CertificateChain.length ? input.CertificateChain : undefined, now: ctx.now,
  });
  await ctx.svc.store.transaction(async (tx) => {
    const cur = await reloadInTx(tx, ctx, arn);
    checkState(cur, ctx.now);
    const before = visibleStatus(cur, ctx.now);
    const status = cur.status === 'PENDING_CERTIFICATE' ? 'ACTIVE' : cur.status;
    const next = { ...cur, status, notAfter: imported.notAfter } as CaRecord;
    const changed = visibleStatus(next, ctx.now) !== before;
    await tx.cas.update(arn, {
      status, certificatePem: imported.certificatePem, certificateChainPem: imported.chainPem, serial: imported.serialHex,
      notBefore: imported.notBefore, notAfter: imported.notAfter, caSubjectDer: imported.subjectDer, caSki: imported.ski,
      caPathLen: imported.pathLen, ...(changed ? { lastStateChangeAt: ctx.now } : {}),
    });
  });
  ctx.svc.log.info('CA certificate imported', { requestId: ctx.requestId, arn, serial: imported.serialHex });
  return {};
};
