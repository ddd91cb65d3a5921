// Running client programs (python3/boto3, aws-cli) from tests: a bounded child process and a clean AWS environment.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDS } from './server.ts';

export interface RunResult { code: number | null; stdout: string; stderr: string; ms: number }

/** Runs a command to completion (never throws on a non-zero exit), killing it after `timeoutMs`. */
export function run(cmd: string, args: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: o.env ?? process.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: Date.now() - t0 }); });
  });
}

/** A clean AWS environment: only the test credentials, and empty config/credentials files. */
export function awsEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('OPENPCA_')) env[k] = v;
  const config = join(dir, 'aws-config');
  const credentials = join(dir, 'aws-credentials');
  writeFileSync(config, '');
  writeFileSync(credentials, '');
  return {
    ...env,
    AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/**
 * The aws-cli builds to run: the one on PATH (aws-cli v1 from pyenv on these machines) and Debian's aws-cli v2 at
 * /usr/bin/aws (`apt-get install awscli`; .ci/run installs it) when it is a different major version.
 */
export async function awsClis(): Promise<Array<{ bin: string; major: number; label: string }>> {
  const out: Array<{ bin: string; major: number; label: string }> = [];
  for (const bin of ['aws', '/usr/bin/aws']) {
    if (bin.startsWith('/') && !existsSync(bin)) continue;
    const v = await run(bin, ['--version']).catch(() => null);
    const major = Number(/aws-cli\/(\d+)/.exec((v?.stdout ?? '') + (v?.stderr ?? ''))?.[1] ?? NaN);
    if (!Number.isFinite(major) || out.some((c) => c.major === major)) continue;
    out.push({ bin, major, label: `aws-cli v${major}` });
  }
  return out;
}
