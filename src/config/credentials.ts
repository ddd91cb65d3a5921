// Access keys accepted for SigV4: from OPENPCA_* variables, or generated once into <data-dir>/credentials.json (0600).
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createFileDurably } from '../storage/durable-file.ts';
import { join } from 'node:path';
import type { Credential } from '../protocol/sigv4.ts';

export interface CredentialFile { accessKeyId: string; secretAccessKey: string; accountId: string }

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'credentials.json');
}

export function generateCredential(): CredentialFile {
  let akid = 'OPCA';
  for (const b of randomBytes(16)) akid += ALNUM[b % 32];
  let account = String(randomInt(1, 10));
  for (let i = 0; i < 11; i++) account += String(randomInt(0, 10));
  return { accessKeyId: akid, secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'A'), accountId: account };
}

/** Loads the credential store; `created` is set when a key pair was generated now (print it once). */
export function loadCredentials(dataDir: string, bootstrap: CredentialFile | undefined): { credentials: Credential[]; created: CredentialFile | null } {
  const file = credentialsPath(dataDir);
  const list: Credential[] = [];
  let created: CredentialFile | null = null;
  if (bootstrap) list.push({ ...bootstrap, principal: `arn:aws:iam::${bootstrap.accountId}:root` });
  if (existsSync(file)) {
    if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { credentials?: CredentialFile[] };
    for (const c of parsed.credentials ?? []) list.push({ ...c, principal: `arn:aws:iam::${c.accountId}:root` });
  } else if (!bootstrap) {
    created = generateCredential();
    createFileDurably(file, JSON.stringify({ credentials: [created] }, null, 2) + '\n');
    list.push({ ...created, principal: `arn:aws:iam::${created.accountId}:root` });
  }
  return { credentials: list, created };
}
