// The wire view of a stored CA: the `CertificateAuthority` structure of Describe and List (members without a value omitted).
import type { CertificateAuthority } from '../contract/generated.ts';
import { visibleStatus } from '../domain/authority.ts';
import type { CaRecord } from '../ports/store.ts';

export const DEFAULT_REVOCATION = { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } } as const;

export function toWire(ca: CaRecord, now: number): CertificateAuthority {
  const status = visibleStatus(ca, now);
  const out: Record<string, unknown> = {
    Arn: ca.arn,
    OwnerAccount: ca.account,
    CreatedAt: new Date(ca.createdAt),
    LastStateChangeAt: new Date(ca.lastStateChangeAt),
    Type: ca.type,
  };
  if (ca.serial !== null) out.Serial = ca.serial;
  out.Status = status;
  if (ca.notBefore !== null) out.NotBefore = new Date(ca.notBefore);
  if (ca.notAfter !== null) out.NotAfter = new Date(ca.notAfter);
  if (status === 'FAILED' && ca.failureReason) out.FailureReason = ca.failureReason;
  out.CertificateAuthorityConfiguration = JSON.parse(ca.configuration);
  out.RevocationConfiguration = ca.revocation ? JSON.parse(ca.revocation) : structuredClone(DEFAULT_REVOCATION);
  if (status === 'DELETED' && ca.restorableUntil !== null) out.RestorableUntil = new Date(ca.restorableUntil);
  out.KeyStorageSecurityStandard = ca.keyStorageSecurityStandard;
  out.UsageMode = ca.usageMode;
  return out as CertificateAuthority;
}
