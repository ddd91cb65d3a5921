// Certificate authority rules: the status a client sees, the wire view of a stored CA, and state guards.
import { fail } from '../contract/errors.ts';
import type { CaRecord } from '../ports/store.ts';

export type VisibleStatus = 'CREATING' | 'PENDING_CERTIFICATE' | 'ACTIVE' | 'DELETED' | 'DISABLED' | 'EXPIRED' | 'FAILED';

/** LIFECYCLE.md §3: DELETED wins; an installed certificate past notAfter reads EXPIRED; else the stored status. */
export function visibleStatus(ca: CaRecord, now: number): VisibleStatus {
  if (ca.status === 'DELETED') return 'DELETED';
  if ((ca.status === 'ACTIVE' || ca.status === 'DISABLED') && ca.notAfter !== null && ca.notAfter <= now) return 'EXPIRED';
  return ca.status;
}

export const DEFAULT_REVOCATION = { CrlConfiguration: { Enabled: false }, OcspConfiguration: { Enabled: false } } as const;

/** The `CertificateAuthority` structure of Describe/List. Members without a value are omitted. */
export function toWire(ca: CaRecord, now: number): Record<string, unknown> {
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
  return out;
}

export function stateError(ca: CaRecord, status: VisibleStatus, action: string): never {
  throw fail('InvalidStateException', `The certificate authority ${ca.arn} is in the ${status} state and cannot ${action}.`);
}
