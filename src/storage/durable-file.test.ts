// createFileDurably: the file appears whole with its mode, never replaces an existing one, and leaves no temporary file.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFileDurably } from './durable-file.ts';

test('creates the file whole with mode 0600; an existing file is kept and EEXIST thrown; no temporary file remains', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openpca-durable-'));
  const file = join(dir, 'kek');
  createFileDurably(file, 'secret\n');
  assert.equal(readFileSync(file, 'utf8'), 'secret\n');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.throws(() => createFileDurably(file, 'other\n'), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
  assert.equal(readFileSync(file, 'utf8'), 'secret\n');
  writeFileSync(join(dir, 'other'), 'x');
  assert.deepEqual(readdirSync(dir).sort(), ['kek', 'other']);
});
