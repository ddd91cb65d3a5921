// SQLite schema migrations, applied in order at open; each runs in its own transaction.
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE certificate_authorities (
        arn TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        status_before_deletion TEXT,
        failure_reason TEXT,
        configuration TEXT NOT NULL,
        revocation TEXT,
        usage_mode TEXT NOT NULL,
        key_storage_security_standard TEXT NOT NULL,
        key_algorithm TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_state_change_at INTEGER NOT NULL,
        restorable_until INTEGER,
        key_uri TEXT,
        key_spki BLOB,
        csr_pem TEXT,
        certificate_pem TEXT,
        certificate_chain_pem TEXT,
        serial TEXT,
        not_before INTEGER,
        not_after INTEGER
      );
      CREATE INDEX ca_by_owner ON certificate_authorities (account, region, created_at, arn);
      CREATE INDEX ca_by_status ON certificate_authorities (status);
      CREATE TABLE tags (
        ca_arn TEXT NOT NULL REFERENCES certificate_authorities (arn) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT,
        PRIMARY KEY (ca_arn, key)
      );
      CREATE TABLE idempotency_tokens (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        operation TEXT NOT NULL,
        scope TEXT NOT NULL,
        token TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account, region, operation, scope, token)
      );
    `,
  },
  {
    // Issuance. Certificates live in a rowid table with a unique (CA, serial) index: a WITHOUT ROWID table keyed by
    // the random serial rewrote random pages on every insert (measured: ~240 µs of commit per certificate). The
    // lifetime counter has a row of its own, so issuing never rewrites the (several-KB) CA record; and a version
    // stamp, bumped by trigger whoever writes, tells every connection when cached CA records are stale.
    version: 2,
    sql: `
      ALTER TABLE certificate_authorities ADD COLUMN ca_subject_der BLOB;
      ALTER TABLE certificate_authorities ADD COLUMN ca_ski BLOB;
      ALTER TABLE certificate_authorities ADD COLUMN ca_path_len INTEGER;
      CREATE TABLE certificates (
        id INTEGER PRIMARY KEY,
        ca_arn TEXT NOT NULL,
        serial TEXT NOT NULL,
        status TEXT NOT NULL,
        tbs BLOB NOT NULL,
        signing_algorithm TEXT NOT NULL,
        der BLOB,
        failure_reason TEXT,
        template_arn TEXT NOT NULL,
        not_before INTEGER NOT NULL,
        not_after INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        requested_by TEXT NOT NULL,
        self_issued INTEGER NOT NULL DEFAULT 0,
        revoked_at INTEGER,
        revocation_reason TEXT
      );
      CREATE UNIQUE INDEX certificates_by_serial ON certificates (ca_arn, serial);
      CREATE INDEX certificates_pending ON certificates (issued_at) WHERE status = 'PENDING';
      CREATE TABLE ca_counters (ca_arn TEXT PRIMARY KEY, issued INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE ca_version (id INTEGER PRIMARY KEY CHECK (id = 1), v INTEGER NOT NULL);
      INSERT INTO ca_version (id, v) VALUES (1, 0);
      CREATE TRIGGER ca_version_insert AFTER INSERT ON certificate_authorities BEGIN UPDATE ca_version SET v = v + 1 WHERE id = 1; END;
      CREATE TRIGGER ca_version_update AFTER UPDATE ON certificate_authorities BEGIN UPDATE ca_version SET v = v + 1 WHERE id = 1; END;
      CREATE TRIGGER ca_version_delete AFTER DELETE ON certificate_authorities BEGIN UPDATE ca_version SET v = v + 1 WHERE id = 1; END;
    `,
  },
  {
    // Revocation: which revoked certificates a CRL lists (partial covering indexes over revoked rows only, in serial
    // order: a CRL pass reads the index alone, never the table — measured 5.9 s per million with table lookups),
    // each CRL's schedule and last number, audit reports. No index serves audit-report order: issuance would pay
    // for it on every certificate, and a report sorts instead. crl_partition is the partition id of a PARTITIONED CA's certificate (NULL = the complete
    // CRL). crl_state.partition is '' for the complete CRL.
    version: 3,
    sql: `
      ALTER TABLE certificates ADD COLUMN crl_partition TEXT;
      CREATE INDEX certificates_revoked_all ON certificates (ca_arn, length(serial), serial, not_after, revoked_at, revocation_reason) WHERE revoked_at IS NOT NULL;
      CREATE INDEX certificates_revoked ON certificates (ca_arn, crl_partition, length(serial), serial, not_after, revoked_at, revocation_reason) WHERE revoked_at IS NOT NULL;
      CREATE INDEX certificates_revoked_expiry ON certificates (ca_arn, crl_partition, not_after) WHERE revoked_at IS NOT NULL;
      CREATE TABLE crl_state (
        ca_arn TEXT NOT NULL,
        partition TEXT NOT NULL,
        due_at INTEGER,
        requests INTEGER NOT NULL DEFAULT 0,
        crl_number INTEGER NOT NULL DEFAULT 0,
        this_update INTEGER,
        next_update INTEGER,
        bucket TEXT,
        object_key TEXT,
        revoked_count INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        PRIMARY KEY (ca_arn, partition)
      );
      CREATE INDEX crl_due ON crl_state (due_at) WHERE due_at IS NOT NULL;
      CREATE TABLE crl_partitions (
        ca_arn TEXT NOT NULL,
        id TEXT NOT NULL,
        issued INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (ca_arn, id)
      );
      CREATE TABLE audit_reports (
        id TEXT PRIMARY KEY,
        ca_arn TEXT NOT NULL,
        bucket TEXT NOT NULL,
        s3_key TEXT NOT NULL,
        format TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        failure_reason TEXT
      );
      CREATE INDEX audit_reports_by_ca ON audit_reports (ca_arn, created_at);
    `,
  },
  {
    // The revoked-certificate quota: a running count of revocations per CA, so RevokeCertificate counts unexpired
    // revoked certificates (an index range scan) only once a CA has revoked as many as its quota.
    version: 4,
    sql: `
      ALTER TABLE ca_counters ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
      INSERT INTO ca_counters (ca_arn, issued) SELECT arn, 0 FROM certificate_authorities WHERE true ON CONFLICT (ca_arn) DO NOTHING;
      UPDATE ca_counters SET revoked = (SELECT COUNT(*) FROM certificates c WHERE c.ca_arn = ca_counters.ca_arn AND c.revoked_at IS NOT NULL);
    `,
  },
];
