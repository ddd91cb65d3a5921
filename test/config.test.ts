// Server configuration as a user meets it: flags and variables, region allow-list, accounts, bad values, the README table.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CreateCertificateAuthorityCommand, DescribeCertificateAuthorityCommand, ListCertificateAuthoritiesCommand,
} from '@aws-sdk/client-acm-pca';
import { OPTIONS } from '../src/config/config.ts';
import { ROOT, rawRequest, sdkClient, startTestServer, tempDir } from './helpers/server.ts';

const cfg = { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'cfg' } } as const;

test('--regions: requests signed for another region get InvalidSignatureException', async () => {
  const server = await startTestServer({ args: ['--regions', 'us-east-1,eu-central-1'] });
  try {
    assert.equal((await rawRequest(server, { region: 'eu-central-1' })).status, 200);
    const r = await rawRequest(server, { region: 'eu-west-1' });
    assert.equal(r.status, 400);
    assert.equal(r.json?.__type, 'InvalidSignatureException');
    assert.match(String(r.json?.message), /valid region/);
  } finally { await server.stop(); }
});

test('each access key belongs to an account: one account cannot see or name another one\'s CAs', async () => {
  const dataDir = tempDir();
  const other = { accessKeyId: 'AKIDOTHERACCOUNT0001', secretAccessKey: 'another-secret-for-account-two-000000000', accountId: '222222222222' };
  writeFileSync(join(dataDir, 'credentials.json'), JSON.stringify({ credentials: [other] }), { mode: 0o600 });
  const server = await startTestServer({ dataDir });
  const a = sdkClient(server);
  const b = sdkClient(server, 'us-east-1', other);
  try {
    const arn = (await a.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: cfg }))).CertificateAuthorityArn!;
    assert.match(arn, /:123456789012:/);
    const mine = (await b.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: cfg }))).CertificateAuthorityArn!;
    assert.match(mine, /:222222222222:/);
    await assert.rejects(b.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })), { name: 'ResourceNotFoundException' });
    assert.deepEqual((await b.send(new ListCertificateAuthoritiesCommand({}))).CertificateAuthorities!.map((c) => c.Arn), [mine]);
    assert.equal((await b.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: mine }))).CertificateAuthority?.OwnerAccount, '222222222222');
  } finally { a.destroy(); b.destroy(); await server.stop(); }
});

test('bad configuration stops with exit code 2 and says what is wrong', () => {
  const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8',
  });
  let r = run(['serve', '--port', 'abc']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--port must be an integer/);
  r = run(['serve', '--bogus', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
  r = run(['serve'], { OPENPCA_ACCESS_KEY_ID: 'AKID' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /OPENPCA_SECRET_ACCESS_KEY/);
  r = run(['serve'], { OPENPCA_ACCOUNT_ID: '12' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /12 digits/);
  r = run(['serve', '--data-dir', tempDir()], { OPENPCA_KEK: 'dG9vIHNob3J0' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /32 bytes, base64/);
  r = run(['serve', '--port', '9000', '--ocsp-port', '9000']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--ocsp-port must differ from --port/);
  r = run(['serve', '--port', '0'], { OPENPCA_OCSP_PORT: '0', OPENPCA_OCSP_WORKERS: '0' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /OPENPCA_OCSP_WORKERS must be an integer ≥ 1/);
  r = run(['help']);
  assert.equal(r.status, 0);
  for (const [, env] of OPTIONS) assert.ok(r.stdout.includes(env), `help lists ${env}`);
});

test('a port already in use is reported, not a crash dump', async () => {
  const first = await startTestServer();
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), 'serve', '--port', String(first.port), '--data-dir', tempDir()], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /EADDRINUSE|address already in use/i);
    // The same for the dedicated OCSP port (its listener threads report why they could not start).
    const o = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--ocsp-port', String(first.port), '--data-dir', tempDir()], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(o.status, 1);
    assert.match(o.stderr, /OCSP listener could not start on port \d+: .*(EADDRINUSE|address already in use)/i);
  } finally { await first.stop(); }
});

test('the README configuration table lists every option with its flag and default', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [flag, env, dflt] of OPTIONS) {
    const row = readme.split('\n').find((l) => l.startsWith('| ') && l.includes(`\`${env}\``));
    assert.ok(row, `README has a row for ${env}`);
    if (flag) assert.ok(row.includes(`\`${flag}\``), `${env} row names ${flag}`);
    assert.ok(row.includes(dflt), `${env} row gives the default ${dflt}`);
  }
});
