// Storage port: the repositories every adapter (SQLite now, PostgreSQL later) implements, and one transaction boundary.
import type { KeyAlgorithm } from '../x509/algorithms.ts';

export type StoredStatus = 'CREATING' | 'PENDING_CERTIFICATE' | 'ACTIVE' | 'DISABLED' | 'FAILED' | 'DELETED';

/** One certificate authority as stored. Times are epoch milliseconds. JSON columns hold the wire structures. */
export interface CaRecord {
  arn: string;
  id: string;
  account: string;
  region: string;
  type: 'ROOT' | 'SUBORDINATE';
  status: StoredStatus;
  /** Status the CA had when it was deleted (restored to it). */
  statusBeforeDeletion: StoredStatus | null;
  failureReason: string | null;
  /** CertificateAuthorityConfiguration as accepted (JSON text). */
  configuration: string;
  /** RevocationConfiguration as stored, defaults filled (JSON text), or null. */
  revocation: string | null;
  usageMode: string;
  keyStorageSecurityStandard: string;
  keyAlgorithm: KeyAlgorithm;
  createdAt: number;
  lastStateChangeAt: number;
  restorableUntil: number | null;
  /** KeyStore reference (opaque) once the key exists. */
  keyUri: string | null;
  keySpki: Uint8Array | null;
  csrPem: string | null;
  certificatePem: string | null;
  certificateChainPem: string | null;
  serial: string | null;
  notBefore: number | null;
  notAfter: number | null;
  /** From the installed CA certificate: exact subject DER (the issuer of what this CA signs), SKI, pathLenConstraint (null = none). */
  caSubjectDer: Uint8Array | null;
  caSki: Uint8Array | null;
  caPathLen: number | null;
}

export type CertificateStatus = 'PENDING' | 'ISSUED' | 'FAILED';

/** An issued (or being issued) certificate. `tbs` is fixed when the request is accepted; signing fills `der`. */
export interface CertificateRecord {
  caArn: string;
  /** Lower-case hex of the serial magnitude, no separators (the ARN suffix). */
  serial: string;
  status: CertificateStatus;
  tbs: Uint8Array;
  signingAlgorithm: string;
  der: Uint8Array | null;
  failureReason: string | null;
  templateArn: string;
  notBefore: number;
  notAfter: number;
  issuedAt: number;
  requestedBy: string;
  /** A root CA's own certificate (no chain). */
  selfIssued: boolean;
  revokedAt: number | null;
  revocationReason: string | null;
}

export interface CertificateRepository {
  get(caArn: string, serial: string): Promise<CertificateRecord | undefined>;
  /** Inserts unless this CA already has a certificate with that serial; false when it had. */
  insert(c: CertificateRecord): Promise<boolean>;
  markIssued(caArn: string, serial: string, der: Uint8Array): Promise<void>;
  markFailed(caArn: string, serial: string, reason: string): Promise<void>;
  /** PENDING certificates (signing was interrupted by a restart) in acceptance order, after an opaque cursor (start with 0). */
  pending(after: number, limit: number): Promise<{ rows: CertificateRecord[]; next: number }>;
}

export interface TagRecord { key: string; value: string | null }

export interface CaRepository {
  get(arn: string): Promise<CaRecord | undefined>;
  insert(ca: CaRecord): Promise<void>;
  update(arn: string, patch: Partial<Omit<CaRecord, 'arn' | 'id' | 'account' | 'region'>>): Promise<void>;
  delete(arn: string): Promise<void>;
  /** Page of CAs of an account/region ordered by (createdAt, arn), strictly after the cursor. */
  list(account: string, region: string, after: { createdAt: number; arn: string } | null, limit: number): Promise<CaRecord[]>;
  /** CAs that count against the per-region quota (every stored CA, DELETED included). */
  count(account: string, region: string): Promise<number>;
  withStatus(status: StoredStatus): Promise<CaRecord[]>;
  /** DELETED CAs whose restore window ended at or before `now`. */
  expiredDeletions(now: number): Promise<CaRecord[]>;
  /** What issuance re-checks inside its transaction, read narrowly (the whole record carries keys and PEMs). */
  issuanceState(arn: string): Promise<{ status: StoredStatus; notAfter: number | null; issuedCount: number } | undefined>;
  /** Counts one more certificate against the CA's lifetime quota (not a change of the CA record itself). */
  addIssued(arn: string): Promise<void>;
}

export interface TagRepository {
  list(arn: string): Promise<TagRecord[]>;
  /** Replaces the CA's whole tag set (insertion order kept). */
  replace(arn: string, tags: TagRecord[]): Promise<void>;
}

export interface IdempotencyRecord {
  account: string; region: string; operation: string; scope: string; token: string;
  result: string; createdAt: number;
}

export interface IdempotencyRepository {
  get(k: Omit<IdempotencyRecord, 'result' | 'createdAt'>, notBefore: number): Promise<IdempotencyRecord | undefined>;
  put(r: IdempotencyRecord): Promise<void>;
  purgeBefore(ts: number): Promise<number>;
}

export interface Repositories {
  cas: CaRepository;
  certificates: CertificateRepository;
  tags: TagRepository;
  idempotency: IdempotencyRepository;
}

export interface Store {
  /** Reads outside a transaction (each statement sees committed data). */
  readonly read: Repositories;
  /** Runs `work` in one serialisable transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
