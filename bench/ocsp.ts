// Benchmark: OCSP responses/s for a P-256 CA through HTTP POST, driven by wrk in a separate process: requests with a
// nonce (each response signed afresh) and without (reused responses), over 1,000 issued certificates (some revoked),
// on the API port (answered on the event loop) and on the dedicated OCSP port (listener threads, OPENPCA_OCSP_PORT).
// Baseline: `openssl speed -multi 2 ecdsap256` signatures/s, measured in the same run.
// Usage: npm run bench:ocsp [-- --seconds 10 --connections 32]
import { randomBytes, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IssueCertificateCommand, RevokeCertificateCommand } from '@aws-sdk/client-acm-pca';
import { certificateSubjectDer } from '../src/x509/tbs-fields.ts';
import { explicit, integer, NULL, octetString, oid, seq } from '../src/x509/der.ts';
import { issuerHashes } from '../src/x509/ocsp.ts';
import { opensslCsr } from '../test/helpers/certs.ts';
import { freePort, sdkClient, startTestServer, tempDir } from '../test/helpers/server.ts';
import { activeRoot } from '../test/helpers/pki.ts';
import { cpuSeconds, opensslSpeed, requireWrk, wrk } from './lib.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const SECONDS = opt('seconds', 10);
const CONNECTIONS = opt('connections', 32);
const CERTS = 1000;
const enc = new TextEncoder();
requireWrk('bench/ocsp');


/** A DER OCSPRequest for one serial (SHA-1 CertID, as openssl and browsers send), with a 16-byte nonce or none. */
function ocspRequest(nameHash: Uint8Array, keyHash: Uint8Array, serialHex: string, nonce: boolean): Uint8Array {
  const certId = seq(seq(oid('1.3.14.3.2.26'), NULL), octetString(nameHash), octetString(keyHash), integer(Buffer.from(serialHex, 'hex')));
  const exts = nonce ? [explicit(2, seq(seq(oid('1.3.6.1.5.5.7.48.1.2'), octetString(octetString(randomBytes(16))))))] : [];
  return seq(seq(seq(seq(certId)), ...exts));
}

/** wrk requests built once at load time (before wrk knows the Host header, so it is given here). */
function luaScript(port: number, bodies: Uint8Array[]): string {
  const lua = (b: Uint8Array) => `"${[...b].map((x) => `\\${x}`).join('')}"`;
  return `local reqs = {\n${bodies.map((b) => `wrk.format("POST", "/ocsp", {["Host"]="127.0.0.1:${port}", ["Content-Type"]="application/ocsp-request"}, ${lua(b)})`).join(',\n')}\n}\n`
    + 'local i = math.random(#reqs)\nrequest = function()\n  i = i % #reqs + 1\n  return reqs[i]\nend\n'
    + (process.env.BENCH_DEBUG ? 'local n = 0\nresponse = function(status, headers, body)\n  if n < 3 then print(status, body) end\n  n = n + 1\nend\n' : '');
}

async function main(): Promise<void> {
  const ocspPort = await freePort();
  const server = await startTestServer({ args: ['--log-level', 'warn'], env: { OPENPCA_OCSP_PORT: String(ocspPort) }, port: await freePort(), nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [] });
  const pca = sdkClient(server);
  try {
    const root = await activeRoot(pca, { cn: 'OCSP Bench Root', revocation: { OcspConfiguration: { Enabled: true } } });
    const ca = new X509Certificate(root.pem);
    const spki = new Uint8Array(ca.publicKey.export({ type: 'spki', format: 'der' }));
    const { nameHash, keyHash } = issuerHashes('sha1', certificateSubjectDer(new Uint8Array(ca.raw)), spki);
    const { csrPem } = opensslCsr('/CN=ocsp-bench.example');
    const serials: string[] = [];
    for (let i = 0; i < CERTS; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => pca.send(new IssueCertificateCommand({
        CertificateAuthorityArn: root.arn, Csr: enc.encode(csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 },
      }))));
      serials.push(...batch.map((b) => b.CertificateArn!.split('/').pop()!));
    }
    for (const s of serials.slice(0, CERTS / 10)) {
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateSerial: s, RevocationReason: 'KEY_COMPROMISE' }));
    }
    console.log(`bench/ocsp: P-256 CA, ${CERTS} certificates (${CERTS / 10} revoked), POST /ocsp, ${SECONDS}s per run, ${CONNECTIONS} connections, wrk in a separate process`);
    const dir = tempDir('openpca-bench-ocsp-');
    for (const [where, port] of [['API port', server.port], ['dedicated OCSP port', ocspPort]] as const) for (const nonce of [true, false]) {
      const script = join(dir, `ocsp-${port}-${nonce}.lua`);
      writeFileSync(script, luaScript(port, serials.map((s) => ocspRequest(nameHash, keyHash, s, nonce))));
      const speedBefore = opensslSpeed('ecdsap256');
      const cpu0 = cpuSeconds(server.proc.pid!);
      const t0 = Date.now();
      const r = wrk(port, script, { connections: CONNECTIONS, seconds: SECONDS, path: '/ocsp' });
      const cpu = (cpuSeconds(server.proc.pid!) - cpu0) / ((Date.now() - t0) / 1000);
      const speed = (speedBefore + opensslSpeed('ecdsap256')) / 2;
      if (r.non2xx > 0) throw new Error(`bench/ocsp: ${r.non2xx} responses were not 200 (run with BENCH_DEBUG=1 to see them)`);
      console.log(`${where}, ${nonce ? 'with a nonce (every response signed)' : 'without a nonce (responses reused)'}: ${r.rps.toFixed(0)} responses/s (p99 ${r.latency}, non-2xx ${r.non2xx}, server CPU ${(cpu * 100).toFixed(0)}% of one core, ${(cpu / r.rps * 1e6).toFixed(0)} µs/response); `
        + `openssl speed -multi 2 ecdsap256 ${speed.toFixed(0)} sign/s → ratio ${(r.rps / speed).toFixed(3)}, ≈ ${(r.rps * 82_000 / speed).toFixed(0)}/s at the reference machine's speed (82,000 sign/s); target ≥ 5,000/s: ${r.rps >= 5000 ? 'met' : 'NOT met'}`);
    }
  } finally {
    pca.destroy();
    await server.stop();
  }
}

await main();
