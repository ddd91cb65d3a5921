// Streamed signatures (Signer.begin) against the one-shot path: identical where the scheme is deterministic, valid
// for every other key and signing algorithm, whatever the pieces and even when the caller reuses its buffer.
import assert from 'node:assert/strict';
import { constants, createPublicKey, randomBytes, verify } from 'node:crypto';
import { test } from 'node:test';
import { beginSignature, type Signer } from '../../ports/keys.ts';
import type { KeyAlgorithm, SigningAlgorithm } from '../../x509/algorithms.ts';
import { SoftwareKeyStore } from './keystore.ts';

const data = randomBytes(3 * 65_536 + 12_345);

/** Streams `data` in uneven pieces through one buffer that is overwritten after each update. */
async function streamed(signer: Signer, alg: SigningAlgorithm, chunk = 10_000): Promise<Uint8Array> {
  const s = beginSignature(signer, alg);
  const buf = new Uint8Array(chunk);
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = Math.min(data.length - off, 1 + ((i * 7919) % chunk));
    buf.set(data.subarray(off, off + n));
    s.update(buf.subarray(0, n));
    buf.fill(0xa5);
    off += n;
  }
  return s.final();
}

function verifies(signer: Signer, alg: SigningAlgorithm, sig: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(signer.key.spki), format: 'der', type: 'spki' });
  const h = /^SHA(256|384|512)/.exec(alg)?.[1];
  if (alg.endsWith('_PSS')) return verify(`sha${h}`, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(h) / 8 }, sig);
  return verify(h ? `sha${h}` : null, data, key, sig);
}

const keys = new SoftwareKeyStore(randomBytes(32));
const signerFor = async (algorithm: KeyAlgorithm) => keys.signer(await keys.generate({ algorithm, label: 'test' }));

test('RSA PKCS#1 v1.5: the streamed signature is byte for byte the one-shot one', async () => {
  const signer = await signerFor('RSA_2048');
  for (const alg of ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA'] as const) {
    assert.ok(signer.begin, 'the software signer streams');
    const one = await signer.sign(alg, data);
    assert.deepEqual(await streamed(signer, alg), one, alg);
    assert.deepEqual(await streamed(signer, alg, 1), one, `${alg}, one octet at a time`);
    assert.ok(verifies(signer, alg, one));
  }
});

const RANDOMISED: [KeyAlgorithm, SigningAlgorithm][] = [
  ['EC_prime256v1', 'SHA256WITHECDSA'], ['EC_secp384r1', 'SHA384WITHECDSA'], ['EC_secp521r1', 'SHA512WITHECDSA'],
  ['RSA_3072', 'SHA256WITHRSA_PSS'], ['RSA_3072', 'SHA384WITHRSA_PSS'], ['RSA_3072', 'SHA512WITHRSA_PSS'],
  ['ML_DSA_44', 'ML_DSA_44'], ['ML_DSA_65', 'ML_DSA_65'], ['ML_DSA_87', 'ML_DSA_87'],
];

for (const [keyAlg, alg] of RANDOMISED) {
  test(`${alg} (${keyAlg}): the streamed signature verifies over the whole data, and not over other data`, async () => {
    const signer = await signerFor(keyAlg);
    const sig = await streamed(signer, alg);
    assert.ok(verifies(signer, alg, sig));
    assert.ok(verifies(signer, alg, await signer.sign(alg, data)), 'as the one-shot one does');
    const s = beginSignature(signer, alg);
    s.update(data.subarray(1));
    assert.ok(!verifies(signer, alg, await s.final()));
  });
}

test('a signer without begin is streamed by collecting the pieces and signing once', async () => {
  const inner = await signerFor('RSA_2048');
  const calls: number[] = [];
  const oneShotOnly: Signer = { key: inner.key, sign: async (alg, tbs) => { calls.push(tbs.length); return inner.sign(alg, tbs); } };
  assert.deepEqual(await streamed(oneShotOnly, 'SHA256WITHRSA'), await inner.sign('SHA256WITHRSA', data));
  assert.deepEqual(calls, [data.length]);
});
