// 10,000 concurrent IssueCertificate calls on one CA: no duplicate serial, and every acknowledged ARN is retrievable.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import {
  CreateCertificateAuthorityCommand, GetCertificateAuthorityCsrCommand, GetCertificateCommand, ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand, waitUntilCertificateAuthorityCSRCreated, waitUntilCertificateIssued,
} from '@aws-sdk/client-acm-pca';
import { opensslCsr } from './helpers/certs.ts';
import { freePort, rawRequest, sdkClient, startTestServer, type TestServer } from './helpers/server.ts';

const N = 10_000;
const enc = new TextEncoder();
let server: TestServer;
let caArn: string;
let rootPem: string;

before(async () => {
  server = await startTestServer({ args: ['--log-level', 'warn'], port: await freePort() });
  const pca = sdkClient(server);
  caArn = (await pca.send(new CreateCertificateAuthorityCommand({
    CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Concurrency Root' } },
  }))).CertificateAuthorityArn!;
  await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: caArn });
  const csr = (await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }))).Csr!;
  const { CertificateArn } = await pca.send(new IssueCertificateCommand({
    CertificateAuthorityArn: caArn, Csr: enc.encode(csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 1 },
  }));
  await waitUntilCertificateIssued({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: caArn, CertificateArn });
  rootPem = (await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }))).Certificate!;
  await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: enc.encode(rootPem) }));
  pca.destroy();
});
after(async () => { await server?.stop(); });

async function pool<T>(count: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) { const i = next++; out[i] = await fn(i); }
  }));
  return out;
}

test(`${N} concurrent issuances from one CA: unique serials, every ARN retrievable and valid`, { timeout: 300_000 }, async () => {
  const csrs = Array.from({ length: 16 }, (_, i) => opensslCsr(`/CN=c${i}.example.com`).csrPem);
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  try {
    const arns = await pool(N, 128, async (i) => {
      const body = JSON.stringify({ CertificateAuthorityArn: caArn, Csr: Buffer.from(csrs[i % csrs.length]!).toString('base64'), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 7 } });
      const r = await rawRequest(server, { agent, target: 'ACMPrivateCA.IssueCertificate', body });
      assert.equal(r.status, 200, r.text);
      return String(r.json!.CertificateArn);
    });
    assert.equal(new Set(arns).size, N, 'every ARN (serial) is unique');
    const root = new X509Certificate(rootPem);
    const serials = new Set<string>();
    await pool(N, 64, async (i) => {
      for (let attempt = 0; ; attempt++) {
        const r = await rawRequest(server, { agent, target: 'ACMPrivateCA.GetCertificate', body: JSON.stringify({ CertificateAuthorityArn: caArn, CertificateArn: arns[i] }) });
        if (r.status === 400 && r.json?.__type === 'RequestInProgressException' && attempt < 200) { await new Promise((res) => setTimeout(res, 20)); continue; }
        assert.equal(r.status, 200, r.text);
        const cert = new X509Certificate(String(r.json!.Certificate));
        assert.equal(cert.serialNumber.toLowerCase().replace(/^00/, ''), arns[i]!.split('/').pop());
        assert.ok(cert.verify(root.publicKey), 'signed by the CA');
        serials.add(cert.serialNumber);
        return;
      }
    });
    assert.equal(serials.size, N);
  } finally { agent.destroy(); }
});
