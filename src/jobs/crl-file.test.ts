// writeCrlFile: the streamed CRL file equals the in-memory encoding (signature aside where it is randomised), verifies
// with openssl, moves its TBS when a short ECDSA signature shrinks the outer header, and leaves no file on failure.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { constants, createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SoftwareKeyStore } from '../keys/software/keystore.ts';
import type { Signer } from '../ports/keys.ts';
import type { KeyAlgorithm, SigningAlgorithm } from '../x509/algorithms.ts';
import { algorithmIdentifier, certificatePem, encodeCertificate, encodeTbs, ski } from '../x509/certificate.ts';
import { CrlChanged, encodeCrlTbs, type CrlEntry, type CrlHeader, type CrlTbs } from '../x509/crl.ts';
import { bitString, children, expectTlv, seq, tlvValue } from '../x509/der.ts';
import { basicConstraints, subjectKeyIdentifier } from '../x509/extensions.ts';
import { subjectDer } from '../x509/name.ts';
import { writeCrlFile } from './crl-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'crl-file-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const keys = new SoftwareKeyStore(randomBytes(32));
const NOW = Math.floor(Date.now() / 1000) * 1000;
const REASONS = ['KEY_COMPROMISE', 'SUPERSEDED', 'UNSPECIFIED', 'CESSATION_OF_OPERATION', 'AFFILIATION_CHANGED'];

/** `n` entries as the store yields them: 16-octet serials in ascending order, in batches of 2,000. */
function revoked(n: number): () => CrlEntry[][] {
  const serials = Array.from({ length: n }, () => { const b = randomBytes(16); b[0]! |= 1; return b.toString('hex'); }).sort();
  const list = serials.map((serial, i): CrlEntry => ({ serial, revokedAt: NOW - (i % 86_400) * 1000, reason: REASONS[i % REASONS.length]! }));
  return () => Array.from({ length: Math.ceil(n / 2000) }, (_, i) => list.slice(2000 * i, 2000 * (i + 1)));
}

/** A self-signed CA of the key type, its signer, and the CRL header that goes with it. */
async function ca(algorithm: KeyAlgorithm, alg: SigningAlgorithm, idp?: string): Promise<{ signer: Signer; pem: string; header: CrlHeader }> {
  const signer = await keys.signer(await keys.generate({ algorithm, label: 'crl-file-test' }));
  const name = subjectDer({ CommonName: `CRL File Test ${algorithm}`, Organization: 'OpenPCA' });
  const keyId = ski(signer.key.spki);
  const tbs = encodeTbs({
    serial: randomBytes(16).fill(1, 0, 1), signingAlgorithm: alg, issuerDer: name, notBefore: new Date(NOW - 3_600_000), notAfter: new Date(NOW + 86_400_000),
    subjectDer: name, spkiDer: signer.key.spki, extensions: [basicConstraints(true, null, true), subjectKeyIdentifier(keyId)],
  });
  const pem = certificatePem(encodeCertificate(tbs, alg, await signer.sign(alg, tbs)));
  return { signer, pem, header: { signingAlgorithm: alg, issuerDer: name, thisUpdate: new Date(NOW - 3_600_000), nextUpdate: new Date(NOW + 7 * 86_400_000), authorityKeyId: keyId, crlNumber: 9, issuingDistributionPointUri: idp } };
}

/** The TBS encoded in one chunk of its own size, i.e. wholly in memory. */
async function inMemory(header: CrlHeader, batches: () => CrlEntry[][]): Promise<Uint8Array> {
  const probe = await encodeCrlTbs(header, batches);
  for await (const c of (await encodeCrlTbs(header, batches, undefined, probe.length)).chunks()) return Uint8Array.from(c);
  throw new Error('no chunk');
}

/** The signature value of a DER CertificateList (one SEQUENCE filling the file, of three elements). */
function signatureOf(der: Uint8Array): Uint8Array {
  const outer = expectTlv(der, 0, der.length, 0x30, 'CertificateList');
  assert.equal(outer.end, der.length);
  const [, , sig] = children(der, outer);
  assert.equal(sig?.tag, 0x03);
  return tlvValue(der, sig).subarray(1);
}

function verifies(signer: Signer, alg: SigningAlgorithm, tbs: Uint8Array, sig: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(signer.key.spki), format: 'der', type: 'spki' });
  const h = /^SHA(256|384|512)/.exec(alg)?.[1];
  if (alg.endsWith('_PSS')) return verify(`sha${h}`, tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(h) / 8 }, sig);
  return verify(h ? `sha${h}` : null, tbs, key, sig);
}

/** openssl crl -verify against the CA certificate; returns what it said. */
function opensslVerify(der: Uint8Array, pem: string): string {
  const ca = join(dir, `ca-${randomBytes(4).toString('hex')}.pem`);
  writeFileSync(ca, pem);
  const r = spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-CAfile', ca, '-verify'], { input: der, encoding: 'utf8' });
  return r.stdout + r.stderr;
}

async function written(tbs: CrlTbs, signer: Signer, alg: SigningAlgorithm): Promise<Uint8Array> {
  const path = join(dir, `x.crl.${randomBytes(6).toString('hex')}.tmp`);
  const w = await writeCrlFile(path, tbs, signer, alg);
  const der = new Uint8Array(readFileSync(path));
  assert.equal(der.length, w.bytes);
  rmSync(path);
  return der;
}

test('50,000 entries through 64 KiB chunks (P-256): the file is the in-memory CertificateList and openssl verifies it', async () => {
  const { signer, pem, header } = await ca('EC_prime256v1', 'SHA256WITHECDSA', 'http://pca.example/crl/6c1c1a9e-0000-4000-8000-000000000001.crl');
  const batches = revoked(50_000);
  const tbs = await encodeCrlTbs(header, batches, undefined, 65_536);
  assert.ok(tbs.length > 30 * 65_536, `${tbs.length} octets span many chunks`);
  const der = await written(tbs, signer, 'SHA256WITHECDSA');
  const expectedTbs = await inMemory(header, batches);
  const sig = signatureOf(der);
  assert.ok(Buffer.from(der).equals(seq(expectedTbs, algorithmIdentifier('SHA256WITHECDSA'), bitString(sig))), 'byte for byte the in-memory encoding');
  assert.ok(verifies(signer, 'SHA256WITHECDSA', expectedTbs, sig));
  assert.match(opensslVerify(der, pem), /verify OK/);
  const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], { input: der, encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(text.match(/Serial Number:/g)?.length, 50_000);
});

test('RSA PKCS#1 (deterministic): the streamed file is byte for byte the one-shot signed CertificateList', async () => {
  const { signer, pem, header } = await ca('RSA_2048', 'SHA256WITHRSA');
  const batches = revoked(20_000);
  const der = await written(await encodeCrlTbs(header, batches, undefined, 4096), signer, 'SHA256WITHRSA');
  const tbs = await inMemory(header, batches);
  assert.ok(Buffer.from(der).equals(seq(tbs, algorithmIdentifier('SHA256WITHRSA'), bitString(await signer.sign('SHA256WITHRSA', tbs)))));
  assert.match(opensslVerify(der, pem), /verify OK/);
});

for (const [keyAlg, alg] of [['RSA_3072', 'SHA384WITHRSA_PSS'], ['EC_secp521r1', 'SHA512WITHECDSA'], ['ML_DSA_65', 'ML_DSA_65']] as const) {
  test(`${alg}: the streamed CRL file verifies${keyAlg.startsWith('ML') ? '' : ' (and with openssl)'}`, async () => {
    const { signer, pem, header } = await ca(keyAlg, alg);
    const batches = revoked(5_000);
    const der = await written(await encodeCrlTbs(header, batches, undefined, 8192), signer, alg);
    const tbs = await inMemory(header, batches);
    const sig = signatureOf(der);
    assert.ok(Buffer.from(der).equals(seq(tbs, algorithmIdentifier(alg), bitString(sig))));
    assert.ok(verifies(signer, alg, tbs, sig));
    if (!keyAlg.startsWith('ML')) assert.match(opensslVerify(der, pem), /verify OK/); // OpenSSL 3.0 knows no ML-DSA
  });
}

test('an ECDSA signature shorter than the longest moves the TBS down when the outer length then needs fewer octets', async () => {
  const { signer, header } = await ca('EC_prime256v1', 'SHA256WITHECDSA');
  const short = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01);
  const fake: Signer = { key: signer.key, sign: async () => short, begin: () => ({ update() {}, final: async () => short }) };
  const algId = algorithmIdentifier('SHA256WITHECDSA');
  // The shortest list whose CertificateList contents reach 65,536 octets with the longest signature (72 octets):
  // as no entry is over 48 octets, they stay under with this one, and the outer length takes an octet less.
  const all = revoked(1500)().flat();
  for (let n = 1; ; n++) {
    const batches = () => [all.slice(0, n)];
    const tbs = await encodeCrlTbs(header, batches);
    if (tbs.length + algId.length + 75 < 65_536) continue;
    assert.ok(tbs.length + algId.length + bitString(short).length < 65_536);
    const der = await written(tbs, fake, 'SHA256WITHECDSA');
    assert.deepEqual([der[0], der[1]], [0x30, 0x82]);
    assert.ok(Buffer.from(der).equals(seq(await inMemory(header, batches), algId, bitString(short))), 'no stale octets anywhere');
    break;
  }
});

test('a failure while writing (CrlChanged, signer) removes the temporary file; an existing file is left alone', async () => {
  const { signer, header } = await ca('EC_prime256v1', 'SHA256WITHECDSA');
  const sub = mkdtempSync(join(dir, 'fail-'));
  let pass = 0;
  const changing = () => revoked(pass++ === 0 ? 3000 : 3001)();
  await assert.rejects(writeCrlFile(join(sub, 'a.crl.01.tmp'), await encodeCrlTbs(header, changing, undefined, 4096), signer, 'SHA256WITHECDSA'), CrlChanged);
  const failing: Signer = { key: signer.key, sign: signer.sign, begin: () => ({ update() {}, final: async () => { throw new Error('HSM unavailable'); } }) };
  await assert.rejects(writeCrlFile(join(sub, 'a.crl.02.tmp'), await encodeCrlTbs(header, revoked(3000)), failing, 'SHA256WITHECDSA'), /HSM unavailable/);
  assert.deepEqual(readdirSync(sub), []);
  writeFileSync(join(sub, 'a.crl.03.tmp'), 'someone else');
  await assert.rejects(writeCrlFile(join(sub, 'a.crl.03.tmp'), await encodeCrlTbs(header, revoked(10)), signer, 'SHA256WITHECDSA'), { code: 'EEXIST' });
  assert.equal(readFileSync(join(sub, 'a.crl.03.tmp'), 'utf8'), 'someone else');
});
