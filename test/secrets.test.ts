// Secret handling: generated credentials shown once and kept 0600; CA private keys only ever stored wrapped under the KEK.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { constants, createDecipheriv, createPrivateKey, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  CreateCertificateAuthorityCommand, DescribeCertificateAuthorityCommand, ListCertificateAuthoritiesCommand,
  type ACMPCAClient, type KeyAlgorithm as SdkKeyAlgorithm, type SigningAlgorithm as SdkSigningAlgorithm,
} from '@aws-sdk/client-acm-pca';
import { SoftwareKeyStore } from '../src/keys/software/keystore.ts';
import type { KeyRef } from '../src/ports/keys.ts';
import type { KeyAlgorithm, SigningAlgorithm } from '../src/x509/algorithms.ts';
import { ROOT, CREDS, sdkClient, sleep, startTestServer, tempDir, type TestServer } from './helpers/server.ts';

interface CredentialFile { accessKeyId: string; secretAccessKey: string; accountId: string }

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;
const mode = (file: string): number => statSync(file).mode & 0o777;

/** Every regular file below `dir`, with its content. */
function filesIn(dir: string): Array<{ path: string; data: Buffer }> {
  const out: Array<{ path: string; data: Buffer }> = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const path = join(e.parentPath, e.name);
      out.push({ path, data: readFileSync(path) });
    }
  }
  return out;
}

async function errorName(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as Error).name; }
  return 'no error';
}

async function waitPending(client: ACMPCAClient, arn: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ca = (await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority;
    if (ca?.Status === 'PENDING_CERTIFICATE') return;
    assert.ok(ca?.Status === 'CREATING', `${arn} became ${ca?.Status}`);
    if (Date.now() > deadline) assert.fail(`${arn} still CREATING after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Independent check of a signature made by the stored CA key, with the public key from key_spki. */
function verifyWith(alg: SigningAlgorithm, data: Buffer, sig: Uint8Array, pub: KeyObject): boolean {
  switch (alg) {
    case 'SHA256WITHRSA': return verify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig);
    case 'SHA256WITHECDSA': return verify('sha256', data, { key: pub, dsaEncoding: 'der' }, sig);
    case 'ML_DSA_44': return verify(null, data, pub, sig);
    default: throw new Error(`no verifier for ${alg} in this test`);
  }
}

/**
 * Decrypts a `soft:v1:<keyId>:<base64url(iv | ct | tag)>` blob exactly as documented in keystore.ts, to learn the
 * plaintext PKCS#8 so the data files can be searched for it (and for the bare private value) byte for byte.
 */
function unwrapForScan(uri: string, algorithm: string, kek: Buffer): Buffer {
  const m = /^soft:v1:([^:]+):(.+)$/.exec(uri);
  assert.ok(m, `unexpected key uri format ${uri.slice(0, 40)}…`);
  const raw = Buffer.from(m[2]!, 'base64url');
  const d = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
  d.setAAD(Buffer.from(`openpca:key:v1:${algorithm}:${m[1]}`));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
}

describe('secrets', () => {
  it('generated credentials: shown once on stderr, stored 0600, usable, never logged', async () => {
    const dataDir = tempDir('openpca-secrets-');
    const servers: TestServer[] = [];
    try {
      const first = await startTestServer({ dataDir, withCredentials: false });
      servers.push(first);
      const credFile = join(dataDir, 'credentials.json');
      const kekFile = join(dataDir, 'kek');
      assert.equal(mode(credFile), 0o600, 'credentials.json is 0600');
      assert.equal(mode(kekFile), 0o600, 'kek is 0600');
      assert.equal(mode(dataDir) & 0o077, 0, 'the data directory is private');
      const stored = JSON.parse(readFileSync(credFile, 'utf8')) as { credentials: CredentialFile[] };
      assert.equal(stored.credentials.length, 1);
      const gen = stored.credentials[0]!;
      assert.match(gen.accessKeyId, /^[A-Z0-9]{16,128}$/);
      assert.ok(gen.secretAccessKey.length >= 30);
      assert.match(gen.accountId, /^\d{12}$/);

      // The banner is written right after the 'listening' record the harness waits for: give it a moment to arrive.
      for (let i = 0; i < 100 && !first.stderr.join('').includes(gen.secretAccessKey); i++) await sleep(20);
      const stderr1 = first.stderr.join('');
      assert.equal(count(stderr1, gen.secretAccessKey), 1, 'the secret is shown exactly once');
      assert.ok(stderr1.includes(`AWS_ACCESS_KEY_ID=${gen.accessKeyId}`));
      assert.ok(stderr1.includes(`AWS_SECRET_ACCESS_KEY=${gen.secretAccessKey}`));

      // The generated key works; the test key (not configured on this server) does not.
      const client = sdkClient(first, 'us-east-1', gen);
      const arn = (await client.send(new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'generated-key' } },
      }))).CertificateAuthorityArn!;
      assert.equal(arn.split(':')[4], gen.accountId, 'the CA belongs to the generated account');
      await waitPending(client, arn);
      client.destroy();
      const stranger = sdkClient(first, 'us-east-1', CREDS);
      assert.equal(await errorName(stranger.send(new ListCertificateAuthoritiesCommand({}))), 'UnrecognizedClientException');
      stranger.destroy();
      assert.equal(await first.stop('SIGTERM'), 0);

      // A restart reuses the stored key and does not print it again.
      const second = await startTestServer({ dataDir, withCredentials: false });
      servers.push(second);
      await sleep(300); // would the banner come, it would come now (see above)
      assert.ok(!second.stderr.join('').includes(gen.secretAccessKey), 'the secret is not printed again');
      assert.ok(!second.stderr.join('').includes('generated an access key'));
      assert.deepEqual((JSON.parse(readFileSync(credFile, 'utf8')) as { credentials: CredentialFile[] }).credentials, [gen]);
      const again = sdkClient(second, 'us-east-1', gen);
      const listed = await again.send(new ListCertificateAuthoritiesCommand({}));
      assert.deepEqual(listed.CertificateAuthorities?.map((c) => c.Arn), [arn]);
      again.destroy();
      assert.equal(await second.stop('SIGTERM'), 0);

      // `openpca credentials` prints it on request.
      const cli = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), 'credentials', '--data-dir', dataDir], { encoding: 'utf8', cwd: ROOT });
      assert.equal(cli.status, 0, cli.stderr);
      assert.ok(cli.stdout.includes(`export AWS_SECRET_ACCESS_KEY=${gen.secretAccessKey}`));

      // Nothing secret in the JSON logs of either run.
      const kekText = readFileSync(kekFile, 'utf8').trim();
      for (const s of servers) {
        assert.ok(s.logs.length > 0);
        for (const line of s.logs) {
          assert.ok(!line.includes(gen.secretAccessKey), `a log line contains the secret: ${line}`);
          assert.ok(!line.includes(kekText), `a log line contains the KEK: ${line}`);
          assert.ok(!line.includes('soft:v1:'), `a log line contains a wrapped key: ${line}`);
        }
      }
    } finally {
      for (const s of servers) await s.stop('SIGKILL');
    }
  });

  it('CA private keys are stored only wrapped under the KEK, in no file in the clear', async () => {
    const dataDir = tempDir('openpca-keys-');
    const specs: Array<{ key: KeyAlgorithm; sig: SigningAlgorithm }> = [
      { key: 'RSA_2048', sig: 'SHA256WITHRSA' },
      { key: 'EC_prime256v1', sig: 'SHA256WITHECDSA' },
      { key: 'ML_DSA_44', sig: 'ML_DSA_44' },
    ];
    const server = await startTestServer({ dataDir });
    const client = sdkClient(server);
    let arns: string[];
    let whileRunning: Array<{ path: string; data: Buffer }>;
    try {
      arns = await Promise.all(specs.map(async (s) => (await client.send(new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: s.key as SdkKeyAlgorithm, SigningAlgorithm: s.sig as SdkSigningAlgorithm, Subject: { CommonName: `key-${s.key}` } },
      }))).CertificateAuthorityArn!));
      for (const arn of arns) await waitPending(client, arn);
      whileRunning = filesIn(dataDir); // includes the -wal and -shm files of the live database
    } finally {
      client.destroy();
      assert.equal(await server.stop('SIGTERM'), 0);
    }
    const afterStop = filesIn(dataDir);
    const allFiles = [...whileRunning, ...afterStop];
    assert.ok(whileRunning.some((f) => f.path.endsWith('-wal')), 'the WAL was scanned');
    for (const f of allFiles) assert.ok(!f.data.includes('PRIVATE KEY'), `${f.path} contains a PEM private key marker`);

    const kek = Buffer.from(readFileSync(join(dataDir, 'kek'), 'utf8').trim(), 'base64');
    assert.equal(kek.length, 32);
    const db = new DatabaseSync(join(dataDir, 'openpca.sqlite'), { readOnly: true });
    const rows = db.prepare('SELECT arn, key_algorithm, key_uri, key_spki, configuration FROM certificate_authorities ORDER BY created_at').all() as
      Array<{ arn: string; key_algorithm: string; key_uri: string | null; key_spki: Uint8Array | null; configuration: string }>;
    db.close();
    assert.deepEqual(rows.map((r) => r.arn).sort(), [...arns].sort());

    const real = new SoftwareKeyStore(kek);
    const wrong = new SoftwareKeyStore(randomBytes(32));
    const data = Buffer.from('openpca secrets test: sign me');
    for (const row of rows) {
      const alg = (JSON.parse(row.configuration) as { SigningAlgorithm: SigningAlgorithm }).SigningAlgorithm;
      const uri = row.key_uri;
      const spki = row.key_spki;
      if (!uri?.startsWith('soft:v1:')) assert.fail(`${row.arn}: key_uri is not a soft:v1: wrapped blob`);
      if (!(spki instanceof Uint8Array) || spki.length === 0) assert.fail(`${row.arn}: key_spki is not stored`);
      const ref: KeyRef = { uri, algorithm: row.key_algorithm as KeyAlgorithm, spki };
      const pub = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });

      // A different KEK, or a blob presented under another algorithm (the AAD), cannot unwrap it.
      await assert.rejects(wrong.signer(ref), /cannot unwrap/);
      await assert.rejects(new SoftwareKeyStore(kek).signer({ ...ref, algorithm: row.key_algorithm === 'RSA_2048' ? 'RSA_3072' : 'RSA_2048' }), /cannot unwrap/);

      // The real KEK unwraps it into the private half of key_spki.
      const signer = await real.signer(ref);
      const sig = await signer.sign(alg, data);
      assert.ok(verifyWith(alg, data, sig, pub), `${row.arn}: signature verifies with key_spki`);
      assert.ok(!verifyWith(alg, Buffer.from('something else'), sig, pub));

      // Search every file for the plaintext key: PKCS#8 DER (raw and base64) and the bare private value.
      const pkcs8 = unwrapForScan(uri, row.key_algorithm, kek);
      const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      assert.deepEqual(Buffer.from(createPublicKey(priv).export({ type: 'spki', format: 'der' })), Buffer.from(spki));
      const needles: Array<[string, Buffer]> = [['PKCS#8 DER', pkcs8], ['PKCS#8 base64', Buffer.from(pkcs8.toString('base64').slice(0, 64))]];
      if (row.key_algorithm !== 'ML_DSA_44') {
        const d = Buffer.from((priv.export({ format: 'jwk' }) as { d: string }).d, 'base64url');
        needles.push(['private value', d], ['private value base64url', Buffer.from(d.toString('base64url'))]);
      }
      // Positive control: the scan does see database content (the public key is stored in the clear).
      assert.ok(allFiles.some((f) => f.data.includes(Buffer.from(spki))), 'the scanned files contain key_spki');
      for (const f of allFiles) {
        for (const [what, needle] of needles) assert.ok(!f.data.includes(needle), `${f.path} contains the ${what} of ${row.key_algorithm}`);
      }
    }
  });
});
