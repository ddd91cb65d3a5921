// Benchmark: complete-CRL generation for 100,000 and 1,000,000 revoked certificates inside a running server (two
// streaming passes over the store; the DER streamed into a file while it is hashed, then signed, kept and published),
// its peak memory, and the same CRL made by `openssl ca -gencrl` from an index of the same entries, in the same run.
// Usage: npm run bench:crl [-- --sizes 100000,1000000]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { IssueCertificateCommand, RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { activeRoot } from '../test/helpers/pki.ts';
import { opensslCsr } from '../test/helpers/certs.ts';
import { sdkClient, sleep, startTestServer, tempDir, type TestServer } from '../test/helpers/server.ts';

const args = process.argv.slice(2);
const sizes = (args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]! : '100000,1000000').split(',').map(Number);
const enc = new TextEncoder();
const REASONS = ['KEY_COMPROMISE', 'SUPERSEDED', 'UNSPECIFIED', 'CESSATION_OF_OPERATION', 'AFFILIATION_CHANGED'];
const OPENSSL_REASON: Record<string, string> = { KEY_COMPROMISE: 'keyCompromise', SUPERSEDED: 'superseded', UNSPECIFIED: 'unspecified', CESSATION_OF_OPERATION: 'cessationOfOperation', AFFILIATION_CHANGED: 'affiliationChanged' };


/** Adds `n` revoked certificates of the CA straight into the server's database (a fixture: issuing a million through the API takes an hour). */
function addRevoked(dataDir: string, caArn: string, n: number, now: number): Array<[string, number, string]> {
  const db = new DatabaseSync(join(dataDir, 'openpca.sqlite'));
  db.exec('PRAGMA busy_timeout = 10000');
  const ins = db.prepare(`INSERT INTO certificates (ca_arn, serial, status, tbs, signing_algorithm, der, template_arn, not_before, not_after, issued_at, requested_by, revoked_at, revocation_reason)
                          VALUES (?, ?, 'ISSUED', x'00', 'SHA256WITHECDSA', NULL, 'arn:aws:acm-pca:::template/EndEntityCertificate/V1', ?, ?, ?, 'bench', ?, ?)`);
  const rows: Array<[string, number, string]> = [];
  const pool = randomBytes(16 * n);
  db.exec('BEGIN');
  for (let i = 0; i < n; i++) {
    pool[16 * i] = (pool[16 * i]! | 0x01); // first byte non-zero, as our serials
    const serial = pool.subarray(16 * i, 16 * i + 16).toString('hex');
    const at = Math.floor((now - (i % 86_400) * 1000) / 1000) * 1000;
    const reason = REASONS[i % REASONS.length]!;
    ins.run(caArn, serial, now - 86_400_000, now + 365 * 86_400_000, at - 1000, at, reason);
    rows.push([serial, at, reason]);
  }
  db.exec('COMMIT');
  db.close();
  return rows;
}

/** Waits for the server's 'crl published' log line with a CRL number above `after`; returns its fields. */
async function published(server: TestServer, after: number): Promise<{ crlNumber: number; revoked: number; bytes: number; ms: Record<string, number> }> {
  for (;;) {
    for (let i = server.logs.length - 1; i >= 0; i--) {
      const line = server.logs[i]!;
      if (!line.includes('"crl published"')) continue;
      const r = JSON.parse(line) as { crlNumber: number; revoked: number; bytes: number; ms: Record<string, number> };
      if (r.crlNumber > after) return r;
      break;
    }
    await sleep(5);
  }
}

function status(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** openssl ca -gencrl over an index of the same entries: the baseline, timed in the same run. */
function opensslGencrl(dir: string, rows: Array<[string, number, string]>, keyPem: string, certPem: string): number {
  const lines: string[] = [];
  const t = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  for (const [serial, at, reason] of rows) lines.push(`R\t301231235959Z\t${t(at)},${OPENSSL_REASON[reason]}\t${serial.toUpperCase()}\tunknown\t/CN=x`);
  writeFileSync(join(dir, 'index.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'ca.key'), keyPem);
  writeFileSync(join(dir, 'ca.pem'), certPem);
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${join(dir, 'index.txt')}\ncrlnumber=${join(dir, 'crlnumber')}\ndefault_md=sha256\ndefault_crl_days=7\n`);
  const t0 = performance.now();
  execFileSync('openssl', ['ca', '-config', join(dir, 'ca.cnf'), '-gencrl', '-keyfile', join(dir, 'ca.key'), '-cert', join(dir, 'ca.pem'), '-out', join(dir, 'crl.pem')], { stdio: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  execFileSync('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-outform', 'DER', '-out', join(dir, 'crl.der')]);
  return seconds;
}

async function main(): Promise<void> {
  console.log(`bench/crl: complete CRL of a P-256 CA, sizes ${sizes.join(', ')} revoked; the server generates it in the background after a RevokeCertificate (debounce 0)`);
  // An openssl CA of the same key type for the baseline (openssl cannot use our encrypted key).
  const o = tempDir('openpca-bench-crl-openssl-');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(o, 'k.pem'), '-out', join(o, 'c.pem'), '-subj', '/CN=Baseline', '-days', '3650'], { stdio: 'ignore' });
  const growth: Array<[number, number, number]> = []; // [entries, peak RSS growth, CRL bytes]
  for (const n of sizes) {
    const server = await startTestServer({ env: { OPENPCA_CRL_DEBOUNCE_MS: '0', OPENPCA_BUCKETS_DIR: tempDir('openpca-bench-buckets-') } });
    const pca = sdkClient(server);
    try {
      const root = await activeRoot(pca, { cn: 'CRL Bench Root', revocation: { CrlConfiguration: { Enabled: true, S3BucketName: 'crl-bench', ExpirationInDays: 7 } } });
      const { csrPem } = opensslCsr('/CN=trigger.bench');
      const { CertificateArn } = await pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: root.arn, Csr: enc.encode(csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } }));
      const first = await published(server, 0); // the first CRL, after the first issuance
      const rows = addRevoked(server.dataDir, root.arn, n, Date.now());
      await sleep(500);
      const pid = server.proc.pid!;
      writeFileSync(`/proc/${pid}/clear_refs`, '5'); // reset the peak-RSS mark
      const before = status(pid);
      const t0 = performance.now();
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: CertificateArn!.split('/').pop()!, RevocationReason: 'KEY_COMPROMISE' }));
      const p = await published(server, first.crlNumber);
      const seconds = (performance.now() - t0) / 1000;
      const after = status(pid);
      const dir = tempDir('openpca-bench-gencrl-');
      const base = opensslGencrl(dir, rows, readFileSync(join(o, 'k.pem'), 'utf8'), readFileSync(join(o, 'c.pem'), 'utf8'));
      const baseBytes = readFileSync(join(dir, 'crl.der')).length;
      console.log(`${n.toLocaleString('en-US')} revoked: ${seconds.toFixed(2)} s from RevokeCertificate to the published CRL (${p.revoked.toLocaleString('en-US')} entries, ${(p.bytes / 1e6).toFixed(1)} MB); `
        + `stages (ms) ${Object.entries(p.ms).map(([k, v]) => `${k} ${v}`).join(', ')}; server RSS ${(before.rss / 1e6).toFixed(0)} MB before, peak ${(after.hwm / 1e6).toFixed(0)} MB during (+${((after.hwm - before.rss) / 1e6).toFixed(0)} MB for a ${(p.bytes / 1e6).toFixed(1)} MB CRL); `
        + `openssl ca -gencrl, same entries: ${base.toFixed(2)} s (${(baseBytes / 1e6).toFixed(1)} MB) → ratio ${(base / seconds).toFixed(2)}× openssl's speed`
        + (n === 1_000_000 ? ` (target: under 10 s: ${seconds < 10 ? 'met' : 'NOT met'})` : ''));
      growth.push([n, after.hwm - before.rss, p.bytes]);
    } finally {
      pca.destroy();
      await server.stop();
    }
  }
  if (growth.length > 1) {
    // Flat memory: the peak growth does not follow the CRL's size (a buffered CRL would add about its size, or more).
    const [a, b] = [growth[0]!, growth[growth.length - 1]!];
    const added = (b[1] - a[1]) / (b[2] - a[2]);
    console.log(`memory: peak RSS growth +${(a[1] / 1e6).toFixed(0)} MB at ${a[0].toLocaleString('en-US')} entries, +${(b[1] / 1e6).toFixed(0)} MB at ${b[0].toLocaleString('en-US')}: `
      + `${added.toFixed(2)} MB more per MB of CRL (target: flat, i.e. well under 1: ${added < 0.25 ? 'met' : 'NOT met'})`);
  }
}

await main();
