// RevokeCertificate (REVOCATION.md §1): records the revocation and schedules the CA's CRL; OCSP sees it at once.
import { fail } from '../contract/errors.ts';
import { caRevocation, stateError, visibleStatus } from '../domain/authority.ts';
import type { Handler } from './context.ts';
import { loadCa, reloadInTx } from './context.ts';

/**
 * The serial as stored (lower-case hex magnitude, whole octets) from what a user pastes: AWS's `e8:cb:d2:…`,
 * openssl's `E8CBD2…`, with or without colons and leading zero octets (REVOCATION.md §1.1).
 */
export function normaliseSerial(input: string): string {
  const s = input.trim();
  if (!/^[0-9a-fA-F]+$/.test(s) && !/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/.test(s)) {
    throw fail('InvalidRequestException', `CertificateSerial '${input}' is not a hexadecimal serial number; give it as hex digits, optionally with colons between octets (e.g. 4a:f3:09:… as in the certificate ARN or openssl's output).`);
  }
  const hex = s.includes(':') ? s.split(':').map((o) => o.padStart(2, '0')).join('') : s;
  let digits = hex.toLowerCase().replace(/^0+/, '');
  if (digits.length === 0) throw fail('InvalidRequestException', `CertificateSerial '${input}' is zero; serial numbers are positive.`);
  if (digits.length > 40) throw fail('InvalidRequestException', `CertificateSerial '${input}' has ${digits.length} significant hex digits; serial numbers have at most 20 octets (40 digits).`);
  if (digits.length % 2 === 1) digits = `0${digits}`;
  return digits;
}

export const revokeCertificate: Handler<'RevokeCertificate'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  const serial = normaliseSerial(input.CertificateSerial);
  const check = (ca: Awaited<ReturnType<typeof loadCa>>) => {
    const status = visibleStatus(ca, ctx.now);
    if (status !== 'ACTIVE' && status !== 'DISABLED') stateError(ca, status, 'revoke certificates (only ACTIVE or DISABLED CAs can)');
  };
  check(await loadCa(ctx, arn));
  const at = Math.floor(ctx.now / 1000) * 1000; // whole seconds: the same instant in the CRL, OCSP and audit reports
  const { svc } = ctx;
  const scheduled = await svc.store.transaction(async (tx) => {
    const ca = await reloadInTx(tx, ctx, arn);
    check(ca);
    const cert = await tx.certificates.get(arn, serial);
    const certArn = `${arn}/certificate/${serial}`;
    if (!cert || cert.status === 'FAILED') {
      throw fail('ResourceNotFoundException', `Certificate authority ${arn} has not issued a certificate with serial ${input.CertificateSerial}.`);
    }
    if (cert.status === 'PENDING') throw fail('RequestInProgressException', `Certificate ${certArn} is still being issued; revoke it once GetCertificate returns it.`);
    if (cert.selfIssued) throw fail('InvalidRequestException', `Certificate ${certArn} is the CA's own self-signed root certificate, which cannot be revoked; disable or delete the CA instead.`);
    if (cert.revokedAt !== null) {
      throw fail('RequestAlreadyProcessedException', `Certificate ${certArn} was already revoked at ${new Date(cert.revokedAt).toISOString()} (${cert.revocationReason}); the reason cannot be changed.`);
    }
    if (cert.notAfter <= ctx.now) throw fail('InvalidRequestException', `Certificate ${certArn} expired at ${new Date(cert.notAfter).toISOString()}; expired certificates cannot be revoked.`);
    const rc = caRevocation(ca);
    // The quota bounds a complete CRL's size (LIFECYCLE.md §11); a PARTITIONED CA's CRLs stay small whatever it revokes.
    // The running total is checked first, so the exact count (an index scan) only runs once a CA is near its quota.
    const quota = svc.config.revokedQuota;
    if (rc?.CrlConfiguration?.CrlType !== 'PARTITIONED' && await tx.certificates.revokedTotal(arn) >= quota
      && await tx.certificates.unexpiredRevoked(arn, ctx.now, quota) >= quota) {
      throw fail('LimitExceededException', `Certificate authority ${arn} already has ${quota} unexpired revoked certificates, its limit unless its CRL is PARTITIONED; the quota frees up as revoked certificates expire.`);
    }
    await tx.certificates.revoke(arn, serial, at, input.RevocationReason);
    if (!rc?.CrlConfiguration?.Enabled) return false;
    // Coalesced: the first revocation schedules the CRL `debounce` later; those that follow before it ride along.
    await tx.crls.scheduleBy(arn, cert.crlPartition ?? '', ctx.now + svc.crl.debounceMs);
    return true;
  });
  // Acknowledged only once no OCSP answer cached before the revocation can be served again, on any port.
  await svc.ocsp.invalidate(arn, serial);
  if (scheduled) svc.crl.poke();
  svc.log.info('certificate revoked', { ca: arn, serial, reason: input.RevocationReason });
  return {};
};
