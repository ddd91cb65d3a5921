// The default Publisher: each bucket is a directory under one root; objects are files written atomically
// (temporary file, fsync, rename, directory fsync), so a reader never sees half an object.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { objectLocation, type PublishedObject, type Publisher } from '../ports/publisher.ts';
import { syncDirectory } from '../storage/durable-file.ts';

export class DirectoryPublisher implements Publisher {
  readonly root: string;
  readonly description: string;
  constructor(root: string) {
    this.root = root;
    this.description = `directory ${root}`;
  }

  /** The file an object lands in. */
  private pathOf(bucketName: string, key: string): string {
    const loc = objectLocation(bucketName, key);
    return join(this.root, loc.bucket, ...loc.key.split('/'));
  }

  async put(o: PublishedObject): Promise<void> {
    const path = this.pathOf(o.bucket, o.key);
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const tmp = temporaryPath(path);
    try {
      if (o.body instanceof Uint8Array) {
        const fh = await open(tmp, 'wx', 0o644);
        try { await fh.writeFile(o.body); await fh.datasync(); } finally { await fh.close(); }
      } else {
        const out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
        for await (const chunk of o.body) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
        out.end();
        await once(out, 'finish');
        const fh = await open(tmp, 'r+');
        try { await fh.datasync(); } finally { await fh.close(); }
      }
      await moveIntoPlace(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}

/** A new name for a temporary file next to `path`: `<path>.<hex>.tmp` (TEMPORARY_SUFFIX tells such names apart). */
export function temporaryPath(path: string): string {
  return `${path}.${randomBytes(6).toString('hex')}.tmp`;
}

/** The suffix temporaryPath adds, as a RegExp source: for sweeps that remove what an interrupted write left behind. */
export const TEMPORARY_SUFFIX = String.raw`\.[0-9a-f]{12}\.tmp`;

/**
 * Renames a complete, synced temporary file over `path` and syncs the directory, so that the new name is durable:
 * readers see the old file or the new one, never part of one.
 */
export async function moveIntoPlace(tmp: string, path: string): Promise<void> {
  await rename(tmp, path);
  syncDirectory(dirname(path));
}
