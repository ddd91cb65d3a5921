// The key-encryption key: from configuration (base64) or a file in the data directory created with mode 0600.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createFileDurably } from '../../storage/durable-file.ts';

export function loadKek(o: { dataDir: string; kekBase64?: string | undefined; kekFile?: string | undefined }): { kek: Buffer; source: string; created: boolean } {
  if (o.kekBase64) return { kek: decode(o.kekBase64, 'OPENPCA_KEK'), source: 'configuration', created: false };
  const file = o.kekFile ?? join(o.dataDir, 'kek');
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return { kek: decode(readFileSync(file, 'utf8').trim(), file), source: file, created: false };
  }
  const kek = randomBytes(32);
  // Durable before any key is wrapped with it: losing it to a power cut would make every CA key unusable.
  createFileDurably(file, kek.toString('base64') + '\n');
  return { kek, source: file, created: true };
}

function decode(text: string, where: string): Buffer {
  const b = Buffer.from(text, 'base64');
  if (b.length !== 32 || b.toString('base64') !== text.replace(/\s+/g, '')) {
    throw new Error(`${where}: the key-encryption key must be 32 bytes, base64-encoded (e.g. openssl rand -base64 32)`);
  }
  return b;
}
