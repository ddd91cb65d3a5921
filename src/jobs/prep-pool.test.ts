// PrepPool: answers through its worker, maps API errors back, and survives a worker that dies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SoftwareKeyStore } from '../keys/software/keystore.ts';
import { PrepPool } from './prep-pool.ts';

const job = {
  csr: new TextEncoder().encode('not a csr'), templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1', api: undefined,
  selfIssue: false, caKeySpki: new Uint8Array(), issuerSki: new Uint8Array(20), issuerSubjectDer: new Uint8Array([0x30, 0]),
  cdpUri: null, ocspUri: null, signingAlgorithm: 'SHA256WITHECDSA' as const, notBefore: Date.now(), notAfter: Date.now() + 86400_000,
  serial: new Uint8Array(16).fill(1), signWith: null,
};

test('API errors raised in the worker come back as the same ApiError; a killed worker is replaced', async () => {
  const kek = new Uint8Array(32).fill(7);
  const pool = new PrepPool({ size: 1, keys: new SoftwareKeyStore(kek), kek });
  try {
    await assert.rejects(pool.run(job), (e: Error & { code?: string }) => e.name === 'MalformedCSRException');
    const slot = (pool as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots[0]!;
    await slot.worker.terminate();
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(pool.run(job), (e: Error) => e.name === 'MalformedCSRException', 'the replacement worker answers');
  } finally { await pool.close(); }
});
