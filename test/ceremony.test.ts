// The full CA ceremony through the AWS SDK v3: root → subordinates → end entity, an outside openssl root, and the
// errors of IssueCertificate, GetCertificate and ImportCertificateAuthorityCertificate. openssl and gnutls verify.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateCertificateAuthorityCommand, DescribeCertificateAuthorityCommand, GetCertificateAuthorityCertificateCommand,
  GetCertificateAuthorityCsrCommand, GetCertificateCommand, ImportCertificateAuthorityCertificateCommand, IssueCertificateCommand,
  UpdateCertificateAuthorityCommand, waitUntilCertificateAuthorityCSRCreated, waitUntilCertificateIssued, type ACMPCAClient,
} from '@aws-sdk/client-acm-pca';
import { certtoolVerifyChain, opensslCsr, opensslText, opensslVerify, splitPems } from './helpers/certs.ts';
import { sdkClient, startTestServer, tempDir, type TestServer } from './helpers/server.ts';

let server: TestServer;
let pca: ACMPCAClient;
const enc = new TextEncoder();
const T = (name: string) => `arn:aws:acm-pca:::template/${name}/V1`;

before(async () => { server = await startTestServer(); pca = sdkClient(server); });
after(async () => { pca?.destroy(); await server?.stop(); });

async function createCa(type: 'ROOT' | 'SUBORDINATE', cn: string, key = 'EC_prime256v1', sig = 'SHA256WITHECDSA', extra: Record<string, unknown> = {}): Promise<{ arn: string; csr: string }> {
  const arn = (await pca.send(new CreateCertificateAuthorityCommand({
    CertificateAuthorityType: type,
    CertificateAuthorityConfiguration: { KeyAlgorithm: key as never, SigningAlgorithm: sig as never, Subject: { CommonName: cn, Organization: 'OpenPCA Ceremony', Country: 'US' } },
    ...extra,
  }))).CertificateAuthorityArn!;
  await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 60, minDelay: 1 }, { CertificateAuthorityArn: arn });
  const csr = (await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))).Csr!;
  return { arn, csr };
}

async function issue(caArn: string, csrPem: string, template: string, validity = { Type: 'DAYS', Value: 30 }, sig = 'SHA256WITHECDSA', extra: Record<string, unknown> = {}) {
  const { CertificateArn } = await pca.send(new IssueCertificateCommand({
    CertificateAuthorityArn: caArn, Csr: enc.encode(csrPem), SigningAlgorithm: sig as never, TemplateArn: T(template),
    Validity: validity as never, ...extra,
  }));
  assert.match(CertificateArn!, new RegExp(`^${caArn}/certificate/[0-9a-f]{32}$`));
  await waitUntilCertificateIssued({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: caArn, CertificateArn });
  const out = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }));
  return { arn: CertificateArn!, cert: out.Certificate!, chain: out.CertificateChain };
}

async function importCert(caArn: string, cert: string, chain?: string) {
  await pca.send(new ImportCertificateAuthorityCertificateCommand({
    CertificateAuthorityArn: caArn, Certificate: enc.encode(cert), ...(chain ? { CertificateChain: enc.encode(chain) } : {}),
  }));
}

async function rejects(p: Promise<unknown>, name: string, message?: RegExp) {
  await assert.rejects(p, (e: Error) => { assert.equal(e.name, name, e.message); if (message) assert.match(e.message, message); return true; });
}

const h: Record<string, { arn: string; cert: string; chain?: string | undefined }> = {};

describe('root → subordinate → subordinate → end entity', () => {
  test('a ROOT CA self-issues its certificate with RootCACertificate/V1 and imports it', async () => {
    const root = await createCa('ROOT', 'Ceremony Root');
    const self = await issue(root.arn, root.csr, 'RootCACertificate', { Type: 'YEARS', Value: 10 });
    assert.equal(self.chain, undefined, 'a self-issued root has no chain');
    const text = opensslText(self.cert);
    assert.match(text, /Issuer: C = US, O = OpenPCA Ceremony, CN = Ceremony Root/);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    assert.doesNotMatch(text, /Authority Key Identifier/);
    await importCert(root.arn, self.cert);
    const d = (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn }))).CertificateAuthority!;
    assert.equal(d.Status, 'ACTIVE');
    assert.match(d.Serial!, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.ok(d.NotAfter!.getTime() > Date.now() + 9 * 365 * 86400_000);
    const got = await pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: root.arn }));
    assert.equal(got.Certificate, self.cert);
    assert.equal(got.CertificateChain, undefined);
    assert.ok(opensslVerify(self.cert, self.cert).ok);
    h.root = { arn: root.arn, cert: self.cert };
  });

  test('a SUBORDINATE (RSA) signed by the root with SubordinateCACertificate_PathLen1, imported with its chain', async () => {
    const sub = await createCa('SUBORDINATE', 'Ceremony Sub 1', 'RSA_2048', 'SHA256WITHRSA');
    await rejects(pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: sub.arn })), 'InvalidStateException');
    const c = await issue(h.root!.arn, sub.csr, 'SubordinateCACertificate_PathLen1', { Type: 'YEARS', Value: 5 });
    assert.equal(c.chain, h.root!.cert);
    const text = opensslText(c.cert);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    assert.match(text, /Authority Key Identifier/);
    await importCert(sub.arn, c.cert, c.chain);
    const got = await pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: sub.arn }));
    assert.equal(got.Certificate, c.cert);
    assert.equal(got.CertificateChain, h.root!.cert);
    h.sub1 = { arn: sub.arn, cert: c.cert, chain: c.chain };
  });

  test('a second-level subordinate with PathLen0, then an end-entity certificate that openssl and gnutls verify', async () => {
    const sub = await createCa('SUBORDINATE', 'Ceremony Sub 2');
    const c = await issue(h.sub1!.arn, sub.csr, 'SubordinateCACertificate_PathLen0', { Type: 'YEARS', Value: 2 }, 'SHA256WITHRSA');
    assert.equal(c.chain, h.sub1!.cert + h.root!.cert);
    await importCert(sub.arn, c.cert, c.chain);
    h.sub2 = { arn: sub.arn, cert: c.cert, chain: c.chain };
    const leaf = opensslCsr('/CN=www.example.com/O=Example', { addext: ['subjectAltName=DNS:www.example.com,DNS:example.com'] });
    const { CertificateArn } = await pca.send(new IssueCertificateCommand({
      CertificateAuthorityArn: sub.arn, Csr: enc.encode(leaf.csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 },
    }));
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: sub.arn, CertificateArn });
    const out = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: sub.arn, CertificateArn }));
    assert.equal(out.CertificateChain, h.sub2.cert + h.sub1!.cert + h.root!.cert);
    const text = opensslText(out.Certificate!);
    assert.match(text, /Subject: CN = www.example.com, O = Example/);
    assert.match(text, /DNS:www.example.com, DNS:example.com/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    const serial = CertificateArn!.split('/').pop()!;
    assert.match(text, new RegExp(`Serial Number:\\s+(00:)?${serial.match(/../g)!.join(':')}`));
    const v = opensslVerify(out.Certificate!, h.root!.cert, out.CertificateChain!.replace(h.root!.cert, ''), ['-purpose', 'sslserver']);
    assert.ok(v.ok, v.output);
    const g = certtoolVerifyChain([out.Certificate!, ...splitPems(out.CertificateChain!)]);
    assert.ok(g.ok, g.output);
    h.leaf = { arn: CertificateArn!, cert: out.Certificate! };
  });

  test('path length is enforced: a PathLen0 CA cannot issue a CA certificate', async () => {
    const sub = await createCa('SUBORDINATE', 'Too Deep');
    await rejects(pca.send(new IssueCertificateCommand({
      CertificateAuthorityArn: h.sub2!.arn, Csr: enc.encode(sub.csr), SigningAlgorithm: 'SHA256WITHECDSA',
      TemplateArn: T('SubordinateCACertificate_PathLen0'), Validity: { Type: 'DAYS', Value: 30 },
    })), 'InvalidArgsException', /path length/);
  });
});

describe('an outside root made with openssl', () => {
  test('signs our subordinate\'s CSR; the import with its chain activates the CA, whose leaf verifies', async () => {
    const dir = tempDir('openpca-outside-');
    const f = (n: string) => join(dir, n);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', f('root.key'), '-out', f('root.pem'),
      '-subj', '/CN=Outside Root/O=Elsewhere', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
    const sub = await createCa('SUBORDINATE', 'Sub of Outside Root');
    writeFileSync(f('sub.csr'), sub.csr);
    writeFileSync(f('ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,digitalSignature,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    execFileSync('openssl', ['x509', '-req', '-in', f('sub.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-CAcreateserial', '-days', '1000', '-sha384',
      '-extfile', f('ext.cnf'), '-out', f('sub.pem')], { stdio: 'ignore' });
    const rootPem = readFileSync(f('root.pem'), 'utf8');
    const subPem = readFileSync(f('sub.pem'), 'utf8');
    await rejects(importCert(sub.arn, subPem), 'InvalidRequestException', /chain/i);
    await importCert(sub.arn, subPem, rootPem);
    const leaf = opensslCsr('/CN=service.internal');
    const out = await issue(sub.arn, leaf.csrPem, 'EndEntityServerAuthCertificate');
    const v = opensslVerify(out.cert, rootPem, subPem, ['-purpose', 'sslserver']);
    assert.ok(v.ok, v.output);
    assert.ok(certtoolVerifyChain([out.cert, subPem, rootPem]).ok);
  });
});

describe('errors', () => {
  test('IssueCertificate', async () => {
    const leaf = opensslCsr('/CN=err.example.com');
    const base = { CertificateAuthorityArn: h.sub2!.arn, Csr: enc.encode(leaf.csrPem), SigningAlgorithm: 'SHA256WITHECDSA' as const, Validity: { Type: 'DAYS' as const, Value: 10 } };
    await rejects(pca.send(new IssueCertificateCommand({ ...base, TemplateArn: T('NoSuchTemplate') })), 'InvalidArgsException', /not a known template/);
    await rejects(pca.send(new IssueCertificateCommand({ ...base, TemplateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V2' })), 'InvalidArgsException');
    await rejects(pca.send(new IssueCertificateCommand({ ...base, SigningAlgorithm: 'SHA256WITHRSA' })), 'InvalidArgsException', /cannot be used/);
    await rejects(pca.send(new IssueCertificateCommand({ ...base, Csr: enc.encode('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n') })), 'MalformedCSRException');
    await rejects(pca.send(new IssueCertificateCommand({ ...base, Validity: { Type: 'YEARS', Value: 50 } })), 'InvalidArgsException', /expires|after/);
    await rejects(pca.send(new IssueCertificateCommand({ ...base, TemplateArn: T('RootCACertificate') })), 'InvalidArgsException', /ROOT/);
    await rejects(pca.send(new IssueCertificateCommand({ ...base, CertificateAuthorityArn: h.root!.arn, TemplateArn: T('RootCACertificate') })), 'InvalidArgsException', /CA's CSR/);
    const pending = await createCa('SUBORDINATE', 'Pending');
    await rejects(pca.send(new IssueCertificateCommand({ ...base, CertificateAuthorityArn: pending.arn })), 'InvalidStateException', /PENDING_CERTIFICATE/);
  });

  test('GetCertificate', async () => {
    const arn = h.leaf!.arn;
    const caArn = h.sub2!.arn;
    await rejects(pca.send(new GetCertificateCommand({ CertificateAuthorityArn: h.sub1!.arn, CertificateArn: arn })), 'InvalidArnException');
    await rejects(pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: `${caArn}/certificate/zz` })), 'InvalidArnException');
    await rejects(pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: `${caArn}/certificate/${'ab'.repeat(16)}` })), 'ResourceNotFoundException');
    const upper = `${caArn}/certificate/${arn.split('/').pop()!.toUpperCase()}`;
    assert.equal((await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: upper }))).Certificate, h.leaf!.cert);
  });

  test('ImportCertificateAuthorityCertificate', async () => {
    const other = await createCa('SUBORDINATE', 'Import Errors');
    await rejects(importCert(other.arn, 'not a certificate'), 'MalformedCertificateException');
    await rejects(importCert(other.arn, h.sub2!.cert, h.sub2!.chain), 'CertificateMismatchException');
    await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: h.sub1!.arn, Status: 'DISABLED' }));
    try {
      await rejects(importCert(h.sub1!.arn, h.sub1!.cert, h.sub1!.chain), 'InvalidStateException', /DISABLED/);
      await rejects(pca.send(new IssueCertificateCommand({
        CertificateAuthorityArn: h.sub1!.arn, Csr: enc.encode(opensslCsr().csrPem), SigningAlgorithm: 'SHA256WITHRSA', Validity: { Type: 'DAYS', Value: 1 },
      })), 'InvalidStateException', /DISABLED/);
    } finally {
      await pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: h.sub1!.arn, Status: 'ACTIVE' }));
    }
    await importCert(h.sub1!.arn, h.sub1!.cert, h.sub1!.chain); // re-import of the same certificate (replacement) is fine
  });

  test('IdempotencyToken returns the same certificate ARN', async () => {
    const leaf = opensslCsr('/CN=idem.example.com');
    const req = { CertificateAuthorityArn: h.sub2!.arn, Csr: enc.encode(leaf.csrPem), SigningAlgorithm: 'SHA256WITHECDSA' as const, Validity: { Type: 'DAYS' as const, Value: 10 }, IdempotencyToken: 'idem-1' };
    const a = (await pca.send(new IssueCertificateCommand(req))).CertificateArn;
    const b = (await pca.send(new IssueCertificateCommand(req))).CertificateArn;
    assert.equal(a, b);
  });
});

describe('asynchronous issuance', () => {
  test('GetCertificate answers RequestInProgressException until the certificate is signed', async () => {
    const slow = await startTestServer({ env: { OPENPCA_ISSUANCE_DELAY_MS: '1500' } });
    const c = sdkClient(slow);
    try {
      const arn = (await c.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Slow' } } }))).CertificateAuthorityArn!;
      await waitUntilCertificateAuthorityCSRCreated({ client: c, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: arn });
      const csr = (await c.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))).Csr!;
      const { CertificateArn } = await c.send(new IssueCertificateCommand({ CertificateAuthorityArn: arn, Csr: enc.encode(csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: T('RootCACertificate'), Validity: { Type: 'YEARS', Value: 1 } }));
      await rejects(c.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn })), 'RequestInProgressException');
      const w = await waitUntilCertificateIssued({ client: c, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: arn, CertificateArn });
      assert.equal(w.state, 'SUCCESS');
      assert.match((await c.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }))).Certificate!, /BEGIN CERTIFICATE/);
    } finally { c.destroy(); await slow.stop(); }
  });

  test('without a delay the certificate is signed and stored before the ARN is returned: GetCertificate finds it at once', async () => {
    const root = await createCa('ROOT', 'Immediate Root', 'EC_prime256v1', 'SHA256WITHECDSA');
    const self = await issue(root.arn, root.csr, 'RootCACertificate', { Type: 'YEARS', Value: 1 }, 'SHA256WITHECDSA');
    await importCert(root.arn, self.cert);
    const arns = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await pca.send(new IssueCertificateCommand({
      CertificateAuthorityArn: root.arn, Csr: enc.encode(opensslCsr(`/CN=now-${i}.example.com`).csrPem), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 },
    }))).CertificateArn!));
    for (const CertificateArn of arns) {
      const out = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateArn }));
      assert.match(out.Certificate!, /BEGIN CERTIFICATE/);
      assert.ok(opensslVerify(out.Certificate!, self.cert, '', []).ok);
    }
  });
});

describe('other CA key types end to end', () => {
  test('an ML-DSA-65 root self-issues, imports and issues a leaf (node:crypto verifies; openssl 3.0 predates ML-DSA)', async () => {
    const { X509Certificate } = await import('node:crypto');
    const root = await createCa('ROOT', 'ML-DSA Root', 'ML_DSA_65', 'ML_DSA_65');
    const self = await issue(root.arn, root.csr, 'RootCACertificate', { Type: 'YEARS', Value: 2 }, 'ML_DSA_65');
    const rootCert = new X509Certificate(self.cert);
    assert.ok(rootCert.verify(rootCert.publicKey), 'self-signature verifies');
    await importCert(root.arn, self.cert);
    const leaf = await issue(root.arn, opensslCsr('/CN=pq.example.com').csrPem, 'EndEntityCertificate', { Type: 'DAYS', Value: 30 }, 'ML_DSA_65');
    const leafCert = new X509Certificate(leaf.cert);
    assert.ok(leafCert.verify(rootCert.publicKey), 'the leaf is signed by the ML-DSA root');
    assert.ok(leafCert.checkIssued(rootCert));
    assert.match(execFileSync('openssl', ['asn1parse', '-inform', 'PEM'], { input: leaf.cert, encoding: 'utf8' }), /2\.16\.840\.1\.101\.3\.4\.3\.18/);
  });

  test('an RSA CA signs with RSASSA-PSS (SHA384WITHRSA_PSS) and openssl verifies the chain', async () => {
    const root = await createCa('ROOT', 'PSS Root', 'RSA_2048', 'SHA256WITHRSA');
    const self = await issue(root.arn, root.csr, 'RootCACertificate', { Type: 'YEARS', Value: 2 }, 'SHA256WITHRSA_PSS');
    await importCert(root.arn, self.cert);
    const leaf = await issue(root.arn, opensslCsr('/CN=pss.example.com').csrPem, 'EndEntityServerAuthCertificate', { Type: 'DAYS', Value: 30 }, 'SHA384WITHRSA_PSS');
    assert.match(opensslText(leaf.cert), /Signature Algorithm: rsassaPss[\s\S]*Hash Algorithm: sha384[\s\S]*Salt Length: 0x30/);
    const v = opensslVerify(leaf.cert, self.cert, '', ['-purpose', 'sslserver']);
    assert.ok(v.ok, v.output);
  });
});

describe('--workers 0', () => {
  test('with no worker threads the event loop verifies, builds and signs: root and leaf still verify with openssl', async () => {
    const inline = await startTestServer({ args: ['--workers', '0'] });
    const saved = pca;
    pca = sdkClient(inline);
    try {
      const root = await createCa('ROOT', 'Inline Root', 'RSA_2048', 'SHA256WITHRSA');
      const self = await issue(root.arn, root.csr, 'RootCACertificate', { Type: 'YEARS', Value: 1 }, 'SHA256WITHRSA');
      await importCert(root.arn, self.cert);
      const leaf = await issue(root.arn, opensslCsr('/CN=inline.example.com').csrPem, 'EndEntityCertificate', { Type: 'DAYS', Value: 7 }, 'SHA256WITHRSA');
      const v = opensslVerify(leaf.cert, self.cert);
      assert.ok(v.ok, v.output);
    } finally { pca.destroy(); pca = saved; await inline.stop(); }
  });
});
