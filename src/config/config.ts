// One typed, frozen Config from command-line flags, then OPENPCA_* environment variables, then defaults.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  logLevel: LogLevel;
  /** Regions the server answers for; null = any syntactically valid region. */
  regions: readonly string[] | null;
  kekBase64: string | undefined;
  kekFile: string | undefined;
  bootstrap: { accessKeyId: string; secretAccessKey: string; accountId: string } | undefined;
  maxBodyBytes: number;
  caQuota: number;
  /** A CA still CREATING after this long is moved to FAILED (REQUEST_TIMED_OUT). */
  creationTimeoutMs: number;
  /** Artificial wait before a CA's key is generated, so clients can exercise their CREATING/waiter paths. */
  creationDelayMs: number;
  purgeIntervalMs: number;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Base URL of CDPs: 'aws' = AWS's S3 URL, undefined = this server's own URL (it serves the CRLs). */
  crlBaseUrl: string | undefined;
  /** OCSP URL in AIA: 'aws' = AWS's responder URL, undefined = this server's own /ocsp. */
  ocspUrl: string | undefined;
  /** The URL clients reach this server at (CDP/AIA defaults); undefined = the address it listens on. */
  publicUrl: string | undefined;
  /** Where the default Publisher keeps buckets (one directory per bucket). */
  bucketsDir: string;
  /** Where CRLs and audit reports go: 'dir' (bucketsDir) or an S3-compatible service. */
  publisher: 'dir' | 's3';
  s3: { endpoint: string | undefined; region: string; accessKeyId: string | undefined; secretAccessKey: string | undefined; forcePathStyle: boolean };
  crlDebounceMs: number;
  crlRetryMs: number;
  /** Certificates per CRL partition of a PARTITIONED CA. */
  crlPartitionSize: number;
  /** At most one audit report per CA in this interval. */
  auditReportIntervalMs: number;
  /** OCSP responses are valid (nextUpdate − thisUpdate) this long. */
  ocspValidityMs: number;
  /** A dedicated OCSP port answered by `ocspWorkers` listener threads (undefined: OCSP on the API port only; 0: any free port). */
  ocspPort: number | undefined;
  ocspWorkers: number;
  /** Artificial wait before an accepted certificate is signed, so clients exercise RequestInProgressException. */
  issuanceDelayMs: number;
  /** Worker threads that parse and verify CSRs and build certificates (0 = on the event loop). */
  workers: number;
  /** Certificates a CA may issue over its lifetime with COMPLETE (or no) CRLs, and with PARTITIONED CRLs. */
  certificateQuota: number;
  partitionedCertificateQuota: number;
  /** Unexpired revoked certificates per CA whose CRL is not PARTITIONED. */
  revokedQuota: number;
}

/** Every option: flag, environment variable, default, description. The README's table is written from this. */
export const OPTIONS = [
  ['--host', 'OPENPCA_HOST', '127.0.0.1', 'Address to listen on.'],
  ['--port', 'OPENPCA_PORT', '8765', 'TCP port for the API (POST /) and GET /healthz.'],
  ['--data-dir', 'OPENPCA_DATA_DIR', './data', 'Directory for the SQLite database, the key-encryption key and generated credentials.'],
  ['--log-level', 'OPENPCA_LOG_LEVEL', 'info', 'debug, info, warn or error. Logs are JSON lines on stdout.'],
  ['--regions', 'OPENPCA_REGIONS', '(any)', 'Comma-separated regions to serve; requests signed for others get InvalidSignatureException.'],
  ['', 'OPENPCA_KEK', '(file)', 'Key-encryption key, 32 bytes base64. Without it, <data-dir>/kek is used (created with mode 0600).'],
  ['', 'OPENPCA_KEK_FILE', '<data-dir>/kek', 'File holding the key-encryption key.'],
  ['', 'OPENPCA_ACCESS_KEY_ID', '(generated)', 'Access key id accepted for SigV4. Without it, a key pair is generated on first start into <data-dir>/credentials.json (mode 0600) and printed once.'],
  ['', 'OPENPCA_SECRET_ACCESS_KEY', '(generated)', 'Secret for OPENPCA_ACCESS_KEY_ID.'],
  ['', 'OPENPCA_ACCOUNT_ID', '000000000000', 'The 12-digit account that OPENPCA_ACCESS_KEY_ID belongs to.'],
  ['--max-body-bytes', 'OPENPCA_MAX_BODY_BYTES', '6291456', 'Largest request body accepted.'],
  ['--ca-quota', 'OPENPCA_CA_QUOTA', '200', 'CAs per account and region (DELETED ones count until purged).'],
  ['', 'OPENPCA_CERTIFICATE_QUOTA', '1000000', 'Certificates one CA may issue over its lifetime unless its CRL is PARTITIONED (LimitExceededException beyond).'],
  ['', 'OPENPCA_PARTITIONED_CERTIFICATE_QUOTA', '100000000', 'Certificates one CA with a PARTITIONED CRL may issue over its lifetime.'],
  ['', 'OPENPCA_REVOKED_QUOTA', '1000000', 'Unexpired revoked certificates per CA unless its CRL is PARTITIONED (RevokeCertificate answers LimitExceededException beyond).'],
  ['', 'OPENPCA_CREATION_TIMEOUT_MS', '300000', 'A CA still CREATING after this long becomes FAILED (REQUEST_TIMED_OUT).'],
  ['', 'OPENPCA_CREATION_DELAY_MS', '0', 'Extra time a new CA spends in CREATING before its key is made: lets you test waiters and RequestInProgressException.'],
  ['', 'OPENPCA_PURGE_INTERVAL_MS', '60000', 'How often deleted CAs past their restore window are purged.'],
  ['', 'OPENPCA_PUBLIC_URL', '(listen address)', 'The URL clients reach this server at, e.g. http://pca.internal:8765; CRL and OCSP URLs in certificates are built on it.'],
  ['', 'OPENPCA_CRL_BASE_URL', '(public URL)', 'Base URL of CRL distribution points in certificates (this server serves GET <base>/crl/<id>.crl); aws = http://<bucket>.s3.<region>.amazonaws.com as on AWS. A CustomCname still wins.'],
  ['', 'OPENPCA_OCSP_URL', '(public URL)/ocsp', 'OCSP URL in certificates (this server answers OCSP there); aws = http://ocsp.acm-pca.<region>.amazonaws.com as on AWS. An OcspCustomCname still wins.'],
  ['', 'OPENPCA_PUBLISHER', 'dir', 'Where CRLs and audit reports are published: dir (a directory per S3BucketName under OPENPCA_BUCKETS_DIR) or s3 (an S3-compatible service, settings below).'],
  ['', 'OPENPCA_BUCKETS_DIR', '<data-dir>/buckets', 'With OPENPCA_PUBLISHER=dir: the directory holding one directory per S3BucketName.'],
  ['', 'OPENPCA_S3_ENDPOINT', '(AWS)', 'With OPENPCA_PUBLISHER=s3: the S3 endpoint, e.g. http://127.0.0.1:9000 for MinIO; unset = AWS S3 of OPENPCA_S3_REGION.'],
  ['', 'OPENPCA_S3_REGION', 'us-east-1', 'With OPENPCA_PUBLISHER=s3: the region requests are signed for.'],
  ['', 'OPENPCA_S3_ACCESS_KEY_ID', '(SDK chain)', 'With OPENPCA_PUBLISHER=s3: access key for the bucket (with OPENPCA_S3_SECRET_ACCESS_KEY); unset = the AWS SDK default chain (environment, profile, instance role).'],
  ['', 'OPENPCA_S3_SECRET_ACCESS_KEY', '(SDK chain)', 'With OPENPCA_PUBLISHER=s3: the secret for OPENPCA_S3_ACCESS_KEY_ID. Never logged.'],
  ['', 'OPENPCA_S3_FORCE_PATH_STYLE', 'false', 'With OPENPCA_PUBLISHER=s3: true addresses buckets as <endpoint>/<bucket>/<key> (MinIO, moto, most self-hosted stores).'],
  ['', 'OPENPCA_CRL_DEBOUNCE_MS', '60000', 'Wait after a revocation before the CRL is regenerated (revocations in that window share one CRL).'],
  ['', 'OPENPCA_CRL_RETRY_MS', '900000', 'Wait before a failed CRL generation or publication is tried again.'],
  ['', 'OPENPCA_CRL_PARTITION_SIZE', '10000', 'Certificates per CRL partition of a PARTITIONED CA (then a new partition, with its own CRL, opens).'],
  ['--ocsp-port', 'OPENPCA_OCSP_PORT', '(none)', 'A dedicated OCSP port, answered by listener threads (OPENPCA_OCSP_WORKERS of them) besides /ocsp on the API port; OCSP URLs in certificates then name it. Unset: OCSP on the API port only, answered on the event loop.'],
  ['', 'OPENPCA_OCSP_WORKERS', '(cores)', 'With OPENPCA_OCSP_PORT: listener threads sharing that port.'],
  ['', 'OPENPCA_OCSP_VALIDITY_MS', '3600000', 'OCSP responses are valid this long (nextUpdate − thisUpdate); responses without a nonce are reused for half of it, and a revocation discards them at once.'],
  ['', 'OPENPCA_AUDIT_REPORT_INTERVAL_MS', '1800000', 'At most one audit report per CA in this interval (AWS: 30 minutes); 0 lifts the limit.'],
  ['', 'OPENPCA_ISSUANCE_DELAY_MS', '0', 'Extra time an accepted certificate waits before it is signed (GetCertificate answers RequestInProgressException meanwhile).'],
  ['--workers', 'OPENPCA_WORKERS', '(cores)', 'Worker threads that parse and verify CSRs, build certificates and sign them; 0 runs that work on the event loop.'],
  ['', 'OPENPCA_SQLITE_SYNCHRONOUS', 'FULL', 'FULL (every commit survives power loss) or NORMAL (survives process crashes).'],
] as const;

export class ConfigError extends Error {}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!OPTIONS.some(([f]) => f === name)) throw new ConfigError(`unknown option '${name}' (see openpca --help)`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`option ${name} needs a value`);
    flags.set(name, value);
  }
  const get = (flag: string, envName: string): string | undefined => (flag && flags.get(flag)) || env[envName] || undefined;
  const int = (flag: string, envName: string, dflt: number, min: number): number => {
    const v = get(flag, envName);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new ConfigError(`${flag || envName} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
  const url = (name: string): string | undefined => {
    const v = env[name];
    if (!v) return undefined;
    if (v === 'aws' && name !== 'OPENPCA_PUBLIC_URL') return v;
    if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v)) throw new ConfigError(`${name} must be an http:// or https:// URL, got '${v}'`);
    return v;
  };
  const logLevel = (get('--log-level', 'OPENPCA_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError(`--log-level must be debug, info, warn or error, got '${logLevel}'`);
  const regions = get('--regions', 'OPENPCA_REGIONS');
  const akid = env.OPENPCA_ACCESS_KEY_ID;
  const secret = env.OPENPCA_SECRET_ACCESS_KEY;
  if (Boolean(akid) !== Boolean(secret)) throw new ConfigError('set both OPENPCA_ACCESS_KEY_ID and OPENPCA_SECRET_ACCESS_KEY, or neither');
  const accountId = env.OPENPCA_ACCOUNT_ID ?? '000000000000';
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError(`OPENPCA_ACCOUNT_ID must be 12 digits, got '${accountId}'`);
  const port = int('--port', 'OPENPCA_PORT', 8765, 0);
  if (port > 65535) throw new ConfigError(`--port must be at most 65535, got ${port}`);
  const publisher = env.OPENPCA_PUBLISHER || 'dir';
  if (publisher !== 'dir' && publisher !== 's3') throw new ConfigError(`OPENPCA_PUBLISHER must be dir or s3, got '${publisher}'`);
  if (Boolean(env.OPENPCA_S3_ACCESS_KEY_ID) !== Boolean(env.OPENPCA_S3_SECRET_ACCESS_KEY)) throw new ConfigError('set both OPENPCA_S3_ACCESS_KEY_ID and OPENPCA_S3_SECRET_ACCESS_KEY, or neither');
  const pathStyle = (env.OPENPCA_S3_FORCE_PATH_STYLE || 'false').toLowerCase();
  if (pathStyle !== 'true' && pathStyle !== 'false') throw new ConfigError(`OPENPCA_S3_FORCE_PATH_STYLE must be true or false, got '${env.OPENPCA_S3_FORCE_PATH_STYLE}'`);
  const forcePathStyle = pathStyle === 'true';
  const ocspPort = get('--ocsp-port', 'OPENPCA_OCSP_PORT') === undefined ? undefined : int('--ocsp-port', 'OPENPCA_OCSP_PORT', 0, 0);
  if (ocspPort !== undefined && ocspPort !== 0 && ocspPort === port) throw new ConfigError(`--ocsp-port must differ from --port (both ${port}): the OCSP port is a listener of its own`);
  const sync = (env.OPENPCA_SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new ConfigError(`OPENPCA_SQLITE_SYNCHRONOUS must be FULL or NORMAL, got '${sync}'`);
  return Object.freeze({
    host: get('--host', 'OPENPCA_HOST') ?? '127.0.0.1',
    port,
    dataDir: resolve(get('--data-dir', 'OPENPCA_DATA_DIR') ?? './data'),
    logLevel,
    regions: regions ? Object.freeze(regions.split(',').map((r) => r.trim()).filter(Boolean)) : null,
    kekBase64: env.OPENPCA_KEK || undefined,
    kekFile: env.OPENPCA_KEK_FILE || undefined,
    bootstrap: akid && secret ? { accessKeyId: akid, secretAccessKey: secret, accountId } : undefined,
    maxBodyBytes: int('--max-body-bytes', 'OPENPCA_MAX_BODY_BYTES', 6 * 1024 * 1024, 1024),
    caQuota: int('--ca-quota', 'OPENPCA_CA_QUOTA', 200, 1),
    creationTimeoutMs: int('', 'OPENPCA_CREATION_TIMEOUT_MS', 300_000, 1000),
    creationDelayMs: int('', 'OPENPCA_CREATION_DELAY_MS', 0, 0),
    purgeIntervalMs: int('', 'OPENPCA_PURGE_INTERVAL_MS', 60_000, 100),
    sqliteSynchronous: sync,
    crlBaseUrl: url('OPENPCA_CRL_BASE_URL'),
    ocspUrl: url('OPENPCA_OCSP_URL'),
    publicUrl: url('OPENPCA_PUBLIC_URL')?.replace(/\/+$/, ''),
    bucketsDir: resolve(env.OPENPCA_BUCKETS_DIR || join(resolve(get('--data-dir', 'OPENPCA_DATA_DIR') ?? './data'), 'buckets')),
    publisher,
    s3: {
      endpoint: url('OPENPCA_S3_ENDPOINT'), region: env.OPENPCA_S3_REGION || 'us-east-1',
      accessKeyId: env.OPENPCA_S3_ACCESS_KEY_ID || undefined, secretAccessKey: env.OPENPCA_S3_SECRET_ACCESS_KEY || undefined, forcePathStyle,
    },
    crlDebounceMs: int('', 'OPENPCA_CRL_DEBOUNCE_MS', 60_000, 0),
    crlRetryMs: int('', 'OPENPCA_CRL_RETRY_MS', 900_000, 100),
    crlPartitionSize: int('', 'OPENPCA_CRL_PARTITION_SIZE', 10_000, 1),
    ocspValidityMs: int('', 'OPENPCA_OCSP_VALIDITY_MS', 3_600_000, 60_000),
    ocspPort,
    ocspWorkers: int('', 'OPENPCA_OCSP_WORKERS', availableParallelism(), 1),
    auditReportIntervalMs: int('', 'OPENPCA_AUDIT_REPORT_INTERVAL_MS', 1_800_000, 0),
    issuanceDelayMs: int('', 'OPENPCA_ISSUANCE_DELAY_MS', 0, 0),
    workers: int('--workers', 'OPENPCA_WORKERS', availableParallelism(), 0),
    certificateQuota: int('', 'OPENPCA_CERTIFICATE_QUOTA', 1_000_000, 1),
    partitionedCertificateQuota: int('', 'OPENPCA_PARTITIONED_CERTIFICATE_QUOTA', 100_000_000, 1),
    revokedQuota: int('', 'OPENPCA_REVOKED_QUOTA', 1_000_000, 1),
  });
}
