// Test helpers for issuance: CSRs made by openssl, and openssl/gnutls as independent chain verifiers.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './server.ts';

/** A new key and CSR made by openssl. `key` e.g. ['-newkey','ec','-pkeyopt','ec_paramgen_curve:P-256'] */
export function opensslCsr(subject = '/CN=leaf.example.com/O=Example', opts: { key?: string[]; addext?: string[] } = {}): { csrPem: string; keyPem: string; dir: string } {
  const dir = tempDir('openpca-leaf-');
  const args = ['req', '-new', ...(opts.key ?? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']), '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'csr.pem'), '-subj', subject];
  for (const e of opts.addext ?? []) args.push('-addext', e);
  execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return { csrPem: execFileSync('cat', [join(dir, 'csr.pem')], { encoding: 'utf8' }), keyPem: execFileSync('cat', [join(dir, 'key.pem')], { encoding: 'utf8' }), dir };
}

export interface VerifyResult { ok: boolean; output: string }

/** openssl verify -x509_strict with a trust anchor and untrusted intermediates. */
export function opensslVerify(leafPem: string, rootPem: string, intermediatesPem = '', extra: string[] = []): VerifyResult {
  const dir = tempDir('openpca-verify-');
  writeFileSync(join(dir, 'leaf.pem'), leafPem);
  writeFileSync(join(dir, 'root.pem'), rootPem);
  const args = ['verify', '-x509_strict', '-CAfile', join(dir, 'root.pem'), ...extra];
  if (intermediatesPem) { writeFileSync(join(dir, 'chain.pem'), intermediatesPem); args.push('-untrusted', join(dir, 'chain.pem')); }
  args.push(join(dir, 'leaf.pem'));
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0 && /: OK\s*$/.test(r.stdout), output: r.stdout + r.stderr };
}

/** gnutls certtool --verify-chain over leaf + intermediates + root (in that order). */
export function certtoolVerifyChain(pems: string[]): VerifyResult {
  const dir = tempDir('openpca-certtool-');
  writeFileSync(join(dir, 'chain.pem'), pems.join(''));
  const r = spawnSync('certtool', ['--verify-chain', '--infile', join(dir, 'chain.pem')], { encoding: 'utf8' });
  return { ok: r.status === 0 && /Chain verification output: Verified/.test(r.stdout + r.stderr), output: r.stdout + r.stderr };
}

export function opensslText(pem: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' });
}

export function splitPems(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)?.map((p) => (p.endsWith('\n') ? p : `${p}\n`)) ?? [];
}
