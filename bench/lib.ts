// Shared pieces of the HTTP benchmarks: wrk as the load generator in its own process, openssl speed as the
// machine's signing baseline, and CPU accounting of the server process from /proc.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export function requireWrk(bench: string): void {
  if (spawnSync('wrk', ['--version']).error) {
    console.error(`${bench}: needs wrk (apt-get install wrk) as the load generator`);
    process.exit(2);
  }
}

export function wrk(port: number, script: string, o: { connections: number; seconds: number; path?: string }): { rps: number; non2xx: number; latency: string } {
  const out = execFileSync('/usr/bin/time', ['-f', 'wrk CPU %P', 'wrk', '-t', '2', '-c', String(o.connections), '-d', `${o.seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}${o.path ?? '/'}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const latency = /99%\s+(\S+)/.exec(out)?.[1] ?? '?';
  if (process.env.BENCH_DEBUG) console.log(out);
  return { rps, non2xx, latency };
}

/** `openssl speed -multi 2` signatures/s for rsa2048 or ecdsap256, measured now. */
export function opensslSpeed(alg: string): number {
  const out = execFileSync('openssl', ['speed', '-multi', '2', '-seconds', '3', alg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = /^rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/m.exec(out) ?? /^\s*256 bits ecdsa \(nistp256\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/m.exec(out);
  return Number(m?.[1] ?? NaN);
}

/** User+system CPU seconds of a process (all its threads) and of its child processes (cluster mode), from /proc. */
export function cpuSeconds(pid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fields: string[];
    try { fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' '); } catch { continue; }
    if (Number(entry) === pid || Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

/** CPU seconds of a process's main thread (its event loop) alone. */
export function threadCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds per thread (with its name) of a process. */
export function threadTable(pid: number): Map<string, { name: string; cpu: number }> {
  const out = new Map<string, { name: string; cpu: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(tid, { name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch { /* thread ended */ }
  }
  return out;
}

