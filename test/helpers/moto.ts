// moto_server (an S3-compatible server, from pyenv's python3) on a free port, for tests of S3 publishing.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './server.ts';

export interface Moto { endpoint: string; stop(): Promise<void> }

/** Starts moto_server and waits until it answers; fails (never skips) when it is missing or dies. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString('utf8')).slice(-4000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let failure: string | undefined;
  child.on('error', (e: NodeJS.ErrnoException) => {
    failure = e.code === 'ENOENT'
      ? "moto_server was not found on PATH: install moto with its server extra (pip install 'moto[server]'); CI machines have it"
      : `moto_server could not be started: ${e.message}`;
  });
  child.on('exit', (code, signal) => { failure ??= `moto_server exited (code ${code}, signal ${signal}) before answering:\n${output}`; });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (failure) throw new Error(failure);
    try {
      const r = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.ok) return { endpoint, stop };
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}
