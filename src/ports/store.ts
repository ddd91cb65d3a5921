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

/**
 * An issued (or being issued) certificate. `tbs` is fixed when the request is accepted and kept only while the
 * certificate is PENDING (signing fills `der`, which contains it); an ISSUED row's `tbs` is empty.
 */
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
  /** PARTITIONED CRLs: the partition whose CRL lists this certificate (null = the CA's complete CRL). */
  crlPartition?: string | null | undefined;
}

export interface CertificateRepository {
  get(caArn: string, serial: string): Promise<CertificateRecord | undefined>;
  /** Inserts unless this CA already has a certificate with that serial; false when it had. */
  insert(c: CertificateRecord): Promise<boolean>;
  markIssued(caArn: string, serial: string, der: Uint8Array): Promise<void>;
  markFailed(caArn: string, serial: string, reason: string): Promise<void>;
  /** PENDING certificates (signing was interrupted by a restart) in acceptance order, after an opaque cursor (start with 0). */
  pending(after: number, limit: number): Promise<{ rows: CertificateRecord[]; next: number }>;
  /** Just what OCSP needs of a certificate: its status and revocation (no blobs read). */
  revocationStatus(caArn: string, serial: string): Promise<{ status: CertificateStatus; revokedAt: number | null; reason: string | null } | undefined>;
  /** Marks an ISSUED certificate revoked and counts it in the CA's revocations; false when it was not ISSUED or already revoked. */
  revoke(caArn: string, serial: string, at: number, reason: string): Promise<boolean>;
  /** Revocations the CA has ever recorded (expired certificates included): a cheap upper bound for the quota check. */
  revokedTotal(caArn: string): Promise<number>;
  /** Revoked certificates of the CA whose notAfter is after `now`, counted up to `upTo` at most. */
  unexpiredRevoked(caArn: string, now: number, upTo: number): Promise<number>;
  /**
   * The revoked certificates a CRL lists, in ascending serial order: those of the CA (of one partition when
   * `partition` is given) whose notAfter is after `listedAfter`. Streams in batches: safe for millions of rows.
   */
  revoked(caArn: string, partition: string | null, listedAfter: number): AsyncIterable<RevokedEntry[]>;
  /** How many of those there are, grouped by what their encoded size depends on (one aggregate query, no rows read). */
  revokedShape(caArn: string, partition: string | null, listedAfter: number): Promise<RevokedShape[]>;
  /** The earliest notAfter after `after` among the CA's (partition's) revoked certificates, or null. */
  nextRevokedExpiry(caArn: string, partition: string | null, after: number): Promise<number | null>;
  /** Every ISSUED certificate of the CA in (issuedAt, serial) order, for audit reports. Streams. */
  issued(caArn: string): AsyncIterable<CertificateRecord>;
}

export interface RevokedEntry { serial: string; revokedAt: number; reason: string }
/** A group of listed revoked certificates alike in serial length (hex digits), first digit ≥ 8, revocation year < 2050 and reason. */
export interface RevokedShape { serialDigits: number; highBit: boolean; before2050: boolean; reason: string; count: number }

/** One CRL's bookkeeping: its schedule, the last number used and where it went. `partition` '' = the complete CRL. */
export interface CrlState {
  caArn: string;
  partition: string;
  /** When it should next be generated (epoch ms); null = nothing scheduled. */
  dueAt: number | null;
  /** Counts schedule requests (revocations, configuration changes): one arriving during a generation is not lost. */
  requests: number;
  /** The last CRL number handed out (0 = none yet). */
  crlNumber: number;
  thisUpdate: number | null;
  nextUpdate: number | null;
  bucket: string | null;
  objectKey: string | null;
  revokedCount: number;
  failures: number;
  lastError: string | null;
}

export interface CrlStateRepository {
  get(caArn: string, partition: string): Promise<CrlState | undefined>;
  forCa(caArn: string): Promise<CrlState[]>;
  /** Every id a CRL can be named by: each stored CA's id (DELETED ones included until purged) and each CRL partition's. */
  liveIds(): Promise<Set<string>>;
  /** CRLs due at or before `now`, earliest first. */
  due(now: number, limit: number): Promise<CrlState[]>;
  /** The earliest due time of any CRL, or null. */
  nextDue(): Promise<number | null>;
  /** Schedules generation at `at` unless it is already due sooner; creates the bookkeeping row when missing. */
  scheduleBy(caArn: string, partition: string, at: number): Promise<void>;
  /** Creates the bookkeeping row due at `at` unless it exists (the first certificate pointing to a CRL schedules it). */
  ensure(caArn: string, partition: string, at: number): Promise<void>;
  /** Makes every CRL of the CA due at `at` (configuration changed, CA restored). */
  rescheduleCa(caArn: string, at: number): Promise<void>;
  /** Nothing more to generate (CA no longer publishes), unless a request arrived after `requests` was read. */
  unschedule(caArn: string, partition: string, requests: number): Promise<void>;
  /** The CA's newest CRL partition and how many certificates it holds, or undefined. */
  openPartition(caArn: string): Promise<{ id: string; issued: number } | undefined>;
  /** Counts one more certificate in a partition (created when new, with its CRL due at `at`). */
  addToPartition(caArn: string, id: string, at: number): Promise<void>;
  /** Claims the next CRL number (strictly above the last) for a CRL generated at `at`; returns it. */
  claimNumber(caArn: string, partition: string, at: number): Promise<number>;
  /**
   * Records a published CRL and when the next one is due. `requests` is the count read before generating: when
   * more requests arrived meanwhile, the earlier due time they set is kept (their revocations may be missing).
   */
  published(s: Pick<CrlState, 'caArn' | 'partition' | 'crlNumber' | 'thisUpdate' | 'nextUpdate' | 'dueAt' | 'bucket' | 'objectKey' | 'revokedCount' | 'requests'>): Promise<void>;
  /** Records a failed generation or publication and when to retry (an earlier due time requested meanwhile is kept). */
  failed(caArn: string, partition: string, retryAt: number, error: string): Promise<void>;
}

export type AuditReportStatus = 'CREATING' | 'SUCCESS' | 'FAILED';
export interface AuditReportRecord {
  id: string;
  caArn: string;
  bucket: string;
  s3Key: string;
  format: 'JSON' | 'CSV';
  status: AuditReportStatus;
  createdAt: number;
  failureReason: string | null;
}

export interface AuditReportRepository {
  get(caArn: string, id: string): Promise<AuditReportRecord | undefined>;
  /** The CA's most recent report, or undefined. */
  latest(caArn: string): Promise<AuditReportRecord | undefined>;
  insert(r: AuditReportRecord): Promise<void>;
  finish(id: string, status: 'SUCCESS' | 'FAILED', failureReason: string | null): Promise<void>;
  /** Reports still CREATING (their writing was interrupted by a restart). */
  creating(): Promise<AuditReportRecord[]>;
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
  crls: CrlStateRepository;
  auditReports: AuditReportRepository;
}

export interface Store {
  /** Reads outside a transaction (each statement sees committed data). */
  readonly read: Repositories;
  /** Runs `work` in one serialisable transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
