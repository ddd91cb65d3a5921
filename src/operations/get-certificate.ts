// GetCertificate: the issued certificate and its chain; RequestInProgressException until it is signed.
import { fail } from '../contract/errors.ts';
import { stateError, visibleStatus } from '../domain/authority.ts';
import { certificatePem } from '../x509/certificate.ts';
import type { Handler } from './context.ts';
import { loadCa } from './context.ts';

export const getCertificate: Handler<'GetCertificate'> = async (input, ctx) => {
  const ca = await loadCa(ctx, input.CertificateAuthorityArn);
  const prefix = `${ca.arn}/certificate/`;
  const certArn = input.CertificateArn;
  if (!certArn.startsWith(prefix) || !/^[0-9a-fA-F]{1,40}$/.test(certArn.slice(prefix.length))) {
    throw fail('InvalidArnException', `CertificateArn ${certArn} is not a certificate of ${ca.arn}; expected ${prefix}<serial in hex>.`);
  }
  const status = visibleStatus(ca, ctx.now);
  if (status === 'DELETED') stateError(ca, status, 'return certificates; restore it first');
  const serial = certArn.slice(prefix.length).toLowerCase();
  const cert = await ctx.svc.store.read.certificates.get(ca.arn, serial);
  if (!cert) throw fail('ResourceNotFoundException', `Could not find certificate ${certArn}.`);
  if (cert.status === 'PENDING') throw fail('RequestInProgressException', `Certificate ${certArn} is still being issued; try again shortly.`);
  if (cert.status === 'FAILED' || !cert.der) throw fail('RequestFailedException', `Issuing certificate ${certArn} failed: ${cert.failureReason ?? 'unknown reason'}`);
  const pem = certificatePem(cert.der);
  if (cert.selfIssued || !ca.certificatePem) return { Certificate: pem };
  return { Certificate: pem, CertificateChain: ca.certificatePem + (ca.certificateChainPem ?? '') };
};
