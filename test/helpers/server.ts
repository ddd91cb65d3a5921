// Test harness: runs the real server as a child process on 127.0.0.1 and gives clients (SDK v3, raw signed HTTP) for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request, type Agent } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { signRequest } from '../../src/protocol/sigv4.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;

export const CREDS = { accessKeyId: 'AKIDOPENPCATEST00001', secretAccessKey: 'openpca/test/secret+key0000000000000000', accountId: '123456789012' } as const;

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  /** Every stdout line so far (JSON log records). */
  logs: string[];
  stderr: string[];
  /** Sends a signal and resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(prefix = 'openpca-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(o: { dataDir?: string; env?: Record<string, string>; args?: string[]; withCredentials?: boolean; port?: number; nodeArgs?: string[] } = {}): Promise<TestServer> {
  const dataDir = o.dataDir ?? tempDir();
  const env: Record<string, string> = { ...process.env as Record<string, string> };
  for (const k of Object.keys(env)) if (k.startsWith('OPENPCA_')) delete env[k];
  if (o.withCredentials !== false) {
    Object.assign(env, { OPENPCA_ACCESS_KEY_ID: CREDS.accessKeyId, OPENPCA_SECRET_ACCESS_KEY: CREDS.secretAccessKey, OPENPCA_ACCOUNT_ID: CREDS.accountId });
  }
  Object.assign(env, o.env ?? {});
  const proc = spawn(process.execPath, [...(o.nodeArgs ?? []), join(ROOT, 'src/cli/main.ts'), 'serve', '--port', String(o.port ?? 0), '--data-dir', dataDir, ...(o.args ?? [])], {
    cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr.join('')}`)), 15_000);
    if (o.port) void waitHealthy(o.port).then(() => { clearTimeout(timer); resolve(o.port!); }, () => undefined);
    proc.stdout!.on('data', (d: Buffer) => {
      if (logs.length > 100_000) return;
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        logs.push(line);
        try {
          const rec = JSON.parse(line) as { msg?: string; port?: number };
          if (rec.msg === 'listening' && rec.port) { clearTimeout(timer); resolve(rec.port); }
        } catch { /* not JSON */ }
      }
    });
    proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${stderr.join('')}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`, port, dataDir, proc, logs, stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

async function waitHealthy(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((r) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => { res.resume(); r(res.statusCode === 200); });
      req.on('error', () => r(false));
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not become healthy');
}

/** A TCP port that is free right now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

export function sdkClient(server: { url: string }, region = 'us-east-1', creds: { accessKeyId: string; secretAccessKey: string } = CREDS): ACMPCAClient {
  return new ACMPCAClient({
    region, endpoint: server.url, maxAttempts: 1,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
  });
}

export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: Record<string, unknown> | undefined; socket?: Socket }

/** Sends one request as-is (no retries), optionally SigV4-signed for the given operation and region. */
export async function rawRequest(server: { port: number }, o: {
  method?: string; path?: string; target?: string | null; body?: string | Buffer; headers?: Record<string, string>;
  sign?: boolean; region?: string; date?: Date; creds?: { accessKeyId: string; secretAccessKey: string };
  /** Send through this agent (keep-alive tests) instead of a fresh connection. */
  agent?: Agent;
}): Promise<RawResponse> {
  const body = o.body === undefined ? Buffer.from('{}') : Buffer.from(o.body);
  let headers: Record<string, string> = {
    Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': String(body.length), ...(o.headers ?? {}),
  };
  if (o.target !== null) headers['X-Amz-Target'] = o.target ?? 'ACMPrivateCA.ListCertificateAuthorities';
  if (o.sign !== false) {
    headers = signRequest({ method: o.method ?? 'POST', path: o.path ?? '/', headers, body, credential: o.creds ?? CREDS, region: o.region ?? 'us-east-1', date: o.date ?? new Date() });
  }
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined;
    const req = request({ host: '127.0.0.1', port: server.port, method: o.method ?? 'POST', path: o.path ?? '/', headers, agent: o.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: Record<string, unknown> | undefined;
        try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ...(socket ? { socket } : {}) });
      });
      res.on('error', reject);
    });
    req.on('socket', (s: Socket) => { socket = s; });
    req.on('error', reject);
    req.end(body);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
