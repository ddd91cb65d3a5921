// GetCertificateAuthorityCsr: the CA's PEM CSR once its key exists (seed documents; LIFECYCLE.md §4).
import { fail } from '../contract/errors.ts';
import { stateError, visibleStatus } from '../domain/authority.ts';
import type { Handler } from './context.ts';
import { loadCa } from './context.ts';

export const getCertificateAuthorityCsr: Handler<'GetCertificateAuthorityCsr'> = async (input, ctx) => {
  const ca = await loadCa(ctx, input.CertificateAuthorityArn);
  const status = visibleStatus(ca, ctx.now);
  if (status === 'CREATING') {
    throw fail('RequestInProgressException', `The CSR for certificate authority ${ca.arn} is still being generated; try again shortly.`);
  }
  if (status === 'FAILED') {
    throw fail('RequestFailedException', `Certificate authority ${ca.arn} failed during creation (${ca.failureReason ?? 'OTHER'}), so it has no CSR; delete it and create a new one.`);
  }
  if (status === 'DELETED') stateError(ca, status, 'return its CSR; restore it first');
  if (!ca.csrPem) throw fail('RequestFailedException', `Certificate authority ${ca.arn} has no CSR.`);
  return { Csr: ca.csrPem };
};
