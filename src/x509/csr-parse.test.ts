// Tests for parseAndVerifyCsr: openssl/node-made CSRs of every supported kind and every MalformedCSRException case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { ApiError } from '../contract/errors.ts';
import type { Signer } from '../ports/keys.ts';
import { keyGenParams, signArgs, type KeyAlgorithm, type SigningAlgorithm } from './algorithms.ts';
import { buildCaCsr } from './csr.ts';
import { parseAndVerifyCsr } from './csr-parse.ts';
import { bitString, bool, explicit, integer, integerOf, NULL, octetString, oid, seq, set, tlv, utf8String } from './der.ts';
import { spkiFromPublicKey } from './keys.ts';

const gen = generateKeyPairSync as (type: string, options?: object) => { publicKey: KeyObject; privateKey: KeyObject };
const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** `openssl req -new` with a fresh key; returns the PEM bytes. */
function opensslCsr(...args: string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'csr-parse-'));
  try {
    const out = join(dir, 'req.pem');
    const keyArgs = args.includes('-key') ? [] : ['-nodes', '-keyout', join(dir, 'key.pem')];
    const r = spawnSync('/usr/bin/openssl', ['req', '-new', ...keyArgs, '-out', out, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pemToDer(pem: Uint8Array): Uint8Array {
  const b64 = Buffer.from(pem).toString('latin1').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

async function rejects(input: Uint8Array, message: RegExp): Promise<void> {
  await assert.rejects(parseAndVerifyCsr(input), (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 'MalformedCSRException');
    assert.match(e.message, message);
    return true;
  });
}

const P256 = gen('ec', { namedCurve: 'prime256v1' });
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const CN = (v: string): Uint8Array => seq(set(seq(oid('2.5.4.3'), utf8String(v))));
const extReq = (...exts: Uint8Array[]): Uint8Array => seq(oid('1.2.840.113549.1.9.14'), set(seq(...exts)));
const ext = (id: string, critical: boolean, value: Uint8Array): Uint8Array =>
  critical ? seq(oid(id), bool(true), octetString(value)) : seq(oid(id), octetString(value));
const SAN_A = seq(tlv(0x82, bytes('a.example')));

/** Hand-made PKCS#10 (DER), signed with node:crypto unless the parts say otherwise. */
function craft(o: {
  version?: number; subject?: Uint8Array; spki?: Uint8Array; attrs?: Uint8Array[] | null; sigAlg?: Uint8Array;
  key?: KeyObject; digest?: string | null; signature?: Uint8Array;
} = {}): Uint8Array {
  const parts = [integerOf(o.version ?? 0), o.subject ?? CN('crafted.example'), o.spki ?? spkiFromPublicKey(P256.publicKey)];
  if (o.attrs !== null) parts.push(tlv(0xa0, ...(o.attrs ?? [])));
  const cri = seq(...parts);
  const signature = o.signature ?? new Uint8Array(sign(o.digest === undefined ? 'sha256' : o.digest, cri, o.key ?? P256.privateKey));
  return seq(cri, o.sigAlg ?? ECDSA_SHA256, bitString(signature));
}

function signer(algorithm: KeyAlgorithm): Signer {
  const p = keyGenParams(algorithm);
  const { publicKey, privateKey } = gen(p.type, p.options);
  return {
    key: { uri: `test:${algorithm}`, algorithm, spki: spkiFromPublicKey(publicKey) },
    async sign(alg: SigningAlgorithm, tbs: Uint8Array): Promise<Uint8Array> {
      const a = signArgs(alg, privateKey);
      return new Uint8Array(sign(a.digest, tbs, a.key));
    },
  };
}

test('P-256 CSR from openssl: exact subject/SPKI slices, SAN extension, key type', async () => {
  const pem = opensslCsr('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=a.example/O=Example',
    '-addext', 'subjectAltName=DNS:a.example', '-addext', 'keyUsage=critical,digitalSignature');
  const csr = await parseAndVerifyCsr(pem);
  const der = pemToDer(pem);
  const lib = AsnConvert.parse(der, CertificationRequest);
  assert.equal(hex(csr.der), hex(der));
  assert.equal(hex(csr.subjectDer), hex(AsnConvert.serialize(lib.certificationRequestInfo.subject)));
  assert.equal(hex(csr.spkiDer), hex(AsnConvert.serialize(lib.certificationRequestInfo.subjectPKInfo)));
  assert.equal(csr.subjectDer.byteLength, csr.subjectDer.buffer.byteLength, 'subject is a standalone copy');
  assert.equal(csr.keyType, 'EC');
  assert.equal(csr.subjectEmpty, false);
  assert.deepEqual(csr.extensions.map((e) => [e.oid, e.critical, hex(e.value)]), [
    ['2.5.29.17', false, hex(SAN_A)],
    ['2.5.29.15', true, '03020780'],
  ]);
  // raw DER input gives the same result
  assert.deepEqual(await parseAndVerifyCsr(der), csr);
});

const OPENSSL_CASES: [string, string[], string][] = [
  ['RSA-2048 sha256WithRSA', ['-newkey', 'rsa:2048'], 'RSA'],
  ['RSA-2048 sha1WithRSA', ['-newkey', 'rsa:2048', '-sha1'], 'RSA'],
  ['RSA-1024 sha512WithRSA', ['-newkey', 'rsa:1024', '-sha512'], 'RSA'],
  ['RSA-PSS signature, default salt', ['-newkey', 'rsa:2048', '-sigopt', 'rsa_padding_mode:pss'], 'RSA'],
  ['RSA-PSS signature, SHA-384, digest-length salt', ['-newkey', 'rsa:2048', '-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'], 'RSA'],
  ['RSA-PSS key', ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'], 'RSA'],
  ['P-384 ecdsa-with-SHA384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384'], 'EC'],
  ['P-521 ecdsa-with-SHA512', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521', '-sha512'], 'EC'],
  ['P-256 ecdsa-with-SHA1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha1'], 'EC'],
  ['P-256 ecdsa-with-SHA224', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha224'], 'EC'],
  ['Ed25519', ['-newkey', 'ed25519'], 'ED25519'],
  ['Ed448', ['-newkey', 'ed448'], 'ED448'],
];

for (const [name, args, keyType] of OPENSSL_CASES) {
  test(`openssl CSR ${name} verifies`, async () => {
    const csr = await parseAndVerifyCsr(opensslCsr(...args, '-subj', '/C=US/O=Example/CN=host.example'));
    assert.equal(csr.keyType, keyType);
    assert.deepEqual(csr.extensions, []);
  });
}

for (const alg of ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const) {
  test(`${alg} CSR built by node verifies`, async () => {
    const { der, pem } = await buildCaCsr({ subject: { CommonName: 'pq.example' }, signingAlgorithm: alg, signer: signer(alg) });
    const csr = await parseAndVerifyCsr(new TextEncoder().encode(pem));
    assert.equal(csr.keyType, 'ML_DSA');
    assert.equal(hex(csr.der), hex(der));
    assert.deepEqual(csr.extensions.map((e) => [e.oid, e.critical, hex(e.value)]), [['2.5.29.19', true, '30030101ff']]);
  });
}

const AWS_CA_CSR = `-----BEGIN CERTIFICATE REQUEST-----
MIICWjCCAeACAQAwgc0xCzAJBgNVBAYTAnVzMQ8wDQYDVQQKDAZhbWF6b24xDDAK
BgNVBAsMA2RldjEMMAoGA1UELhMDZW5nMQswCQYDVQQIDAJ3YTENMAsGA1UEAwwE
cGNhczETMBEGA1UEBRMKMTIzNDU2Nzg5MDEMMAoGA1UEBwwDaWFkMQwwCgYDVQQM
DANkZXYxCzAJBgNVBAQMAm5hMQwwCgYDVQQqDANkZXYxCjAIBgNVBCsMAWQxDzAN
BgNVBEEMBnBzZXVkbzEMMAoGA1UELAwDcXVhMHYwEAYHKoZIzj0CAQYFK4EEACID
YgAEc6QaM2BjwKN0AlSZpKvDMlOJbtS+jbk5gFA5hTHHpcbt5rQvdeK8J4KHr2Wk
yPohgiLGbc/uuT5Nt187OZbSC/mhBwliCXywNqOtuzZpsk15quazBbCTmxuIt1u4
SEIVoIGSMIGPBgkqhkiG9w0BCQ4xgYEwfzAPBgNVHRMBAf8EBTADAQH/MA4GA1Ud
DwEB/wQEAwIHgDBcBggrBgEFBQcBCwRQME4wKQYIKwYBBQUHMAqGHWZha2VVUkkt
UkVTT1VSQ0VfUEtJX01BTklGRVNUMCEGCCsGAQUFBzAFhhVmYWtlVVJJLUNBX1JF
UE9TSVRPUlkwCgYIKoZIzj0EAwIDaAAwZQIwQfT3fwKZgquX6CYYNC8bFRobLG3G
/QSzAqlL+3sYRH7FH4nZKaAPgYQdPwgc+CtYAjEArDJT6tFP4+tYCAbvEDeGqKsm
Lq2B54rZEjgPKR0OG13F9TRwj1UiKZXAgknakZne
-----END CERTIFICATE REQUEST-----
`;

test('AWS CA CSR (X509.md §13 artifact 3, P-384 with ecdsa-with-SHA256) verifies', async () => {
  const csr = await parseAndVerifyCsr(new TextEncoder().encode(AWS_CA_CSR));
  assert.deepEqual(csr.extensions.map((e) => [e.oid, e.critical]), [['2.5.29.19', true], ['2.5.29.15', true], ['1.3.6.1.5.5.7.1.11', false]]);
});

test('PEM variants: legacy label, CRLF, preamble text and trailing whitespace', async () => {
  const der = craft();
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\r\n');
  const pem = `Certificate Request:\r\n  (text)\r\n-----BEGIN NEW CERTIFICATE REQUEST-----\r\n${b64}\r\n-----END NEW CERTIFICATE REQUEST-----\r\n\r\n`;
  const csr = await parseAndVerifyCsr(bytes(pem));
  assert.equal(hex(csr.der), hex(der));
  assert.equal(csr.keyType, 'EC');
});

test('CSR without an attributes field, other attributes ignored, empty subject allowed here', async () => {
  assert.deepEqual((await parseAndVerifyCsr(craft({ attrs: null }))).extensions, []);
  const challenge = seq(oid('1.2.840.113549.1.9.7'), set(utf8String('secret')));
  const csr = await parseAndVerifyCsr(craft({ attrs: [challenge, extReq(ext('2.5.29.17', false, SAN_A))], subject: seq() }));
  assert.equal(csr.subjectEmpty, true);
  assert.equal(csr.subjectDer.length, 2);
  assert.deepEqual(csr.extensions.map((e) => e.oid), ['2.5.29.17']);
});

test('CN length: 64 characters (multi-byte UTF-8 included) pass, 65 fail', async () => {
  await parseAndVerifyCsr(craft({ subject: CN('x'.repeat(64)) }));
  await parseAndVerifyCsr(craft({ subject: CN('é'.repeat(64)) }));
  await rejects(craft({ subject: CN('x'.repeat(65)) }), /Common Name is 65 characters.*at most 64.*subjectAltName/);
});

test('input that is neither PEM nor DER', async () => {
  await rejects(new Uint8Array(0), /empty/);
  await rejects(bytes('hello world'), /neither PEM .* nor DER/);
  const pem = opensslCsr('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=cli.example');
  // aws-cli v2 with file://: the PEM text is taken as base64, non-base64 characters dropped
  const garbled = Buffer.from(Buffer.from(pem).toString('latin1').replace(/[^A-Za-z0-9+/]/g, '').slice(0, 400), 'base64');
  await rejects(new Uint8Array(garbled), /fileb:\/\//);
  await rejects(bytes(Buffer.from(pem).toString('base64')), /base64-encoded twice/);
});

test('PEM problems', async () => {
  const pem = Buffer.from(opensslCsr('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=p.example')).toString('latin1');
  await rejects(bytes(pem.replaceAll('CERTIFICATE REQUEST', 'CERTIFICATE')), /PEM "CERTIFICATE" block.*CERTIFICATE REQUEST/);
  await rejects(bytes(pem.replace(/-----END[^\n]+\n/, '')), /no "-----END CERTIFICATE REQUEST-----" line/);
  await rejects(bytes(pem.replace(/\n(.)/, '\n!$1')), /not valid base64/);
  await rejects(bytes(pem + pem), /more than one PEM block/);
  await rejects(bytes(pem + 'junk\n'), /after its PEM END line/);
});

test('DER problems: trailing data, truncation, BER, wrong structure', async () => {
  const der = craft();
  await rejects(Uint8Array.of(...der, 0), /1 bytes of trailing data/);
  await rejects(der.subarray(0, der.length - 5), /not a valid DER.*runs past the end/);
  await rejects(Uint8Array.of(0x30, 0x80, 0x00, 0x00), /indefinite length/);
  await rejects(seq(integerOf(0)), /not a PKCS#10 CertificationRequest/);
  await rejects(craft({ version: 1 }), /version must be 0/);
});

test('unsupported keys and signature algorithms', async () => {
  await rejects(craft({ spki: spkiFromPublicKey(gen('x25519').publicKey) }), /public key algorithm 1\.3\.101\.110 is not supported; use one of/);
  await rejects(craft({ spki: spkiFromPublicKey(gen('ec', { namedCurve: 'secp256k1' }).publicKey) }), /curve 1\.3\.132\.0\.10.*P-256, P-384 and P-521/);
  const explicitEc = opensslCsr('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit', '-subj', '/CN=e');
  await rejects(explicitEc, /explicit or missing curve parameters/);
  const rsa = gen('rsa', { modulusLength: 2048 });
  const rsaSpki = spkiFromPublicKey(rsa.publicKey);
  await rejects(craft({ spki: rsaSpki, key: rsa.privateKey, sigAlg: seq(oid('1.2.840.113549.1.1.4'), NULL), digest: 'md5' }),
    /signature algorithm 1\.2\.840\.113549\.1\.1\.4 is not supported/);
  await rejects(craft({ spki: rsaSpki, key: rsa.privateKey }), /signed with ecdsa-with-SHA256, which cannot be used with its RSA public key/);
  await rejects(craft({ sigAlg: seq(oid('1.2.840.113549.1.1.11'), NULL) }), /sha256WithRSAEncryption, which cannot be used with its EC public key/);
  const sha = (h: string): Uint8Array => seq(oid(h), NULL);
  const pssMixed = seq(oid('1.2.840.113549.1.1.10'), seq(explicit(0, sha('2.16.840.1.101.3.4.2.1')),
    explicit(1, seq(oid('1.2.840.113549.1.1.8'), sha('1.3.14.3.2.26'))), explicit(2, integerOf(32))));
  await rejects(craft({ spki: rsaSpki, key: rsa.privateKey, sigAlg: pssMixed }), /MGF1 with sha1 but the message hash sha256/);
});

test('RSA key size limits: 512 and 16392 bits are refused', async () => {
  const small = gen('rsa', { modulusLength: 512 });
  await rejects(craft({ spki: spkiFromPublicKey(small.publicKey), key: small.privateKey, sigAlg: seq(oid('1.2.840.113549.1.1.11'), NULL) }),
    /RSA key has 512 bits; RSA keys must have 1024 to 16384 bits/);
  const modulus = new Uint8Array(2049).fill(0xab);
  const bigSpki = seq(seq(oid('1.2.840.113549.1.1.1'), NULL), bitString(seq(integer(modulus), integerOf(65537))));
  await rejects(craft({ spki: bigSpki, sigAlg: seq(oid('1.2.840.113549.1.1.11'), NULL), signature: new Uint8Array(8) }), /16392 bits/);
});

test('bad signature', async () => {
  const der = pemToDer(opensslCsr('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=sig.example'));
  const i = Buffer.from(der).indexOf('sig.example');
  der[i] = 'S'.charCodeAt(0);
  await rejects(der, /signature does not verify.*proof of possession/);
  const other = gen('ec', { namedCurve: 'prime256v1' });
  await rejects(craft({ key: other.privateKey }), /signature does not verify/);
  await rejects(craft({ signature: new Uint8Array(0) }), /signature BIT STRING is empty/);
});

test('malformed extensionRequest and duplicate extensions', async () => {
  const san = ext('2.5.29.17', false, SAN_A);
  const reqOid = oid('1.2.840.113549.1.9.14');
  await rejects(craft({ attrs: [seq(reqOid, set(seq(san), seq(san)))] }), /exactly one Extensions SEQUENCE/);
  await rejects(craft({ attrs: [seq(reqOid, set(integerOf(1)))] }), /exactly one Extensions SEQUENCE/);
  await rejects(craft({ attrs: [extReq(san), extReq(ext('2.5.29.15', true, Uint8Array.of(3, 2, 7, 0x80)))] }), /more than one extensionRequest/);
  await rejects(craft({ attrs: [extReq(san, ext('2.5.29.15', true, Uint8Array.of(3, 2, 7, 0x80)), san)] }), /requests extension 2\.5\.29\.17 more than once/);
  await rejects(craft({ attrs: [extReq(ext('1.2.3.4', false, new Uint8Array(0)))] }), /extension 1\.2\.3\.4 has an empty value/);
  await rejects(craft({ attrs: [extReq(ext('1.2.3.4', false, Uint8Array.of(5, 0, 5, 0)))] }), /not a single DER element/);
  await rejects(craft({ attrs: [extReq(seq(oid('1.2.3.4'), Uint8Array.of(1, 1, 1), octetString(NULL)))] }), /malformed critical flag/);
  await rejects(craft({ attrs: [extReq(seq(oid('1.2.3.4'), integerOf(1)))] }), /extension 1\.2\.3\.4 is malformed/);
  await rejects(craft({ attrs: [extReq(integerOf(5))] }), /malformed Extension/);
});
