// Small files that must survive a crash or power loss whole or not at all (the key-encryption key, generated
// credentials): written to a temporary name, synced, published under the final name only if that name is free,
// and the directory synced so the new name itself is durable.
import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Creates `path` with `data` (mode 0600 unless given). Throws EEXIST, like flag 'wx', when `path` already exists. */
export function createFileDurably(path: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path); // atomic, and fails with EEXIST rather than replacing an existing file
  } finally {
    unlinkSync(tmp);
  }
  syncDirectory(dir);
}

/** Makes the names in a directory (files created or renamed in it) durable. */
export function syncDirectory(dir: string): void {
  const d = openSync(dir, 'r');
  try { fsyncSync(d); } finally { closeSync(d); }
}
