// Certificate authority rules: the status a client sees, and state guards.
import { fail } from '../contract/errors.ts';
import type { KeyRef } from '../ports/keys.ts';
import type { CaRecord } from '../ports/store.ts';
import type { SigningAlgorithm } from '../x509/algorithms.ts';
import type { RevocationConfigurationInput } from './revocation-config.ts';

/** The CA's private key as a KeyStore reference, once its key exists (null while CREATING or FAILED). */
export function caKeyRef(ca: CaRecord): KeyRef | null {
  return ca.keyUri && ca.keySpki ? { uri: ca.keyUri, algorithm: ca.keyAlgorithm, spki: ca.keySpki } : null;
}

export type VisibleStatus = 'CREATING' | 'PENDING_CERTIFICATE' | 'ACTIVE' | 'DELETED' | 'DISABLED' | 'EXPIRED' | 'FAILED';

/** LIFECYCLE.md §3: DELETED wins; an installed certificate past notAfter reads EXPIRED; else the stored status. */
export function visibleStatus(ca: CaRecord, now: number): VisibleStatus {
  if (ca.status === 'DELETED') return 'DELETED';
  if ((ca.status === 'ACTIVE' || ca.status === 'DISABLED') && ca.notAfter !== null && ca.notAfter <= now) return 'EXPIRED';
  return ca.status;
}

export function stateError(ca: CaRecord, status: VisibleStatus, action: string): never {
  throw fail('InvalidStateException', `The certificate authority ${ca.arn} is in the ${status} state and cannot ${action}.`);
}

/** The CA's stored revocation configuration (defaults filled), or null when it has none. */
export function caRevocation(ca: CaRecord): RevocationConfigurationInput | null {
  return ca.revocation ? (JSON.parse(ca.revocation) as RevocationConfigurationInput) : null;
}

/** The signing algorithm of the CA's configuration: what it signs its CRLs and OCSP responses with. */
export function caSigningAlgorithm(ca: CaRecord): SigningAlgorithm {
  return (JSON.parse(ca.configuration) as { SigningAlgorithm: SigningAlgorithm }).SigningAlgorithm;
}
