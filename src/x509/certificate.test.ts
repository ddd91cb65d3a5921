// Tests for the certificate encoder: byte-exact re-encoding of real AWS certificates, library round trips, openssl verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, Certificate, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { ApiPassthrough } from '../contract/generated.ts';
import { findTemplate, templateContent } from '../domain/templates.ts';
import { keyGenParams, signArgs, type KeyAlgorithm, type SigningAlgorithm } from './algorithms.ts';
import { buildCaCsr } from './csr.ts';
import { parseAndVerifyCsr } from './csr-parse.ts';
import { certificatePem, encodeCertificate, encodeTbs, ski } from './certificate.ts';
import { children, expectTlv, tlvBytes } from './der.ts';
import { spkiFromPublicKey } from './keys.ts';
import { subjectDer } from './name.ts';
import type { ParsedCsr } from './types.ts';

const gen = generateKeyPairSync as (type: string, options?: object) => { publicKey: KeyObject; privateKey: KeyObject };
const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');
const HOUR = 3600_000;
const NOW = Math.floor(Date.now() / 1000) * 1000;

interface Ca { key: KeyObject; alg: SigningAlgorithm; subjectDer: Uint8Array; ski: Uint8Array; pem: string }

function tmp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'cert-test-'));
  try { return f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

function openssl(args: string[], files: Record<string, string>): { status: number | null; out: string } {
  return tmp((dir) => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync('/usr/bin/openssl', args.map((a) => (a in files ? join(dir, a) : a)), { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  });
}

/** Extension names from `openssl x509 -text`, with "!" for critical ones, in certificate order. */
function opensslExtensions(pem: string): string[] {
  const r = openssl(['x509', '-in', 'c.pem', '-noout', '-text'], { 'c.pem': pem });
  assert.equal(r.status, 0, r.out);
  const block = /X509v3 extensions:\n([\s\S]*?)\n {4}Signature Algorithm/.exec(r.out)?.[1] ?? '';
  return [...block.matchAll(/^ {12}(\S[^:\n]*): ?(critical)?$/gm)].map((m) => `${m[1]}${m[2] ? '!' : ''}`);
}

function caKeys(alg: KeyAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  const p = keyGenParams(alg);
  return gen(p.type, p.options);
}

async function caCsr(keys: { publicKey: KeyObject; privateKey: KeyObject }, alg: KeyAlgorithm, sigAlg: SigningAlgorithm, cn: string): Promise<ParsedCsr> {
  const { der } = await buildCaCsr({
    subject: { Country: 'US', Organization: 'Example Corp', CommonName: cn }, signingAlgorithm: sigAlg,
    signer: {
      key: { uri: 'test', algorithm: alg, spki: spkiFromPublicKey(keys.publicKey) },
      sign: async (a, tbs) => { const s = signArgs(a, keys.privateKey); return new Uint8Array(sign(s.digest, tbs, s.key)); },
    },
  });
  return parseAndVerifyCsr(der);
}

let serialCounter = 0;
function issue(o: {
  template: string; csr: ParsedCsr; issuer: Ca | null; signKey: KeyObject; alg: SigningAlgorithm;
  api?: ApiPassthrough; days?: number; cdp?: string | null; ocsp?: string | null;
}): { der: Uint8Array; pem: string; subjectDer: Uint8Array; ski: Uint8Array } {
  const t = findTemplate(`arn:aws:acm-pca:::template/${o.template}/V1`);
  assert.ok(t, o.template);
  const c = templateContent({ template: t, csr: o.csr, api: o.api, issuer: { ski: o.issuer?.ski ?? null }, cdpUri: o.cdp ?? null, ocspUri: o.ocsp ?? null });
  const serial = createHash('sha256').update(String(++serialCounter)).digest().subarray(0, 16);
  serial[0] = 0x80 | serialCounter;
  const tbs = encodeTbs({
    serial, signingAlgorithm: o.alg, issuerDer: o.issuer?.subjectDer ?? c.subjectDer,
    notBefore: new Date(NOW - HOUR), notAfter: new Date(NOW + (o.days ?? 1) * 86400_000),
    subjectDer: c.subjectDer, spkiDer: o.csr.spkiDer, extensions: c.extensions,
  });
  const s = signArgs(o.alg, o.signKey);
  const der = encodeCertificate(tbs, o.alg, new Uint8Array(sign(s.digest, tbs, s.key)));
  return { der, pem: certificatePem(der), subjectDer: c.subjectDer, ski: ski(o.csr.spkiDer) };
}

/** Library round trip: parses and re-serialises byte-identically; returns the parsed certificate. */
function roundTrip(der: Uint8Array): Certificate {
  const cert = AsnConvert.parse(der, Certificate);
  assert.equal(hex(AsnConvert.serialize(cert)), hex(der));
  return cert;
}

function extValue(cert: Certificate, id: string): ArrayBuffer | undefined {
  return cert.tbsCertificate.extensions?.find((e) => e.extnID === id)?.extnValue.buffer;
}

const HIERARCHIES: [KeyAlgorithm, SigningAlgorithm][] = [
  ['EC_prime256v1', 'SHA256WITHECDSA'], ['RSA_2048', 'SHA256WITHRSA'], ['RSA_2048', 'SHA384WITHRSA_PSS'], ['EC_secp384r1', 'SHA384WITHECDSA'],
];

for (const [keyAlg, sigAlg] of HIERARCHIES) {
  test(`root → PathLen0 subordinate → end entity with a ${keyAlg}/${sigAlg} CA passes openssl verify -x509_strict`, async () => {
    const rootKeys = caKeys(keyAlg);
    const rootCsr = await caCsr(rootKeys, keyAlg, sigAlg, 'Example Root');
    const root = issue({ template: 'RootCACertificate', csr: rootCsr, issuer: null, signKey: rootKeys.privateKey, alg: sigAlg, days: 3650 });
    const rootCa: Ca = { key: rootKeys.privateKey, alg: sigAlg, subjectDer: root.subjectDer, ski: root.ski, pem: root.pem };
    const subKeys = caKeys(keyAlg);
    const sub = issue({
      template: 'SubordinateCACertificate_PathLen0', csr: await caCsr(subKeys, keyAlg, sigAlg, 'Example Issuing CA'),
      issuer: rootCa, signKey: rootKeys.privateKey, alg: sigAlg, days: 365, cdp: 'http://pca.example/crl/root.crl',
    });
    const leafCsr = await parseAndVerifyCsr(spawnOpensslCsr());
    const leaf = issue({
      template: 'EndEntityCertificate', csr: leafCsr, signKey: subKeys.privateKey, alg: sigAlg,
      issuer: { key: subKeys.privateKey, alg: sigAlg, subjectDer: sub.subjectDer, ski: sub.ski, pem: sub.pem },
      cdp: 'http://pca.example/crl/sub.crl', ocsp: 'http://ocsp.pca.example',
    });
    for (const c of [root, sub, leaf]) roundTrip(c.der);
    assert.deepEqual(opensslExtensions(root.pem), ['X509v3 Basic Constraints!', 'X509v3 Subject Key Identifier', 'X509v3 Key Usage!']);
    assert.deepEqual(opensslExtensions(sub.pem), ['X509v3 Basic Constraints!', 'X509v3 Authority Key Identifier',
      'X509v3 Subject Key Identifier', 'X509v3 Key Usage!', 'X509v3 CRL Distribution Points']);
    assert.deepEqual(opensslExtensions(leaf.pem), ['X509v3 Basic Constraints', 'X509v3 Authority Key Identifier',
      'X509v3 Subject Key Identifier', 'X509v3 Key Usage!', 'X509v3 Extended Key Usage', 'X509v3 CRL Distribution Points',
      'Authority Information Access', 'X509v3 Subject Alternative Name']);
    const text = openssl(['x509', '-in', 'c.pem', '-noout', '-text'], { 'c.pem': leaf.pem }).out;
    assert.match(text, /URI:http:\/\/pca\.example\/crl\/sub\.crl/);
    assert.match(text, /OCSP - URI:http:\/\/ocsp\.pca\.example/);
    assert.match(text, /Digital Signature, Key Encipherment\n/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication\n/);
    for (const purpose of [[], ['-purpose', 'sslserver'], ['-purpose', 'sslclient']]) {
      const v = openssl(['verify', '-x509_strict', ...purpose, '-CAfile', 'root.pem', '-untrusted', 'sub.pem', 'leaf.pem'],
        { 'root.pem': root.pem, 'sub.pem': sub.pem, 'leaf.pem': leaf.pem });
      assert.match(v.out, /leaf\.pem: OK\n$/, v.out);
      assert.equal(v.status, 0, v.out);
    }
    // SKI = SHA-1 of the subjectPublicKey bits (recomputed through the library), AKI = issuer SKI
    const leafCert = roundTrip(leaf.der);
    const spki = AsnConvert.parse(leafCsr.spkiDer, SubjectPublicKeyInfo);
    const expectedSki = createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest('hex');
    assert.equal(hex(extValue(leafCert, '2.5.29.14') ?? new ArrayBuffer(0)), `0414${expectedSki}`);
    const aki = AsnConvert.parse(extValue(leafCert, '2.5.29.35') ?? new ArrayBuffer(0), AuthorityKeyIdentifier);
    assert.equal(hex(aki.keyIdentifier?.buffer ?? new ArrayBuffer(0)), hex(sub.ski));
    assert.equal(aki.authorityCertIssuer, undefined);
  });
}

function spawnOpensslCsr(...extra: string[]): Uint8Array {
  return tmp((dir) => {
    const out = join(dir, 'r.pem');
    const r = spawnSync('/usr/bin/openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(dir, 'k.pem'), '-subj', '/CN=a.example/O=Example', '-addext', 'subjectAltName=DNS:a.example', ...extra, '-out', out]);
    assert.equal(r.status, 0, String(r.stderr));
    return new Uint8Array(readFileSync(out));
  });
}

test('end-entity families: openssl shows the template extensions and the matching purposes verify', async () => {
  const keys = caKeys('EC_prime256v1');
  const root = issue({ template: 'RootCACertificate', csr: await caCsr(keys, 'EC_prime256v1', 'SHA256WITHECDSA', 'R'), issuer: null, signKey: keys.privateKey, alg: 'SHA256WITHECDSA', days: 30 });
  const ca: Ca = { key: keys.privateKey, alg: 'SHA256WITHECDSA', subjectDer: root.subjectDer, ski: root.ski, pem: root.pem };
  const csr = await parseAndVerifyCsr(spawnOpensslCsr());
  const cases: [string, string, string, string[]][] = [
    ['EndEntityClientAuthCertificate', 'TLS Web Client Authentication', 'Digital Signature, Key Encipherment', ['sslclient']],
    ['EndEntityServerAuthCertificate', 'TLS Web Server Authentication', 'Digital Signature, Key Encipherment', ['sslserver']],
    ['CodeSigningCertificate', 'Code Signing', 'Digital Signature', []],
    ['OCSPSigningCertificate', 'OCSP Signing', 'Digital Signature', ['ocsphelper']],
  ];
  for (const [template, eku, ku, purposes] of cases) {
    const leaf = issue({ template, csr, issuer: ca, signKey: keys.privateKey, alg: 'SHA256WITHECDSA' });
    roundTrip(leaf.der);
    const critical = template.startsWith('Code') || template.startsWith('OCSP') ? '!' : '';
    assert.deepEqual(opensslExtensions(leaf.pem), ['X509v3 Basic Constraints', 'X509v3 Authority Key Identifier',
      'X509v3 Subject Key Identifier', 'X509v3 Key Usage!', `X509v3 Extended Key Usage${critical}`, 'X509v3 Subject Alternative Name'], template);
    const text = openssl(['x509', '-in', 'c.pem', '-noout', '-text'], { 'c.pem': leaf.pem }).out;
    assert.match(text, new RegExp(`Extended Key Usage:.*\\n\\s+${eku}\\n`));
    assert.match(text, new RegExp(`Key Usage: critical\\n\\s+${ku}\\n`));
    for (const p of [null, ...purposes]) {
      const v = openssl(['verify', '-x509_strict', ...(p ? ['-purpose', p] : []), '-CAfile', 'root.pem', 'leaf.pem'], { 'root.pem': root.pem, 'leaf.pem': leaf.pem });
      assert.equal(v.status, 0, `${template} ${p}: ${v.out}`);
    }
  }
  // Blank template with API passthrough: KU/EKU/policies/custom extension from the request
  const api: ApiPassthrough = { Subject: { CommonName: 'api.example', Organization: 'API' }, Extensions: {
    KeyUsage: { DigitalSignature: true, NonRepudiation: true }, ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'EMAIL_PROTECTION' }],
    CertificatePolicies: [{ CertPolicyId: '1.3.6.1.4.1.99999.1', PolicyQualifiers: [{ PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'https://cps.example' } }] }],
    CustomExtensions: [{ ObjectIdentifier: '1.3.6.1.4.1.99999.9', Value: Buffer.from([0x0c, 2, 0x68, 0x69]).toString('base64'), Critical: false }],
  } };
  const blank = issue({ template: 'BlankEndEntityCertificate_APIPassthrough', csr, api, issuer: ca, signKey: keys.privateKey, alg: 'SHA256WITHECDSA' });
  roundTrip(blank.der);
  assert.deepEqual(opensslExtensions(blank.pem), ['X509v3 Basic Constraints', 'X509v3 Authority Key Identifier', 'X509v3 Subject Key Identifier',
    'X509v3 Key Usage!', 'X509v3 Extended Key Usage', 'X509v3 Subject Alternative Name', 'X509v3 Certificate Policies', '1.3.6.1.4.1.99999.9']);
  const text = openssl(['x509', '-in', 'c.pem', '-noout', '-text', '-nameopt', 'RFC2253'], { 'c.pem': blank.pem }).out;
  assert.match(text, /Subject: CN=api.example,O=API\n/);
  assert.match(text, /Digital Signature, Non Repudiation\n/);
  assert.match(text, /E-mail Protection\n/);
  assert.match(text, /Policy: 1\.3\.6\.1\.4\.1\.99999\.1\n\s+CPS: https:\/\/cps\.example\n/);
  const v = openssl(['verify', '-x509_strict', '-CAfile', 'root.pem', 'leaf.pem'], { 'root.pem': root.pem, 'leaf.pem': blank.pem });
  assert.equal(v.status, 0, v.out);
});

test('ML-DSA-65 root certificate: self-signature verifies with node:crypto, library round trip', async () => {
  const keys = caKeys('ML_DSA_65');
  const root = issue({ template: 'RootCACertificate', csr: await caCsr(keys, 'ML_DSA_65', 'ML_DSA_65', 'PQ Root'), issuer: null, signKey: keys.privateKey, alg: 'ML_DSA_65' });
  roundTrip(root.der);
  const x = new X509Certificate(root.der);
  assert.equal(x.verify(createPublicKey(keys.privateKey)), true);
  assert.equal(x.ca, true);
});

const BASE_TBS = (): Parameters<typeof encodeTbs>[0] => ({
  serial: Uint8Array.of(1), signingAlgorithm: 'SHA256WITHECDSA', issuerDer: subjectDer({ CommonName: 'I' }),
  notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z'),
  subjectDer: subjectDer({ CommonName: 'S' }), spkiDer: spkiFromPublicKey(gen('ec', { namedCurve: 'prime256v1' }).publicKey), extensions: [],
});

test('validity: UTCTime through 2049, GeneralizedTime from 2050 (and before 1950), whole seconds', () => {
  const cases: [string, string][] = [
    ['2049-12-31T23:59:59.999Z', '170d3439313233313233353935395a'],
    ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
    ['1950-01-01T00:00:00Z', '170d3530303130313030303030305a'],
    ['1949-12-31T23:59:59Z', '180f31393439313233313233353935395a'],
    ['9999-12-31T23:59:59Z', '180f39393939313233313233353935395a'],
  ];
  for (const [iso, want] of cases) {
    const der = encodeTbs({ ...BASE_TBS(), notAfter: new Date(iso) });
    const fields = children(der, expectTlv(der, 0, der.length, 0x30, 'tbs'));
    const validity = fields[4];
    assert.ok(validity);
    assert.equal(hex(tlvBytes(der, validity)).slice(-want.length), want, iso);
  }
  const cert = AsnConvert.parse(encodeCertificate(encodeTbs({ ...BASE_TBS(), notAfter: new Date('2050-06-01T12:00:00Z') }), 'SHA256WITHECDSA', Uint8Array.of(0x30, 0)), Certificate);
  assert.equal(cert.tbsCertificate.validity.notAfter.generalTime?.toISOString(), '2050-06-01T12:00:00.000Z');
  assert.equal(cert.tbsCertificate.validity.notBefore.utcTime?.toISOString(), '2025-01-01T00:00:00.000Z');
});

test('serial: 0x00 pad when the top bit is set, none otherwise; openssl prints 32 hex digits', () => {
  const high = Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0xe8 : i));
  const low = Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0x56 : i));
  for (const [serial, prefix] of [[high, '021100e8'], [low, '021056']] as const) {
    const der = encodeTbs({ ...BASE_TBS(), serial, extensions: [] });
    const f = children(der, expectTlv(der, 0, der.length, 0x30, 'tbs'));
    assert.ok(f[1]);
    assert.ok(hex(tlvBytes(der, f[1])).startsWith(prefix));
    assert.equal(hex(tlvBytes(der, f[1])).length, prefix.length + 30);
    const pem = certificatePem(encodeCertificate(der, 'SHA256WITHECDSA', Uint8Array.of(0x30, 0x06, 2, 1, 1, 2, 1, 1)));
    assert.equal(openssl(['x509', '-in', 'c.pem', '-noout', '-serial'], { 'c.pem': pem }).out.trim(), `serial=${hex(serial).toUpperCase()}`);
  }
  assert.throws(() => encodeTbs({ ...BASE_TBS(), serial: Uint8Array.of(0, 0) }), /positive/);
});

test('no extensions: the [3] block is omitted; PEM has 64-column lines and a trailing newline', () => {
  const der = encodeCertificate(encodeTbs(BASE_TBS()), 'SHA256WITHECDSA', Uint8Array.of(0x30, 0));
  assert.equal(roundTrip(der).tbsCertificate.extensions, undefined);
  const pem = certificatePem(der);
  assert.ok(pem.startsWith('-----BEGIN CERTIFICATE-----\n') && pem.endsWith('-----END CERTIFICATE-----\n'));
  for (const line of pem.trim().split('\n').slice(1, -1)) assert.ok(line.length <= 64);
});

// X509.md §13: two real AWS Private CA certificates. Re-encoding their TBS from the same inputs must give the same bytes.
const AWS_ROOT = `MIIDpzCCAo+gAwIBAgIRAIIuOarlQETlUQEOZJGZYdIwDQYJKoZIhvcNAQELBQAwbTELMAkGA1UEBhMCVVMxFTATBgNVBAoMDEV4YW1wbGUgQ29ycDEOMAwGA1UECwwFU2FsZXMxCzAJBgNVBAgMAldBMRgwFgYDVQQDDA93d3cuZXhhbXBsZS5jb20xEDAOBgNVBAcMB1NlYXR0bGUwHhcNMjEwMzA4MTU0NjI3WhcNMjIwMzA4MTY0NjI3WjBtMQswCQYDVQQGEwJVUzEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMQ4wDAYDVQQLDAVTYWxlczELMAkGA1UECAwCV0ExGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTEQMA4GA1UEBwwHU2VhdHRsZTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAMP7t5AKFZQ7abqkeyUjsBVIWRa9tCh8oge9u/LvCbxU738G4jssT+Oud3WMajIjuNowcpc+0Q/e42ULO/6gTNrTs6OCOo9lV6G0Dprf/e91DWoKgPatem/pUjNyraifHZfub5mLHCfahjWXUQtc/sjmDQaZRK3Kar6ljlUBE/Le9NEyOAIkSLPzDtW8LXm4iwcUBZrb828rKd1Aw9oI1+3bfzB6xXmzZxc5RLXveOCEhKGD32jKZ/RNFSC8AZAwJe+xbTsys/lUOYFTuT8Bn0TGxR8x7Y4H75+F9BavY3v+WkLj4M+olN9dMR7Et9FMt4u4YRokv5zp8zIb5iTne1kCAwEAAaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUaW3+r328uTLokog2TklmoBK+yt4wDgYDVR0PAQH/BAQDAgGGMA0GCSqGSIb3DQEBCwUAA4IBAQAXjd/7UZ8RDE+PLWSDNGQdLemOBTcawF+tK+PzA4Evlmn9VuNcg+x3oZvVZSDQBANUz0b9oPeo54aE38dW1zQm2qfTab8822aqeWMLyJ1dMsAgqYX2t9+u6w3NzRCw8Pvz18V69+dFE5AeXmNP0Z5/gdz8H/NSpctjlzopbScRZKCSlPidRf3ZOPm9QP92YpWyYDkfAU04xdDo1vR0MYjKPkl4LjRqSU/tcCJnPMbJiwq+bWpX2WJoEBXB/p15Kn6JxjI0ze2SnSI48JZ8it4fvxrhOo0VoLNIuCuNXJOwU17Rdl1WYJidaq7je6k18AdgPA0Kh8y1XtfUH3fTaVw4`;
const AWS_SUB = `MIICvjCCAkSgAwIBAgIQVr/Jh/0FrJnEdQYbGmXu3DAKBggqhkjOPQQDAzBJMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGQW1hem9uMQwwCgYDVQQLDANBV1MxGzAZBgNVBAMMEmF3cy5uaXRyby1lbmNsYXZlczAeFw0yNDExMjgwNjA3NDVaFw0yNDEyMTgwNzA3NDVaMGQxCzAJBgNVBAYTAlVTMQ8wDQYDVQQKDAZBbWF6b24xDDAKBgNVBAsMA0FXUzE2MDQGA1UEAwwtY2JkODI4MDhmZGE4YjQ0ZC51cy1lYXN0LTEuYXdzLm5pdHJvLWVuY2xhdmVzMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEBxN1H0ORokvyfWiMn93kt+7AxJIq9j8kIYYmlgLsoSNU55NWFwKHuqB92E+omDRyaJH5tLJwMrPoYADTJHGnn78aMMGYKtTtBprZan4R2a4rXNapOtYT7lWe1/Y4WpqJo4HVMIHSMBIGA1UdEwEB/wQIMAYBAf8CAQIwHwYDVR0jBBgwFoAUkCW1DdkFR+eWw5b6cp3PmanfS5YwHQYDVR0OBBYEFL+9VKFo9X9zkbZspgooNvMKz7mhMA4GA1UdDwEB/wQEAwIBhjBsBgNVHR8EZTBjMGGgX6BdhltodHRwOi8vYXdzLW5pdHJvLWVuY2xhdmVzLWNybC5zMy5hbWF6b25hd3MuY29tL2NybC9hYjQ5NjBjYy03ZDYzLTQyYmQtOWU5Zi01OTMzOGNiNjdmODQuY3JsMAoGCCqGSM49BAMDA2gAMGUCMQDAXf0TN4se7NkmsMO6jaAe7InsVQKufKc8uVhVfKMjBXli//JoGZOgqyI7bqzxEDMCMDVmQlLX+eLInJiMxBZNOQ+Jil6KwumdxYWVqkxiTpP6znlkAmqZtLzKcIi1ElDMxA==`;

const AWS_CASES: [string, string, SigningAlgorithm, string, string | null][] = [
  ['RootCACertificate (user-guide root, RSA)', AWS_ROOT, 'SHA256WITHRSA', 'RootCACertificate', null],
  ['SubordinateCACertificate_PathLen2 (Nitro Enclaves, P-384)', AWS_SUB, 'SHA384WITHECDSA', 'SubordinateCACertificate_PathLen2',
    'http://aws-nitro-enclaves-crl.s3.amazonaws.com/crl/ab4960cc-7d63-42bd-9e9f-59338cb67f84.crl'],
];

for (const [name, b64, alg, template, cdp] of AWS_CASES) {
  test(`re-encodes the AWS ${name} TBS byte for byte`, () => {
    const der = new Uint8Array(Buffer.from(b64, 'base64'));
    const cert = AsnConvert.parse(der, Certificate);
    const tbsTlv = children(der, expectTlv(der, 0, der.length, 0x30, 'cert'))[0];
    assert.ok(tbsTlv);
    const f = children(der, tbsTlv);
    const [serialT, , issuerT, , subjectT, spkiT] = f.slice(1);
    assert.ok(serialT && issuerT && subjectT && spkiT);
    const subject = tlvBytes(der, subjectT).slice();
    const spkiDer = tlvBytes(der, spkiT).slice();
    const csr: ParsedCsr = { der: new Uint8Array(0), subjectDer: subject, subjectEmpty: false, spkiDer, keyType: alg.includes('RSA') ? 'RSA' : 'EC', extensions: [] };
    const akiExt = extValue(cert, '2.5.29.35');
    const issuerSki = akiExt ? new Uint8Array(AsnConvert.parse(akiExt, AuthorityKeyIdentifier).keyIdentifier?.buffer ?? new ArrayBuffer(0)) : null;
    const t = findTemplate(`arn:aws:acm-pca:::template/${template}/V1`);
    assert.ok(t);
    const c = templateContent({ template: t, csr, api: undefined, issuer: { ski: issuerSki }, cdpUri: cdp, ocspUri: null });
    const tbs = encodeTbs({
      serial: tlvBytes(der, serialT).subarray(2), signingAlgorithm: alg, issuerDer: tlvBytes(der, issuerT),
      notBefore: cert.tbsCertificate.validity.notBefore.getTime(), notAfter: cert.tbsCertificate.validity.notAfter.getTime(),
      subjectDer: c.subjectDer, spkiDer, extensions: c.extensions,
    });
    assert.equal(hex(tbs), hex(tlvBytes(der, tbsTlv)));
    assert.equal(hex(encodeCertificate(tbs, alg, new Uint8Array(cert.signatureValue))), hex(der));
  });
}
