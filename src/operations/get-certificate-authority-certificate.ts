// GetCertificateAuthorityCertificate: the installed CA certificate and its chain (parent first, root last; none for a root).
import { stateError, visibleStatus } from '../domain/authority.ts';
import type { Handler } from './context.ts';
import { loadCa } from './context.ts';

export const getCertificateAuthorityCertificate: Handler<'GetCertificateAuthorityCertificate'> = async (input, ctx) => {
  const ca = await loadCa(ctx, input.CertificateAuthorityArn);
  const status = visibleStatus(ca, ctx.now);
  if ((status !== 'ACTIVE' && status !== 'DISABLED' && status !== 'EXPIRED') || !ca.certificatePem) {
    stateError(ca, status, 'return a CA certificate: none is installed yet (import one with ImportCertificateAuthorityCertificate)');
  }
  return ca.certificateChainPem
    ? { Certificate: ca.certificatePem, CertificateChain: ca.certificateChainPem }
    : { Certificate: ca.certificatePem };
};
