// Tests for the CA CSR builder, subject and GeneralName encoders (openssl for RSA/EC, node:crypto for ML-DSA).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Extensions, Name } from '@peculiar/asn1-x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { ApiError } from '../contract/errors.ts';
import type { Signer } from '../ports/keys.ts';
import { SIGNATURE_OID, keyGenParams, signArgs, type KeyAlgorithm, type SigningAlgorithm } from './algorithms.ts';
import { buildCaCsr, checkCaCsrInputs, keyUsageDer, signatureAlgorithmDer, type CsrExtensionsInput } from './csr.ts';
import { generalNameDer } from './general-name.ts';
import { subjectDer, type Asn1SubjectInput } from './name.ts';
import { spkiFromPublicKey } from './keys.ts';

const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');
const gen = generateKeyPairSync as (type: string, options: object) => { publicKey: KeyObject; privateKey: KeyObject };

function makeSigner(algorithm: KeyAlgorithm): Signer & { calls: number } {
  const p = keyGenParams(algorithm);
  const { publicKey, privateKey } = gen(p.type, p.options);
  const s = {
    calls: 0,
    key: { uri: `test:${algorithm}`, algorithm, spki: spkiFromPublicKey(publicKey) },
    async sign(alg: SigningAlgorithm, tbs: Uint8Array): Promise<Uint8Array> {
      s.calls++;
      const a = signArgs(alg, privateKey);
      return new Uint8Array(sign(a.digest, tbs, a.key));
    },
  };
  return s;
}

function openssl(pem: string, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'csr-test-'));
  try {
    const f = join(dir, 'req.pem');
    writeFileSync(f, pem);
    const r = spawnSync('/usr/bin/openssl', ['req', '-in', f, '-noout', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout + r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function isInvalidArgs(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'InvalidArgsException';
}

const SUBJECT: Asn1SubjectInput = { Country: 'US', Organization: 'Example Corp', OrganizationalUnit: 'PKI', CommonName: 'Example Root CA' };
const EXTS: CsrExtensionsInput = {
  KeyUsage: { DigitalSignature: true, KeyCertSign: true, CRLSign: true },
  SubjectInformationAccess: [
    { AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { UniformResourceIdentifier: 'rsync://repo.example.com/ca/' } },
    { AccessMethod: { AccessMethodType: 'RESOURCE_PKI_MANIFEST' }, AccessLocation: { UniformResourceIdentifier: 'rsync://repo.example.com/ca/m.mft' } },
    { AccessMethod: { CustomObjectIdentifier: '1.3.6.1.4.1.99999.7' }, AccessLocation: { DnsName: 'ca.example.com' } },
  ],
};

const OPENSSL_CASES: [KeyAlgorithm, SigningAlgorithm][] = [
  ['RSA_2048', 'SHA256WITHRSA'], ['RSA_2048', 'SHA384WITHRSA_PSS'], ['RSA_2048', 'SHA256WITHRSA_PSS'],
  ['RSA_3072', 'SHA512WITHRSA_PSS'], ['RSA_3072', 'SHA384WITHRSA'],
  ['EC_prime256v1', 'SHA256WITHECDSA'], ['EC_secp384r1', 'SHA256WITHECDSA'], ['EC_secp384r1', 'SHA384WITHECDSA'],
  ['EC_secp521r1', 'SHA512WITHECDSA'],
];

for (const [keyAlg, sigAlg] of OPENSSL_CASES) {
  test(`CSR ${keyAlg}/${sigAlg} verifies with openssl and carries the CA extensions`, async () => {
    const signer = makeSigner(keyAlg);
    const { der, pem } = await buildCaCsr({ subject: SUBJECT, csrExtensions: EXTS, signingAlgorithm: sigAlg, signer });
    assert.match(openssl(pem, '-verify'), /verify OK/);
    const text = openssl(pem, '-text');
    assert.match(text, /Subject: C = US, O = Example Corp, OU = PKI, CN = Example Root CA/);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign\n/);
    assert.match(text, /Subject Information Access:\s+CA Repository - URI:rsync:\/\/repo.example.com\/ca\/\s+RPKI Manifest - URI:rsync:\/\/repo.example.com\/ca\/m.mft\s+1\.3\.6\.1\.4\.1\.99999\.7 - DNS:ca.example.com/);
    assert.doesNotMatch(text, /Subject Information Access: critical/);
    if (sigAlg.endsWith('_PSS')) {
      const h = sigAlg.slice(3, 6);
      assert.match(text, /Signature Algorithm: rsassaPss/);
      assert.match(text, new RegExp(`Hash Algorithm: sha${h}`));
      assert.match(text, new RegExp(`Mask Algorithm: mgf1 with sha${h}`));
      assert.match(text, new RegExp(`Salt Length: 0x${(Number(h) / 8).toString(16)}`));
      assert.match(text, /Trailer Field: 0x01 \(default\)/);
    }
    const csr = AsnConvert.parse(der, CertificationRequest);
    assert.equal(csr.certificationRequestInfo.version, 0);
    assert.equal(csr.signatureAlgorithm.algorithm, SIGNATURE_OID[sigAlg]);
    assert.equal(hex(AsnConvert.serialize(csr.certificationRequestInfo.subjectPKInfo)), hex(signer.key.spki));
  });
}

for (const level of ['44', '65', '87'] as const) {
  test(`CSR ML_DSA_${level} parses back and its signature verifies with node:crypto`, async () => {
    const alg = `ML_DSA_${level}` as const;
    const signer = makeSigner(alg);
    const { der, pem } = await buildCaCsr({ subject: SUBJECT, csrExtensions: EXTS, signingAlgorithm: alg, signer });
    const csr = AsnConvert.parse(der, CertificationRequest);
    assert.equal(csr.signatureAlgorithm.algorithm, SIGNATURE_OID[alg]);
    assert.equal(csr.signatureAlgorithm.parameters, undefined);
    assert.ok(csr.certificationRequestInfoRaw);
    const tbs = new Uint8Array(csr.certificationRequestInfoRaw);
    assert.equal(hex(AsnConvert.serialize(csr.certificationRequestInfo)), hex(tbs), 're-serialized CRI equals the signed bytes');
    const pub = createPublicKey({ key: Buffer.from(signer.key.spki), format: 'der', type: 'spki' });
    assert.ok(verify(null, tbs, pub, new Uint8Array(csr.signature)));
    const tampered = tbs.slice(); tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    assert.ok(!verify(null, tampered, pub, new Uint8Array(csr.signature)));
    assert.equal(Buffer.from(pem.replace(/-----[^-]+-----|\n/g, ''), 'base64').toString('hex'), hex(der));
  });
}

test('extensionRequest holds BC, KU, SIA in that order with the right criticality and bytes', async () => {
  const { der } = await buildCaCsr({ subject: SUBJECT, csrExtensions: EXTS, signingAlgorithm: 'SHA256WITHECDSA', signer: makeSigner('EC_prime256v1') });
  const attrs = AsnConvert.parse(der, CertificationRequest).certificationRequestInfo.attributes;
  assert.equal(attrs.length, 1);
  assert.equal(attrs[0]?.type, '1.2.840.113549.1.9.14');
  const exts = AsnConvert.parse(attrs[0]?.values[0] ?? new ArrayBuffer(0), Extensions);
  assert.deepEqual(Array.from(exts, (e) => [e.extnID, e.critical]), [['2.5.29.19', true], ['2.5.29.15', true], ['1.3.6.1.5.5.7.1.11', false]]);
  assert.equal(hex(exts[0]?.extnValue.buffer ?? new ArrayBuffer(0)), '30030101ff');
  assert.equal(hex(exts[1]?.extnValue.buffer ?? new ArrayBuffer(0)), '03020186');
});

test('KeyUsage absent or all false → only BasicConstraints; empty SIA omitted', async () => {
  for (const csrExtensions of [undefined, {}, { KeyUsage: { DigitalSignature: false } }, { SubjectInformationAccess: [] }]) {
    const { der, pem } = await buildCaCsr({ subject: SUBJECT, csrExtensions, signingAlgorithm: 'SHA256WITHECDSA', signer: makeSigner('EC_prime256v1') });
    const attrs = AsnConvert.parse(der, CertificationRequest).certificationRequestInfo.attributes;
    const exts = AsnConvert.parse(attrs[0]?.values[0] ?? new ArrayBuffer(0), Extensions);
    assert.deepEqual(Array.from(exts, (e) => e.extnID), ['2.5.29.19']);
    assert.match(openssl(pem, '-verify'), /verify OK/);
  }
});

test('KeyUsage DER is a minimal named-bit list', () => {
  assert.equal(hex(keyUsageDer({ DigitalSignature: true, KeyCertSign: true, CRLSign: true }) ?? new Uint8Array()), '03020186');
  assert.equal(hex(keyUsageDer({ DigitalSignature: true }) ?? new Uint8Array()), '03020780');
  assert.equal(hex(keyUsageDer({ DigitalSignature: true, KeyEncipherment: true }) ?? new Uint8Array()), '030205a0');
  assert.equal(hex(keyUsageDer({ KeyCertSign: true, CRLSign: true }) ?? new Uint8Array()), '03020106');
  assert.equal(hex(keyUsageDer({ DecipherOnly: true }) ?? new Uint8Array()), '0303070080');
  assert.equal(keyUsageDer({}), null);
  assert.equal(keyUsageDer(undefined), null);
});

test('signature AlgorithmIdentifiers follow X509.md §2.3', () => {
  assert.equal(hex(signatureAlgorithmDer('SHA256WITHRSA')), '300d06092a864886f70d01010b0500');
  assert.equal(hex(signatureAlgorithmDer('SHA256WITHECDSA')), '300a06082a8648ce3d040302');
  assert.equal(hex(signatureAlgorithmDer('ML_DSA_65')), '300b0609608648016503040312');
  assert.equal(hex(signatureAlgorithmDer('SHA256WITHRSA_PSS')),
    '304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120');
});

test('all 14 subject fields: fixed order and string types', () => {
  const all: Asn1SubjectInput = {
    GenerationQualifier: 'III', Pseudonym: 'pseudo', Initials: 'JQD', GivenName: 'Jane', Surname: 'Doe', Title: 'CA',
    Locality: 'Seattle', SerialNumber: 'SN-0001', CommonName: 'Ünïcode CA', State: 'WA', DistinguishedNameQualifier: 'dnq:1',
    OrganizationalUnit: 'Unit', Organization: 'Org', Country: 'us',
  };
  const name = AsnConvert.parse(subjectDer(all), Name);
  const got = Array.from(name, (rdn) => {
    assert.equal(rdn.length, 1);
    const v = rdn[0]?.value;
    return [rdn[0]?.type, v?.printableString !== undefined ? 'P' : v?.utf8String !== undefined ? 'U' : '?', v?.toString()];
  });
  assert.deepEqual(got, [
    ['2.5.4.6', 'P', 'us'], ['2.5.4.10', 'U', 'Org'], ['2.5.4.11', 'U', 'Unit'], ['2.5.4.46', 'P', 'dnq:1'],
    ['2.5.4.8', 'U', 'WA'], ['2.5.4.3', 'U', 'Ünïcode CA'], ['2.5.4.5', 'P', 'SN-0001'], ['2.5.4.7', 'U', 'Seattle'],
    ['2.5.4.12', 'U', 'CA'], ['2.5.4.4', 'U', 'Doe'], ['2.5.4.42', 'U', 'Jane'], ['2.5.4.43', 'U', 'JQD'],
    ['2.5.4.65', 'U', 'pseudo'], ['2.5.4.44', 'U', 'III'],
  ]);
  // Empty-string fields are skipped.
  assert.equal(AsnConvert.parse(subjectDer({ CommonName: 'x', Organization: '' }), Name).length, 1);
});

test('CustomAttributes: one RDN each, array order, string types by OID', () => {
  const name = AsnConvert.parse(subjectDer({ CustomAttributes: [
    { ObjectIdentifier: '2.5.4.3', Value: 'Matter CA' },
    { ObjectIdentifier: '1.3.6.1.4.1.37244.1.4', Value: 'CACACACA00000001' },
    { ObjectIdentifier: '2.5.4.6', Value: 'DE' },
    { ObjectIdentifier: '2.5.4.5', Value: 'not_printable_' },
    { ObjectIdentifier: '1.2.840.113549.1.9.1', Value: 'ca@example.com' },
    { ObjectIdentifier: '0.9.2342.19200300.100.1.25', Value: 'example' },
  ] }), Name);
  const got = Array.from(name, (rdn) => {
    const v = rdn[0]?.value;
    return [rdn[0]?.type, v?.printableString !== undefined ? 'P' : v?.utf8String !== undefined ? 'U' : v?.ia5String !== undefined ? 'I' : '?'];
  });
  assert.deepEqual(got, [['2.5.4.3', 'U'], ['1.3.6.1.4.1.37244.1.4', 'U'], ['2.5.4.6', 'P'], ['2.5.4.5', 'U'],
    ['1.2.840.113549.1.9.1', 'I'], ['0.9.2342.19200300.100.1.25', 'I']]);
});

test('InvalidArgsException cases are raised by checkCaCsrInputs and before signing', async () => {
  const bad: [Asn1SubjectInput, CsrExtensionsInput | undefined][] = [
    [{ CommonName: 'x', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'y' }] }, undefined],
    [{}, undefined],
    [{ CommonName: '', Organization: '' }, undefined],
    [{ CustomAttributes: [] }, undefined],
    [{ CustomAttributes: [{ ObjectIdentifier: 'not.an.oid', Value: 'y' }] }, undefined],
    [{ Country: 'ü!' }, undefined],
    [SUBJECT, { SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY', CustomObjectIdentifier: '1.2.3' }, AccessLocation: { DnsName: 'a' } }] }],
    [SUBJECT, { SubjectInformationAccess: [{ AccessMethod: {}, AccessLocation: { DnsName: 'a' } }] }],
    [SUBJECT, { SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'NOPE' }, AccessLocation: { DnsName: 'a' } }] }],
    [SUBJECT, { SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: {} }] }],
    [SUBJECT, { SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { DnsName: 'a', UniformResourceIdentifier: 'b' } }] }],
    [SUBJECT, { SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { IpAddress: '300.1.1.1' } }] }],
    [SUBJECT, { SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { Rfc822Name: 'jö@example.com' } }] }],
  ];
  const signer = makeSigner('EC_prime256v1');
  for (const [subject, ext] of bad) {
    assert.throws(() => checkCaCsrInputs(subject, ext), isInvalidArgs, JSON.stringify([subject, ext]));
    await assert.rejects(buildCaCsr({ subject, csrExtensions: ext, signingAlgorithm: 'SHA256WITHECDSA', signer }), isInvalidArgs);
  }
  assert.throws(() => checkCaCsrInputs({}), /The subject must contain at least one attribute/);
  await assert.rejects(buildCaCsr({ subject: SUBJECT, signingAlgorithm: 'SHA256WITHRSA', signer }), isInvalidArgs);
  assert.equal(signer.calls, 0);
  checkCaCsrInputs(SUBJECT, EXTS);
});

test('GeneralName encodings in SIA: IPv4, IPv6, DNS, URI, DirectoryName, OtherName, email, RID, EDI', async () => {
  const loc = [
    { IpAddress: '10.1.2.3' }, { IpAddress: '2001:db8::1' }, { IpAddress: '::ffff:192.0.2.1' }, { DnsName: 'ca.example.com' },
    { UniformResourceIdentifier: 'https://example.com/ca' }, { DirectoryName: { Country: 'US', CommonName: 'Dir CA' } },
    { OtherName: { TypeId: '1.3.6.1.4.1.311.20.2.3', Value: 'upn@example.com' } }, { Rfc822Name: 'ca@example.com' },
    { RegisteredId: '1.2.3.4.5' }, { EdiPartyName: { NameAssigner: 'as', PartyName: 'party' } },
  ];
  const csrExtensions: CsrExtensionsInput = { SubjectInformationAccess: loc.map((AccessLocation) => ({ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation })) };
  const { pem } = await buildCaCsr({ subject: SUBJECT, csrExtensions, signingAlgorithm: 'SHA256WITHECDSA', signer: makeSigner('EC_prime256v1') });
  assert.match(openssl(pem, '-verify'), /verify OK/);
  const text = openssl(pem, '-text');
  for (const want of ['IP Address:10.1.2.3', 'IP Address:2001:DB8:0:0:0:0:0:1', 'IP Address:0:0:0:0:0:FFFF:C000:201', 'DNS:ca.example.com',
    'URI:https://example.com/ca', 'DirName:/C=US/CN=Dir CA', 'othername: UPN::upn@example.com', 'email:ca@example.com', 'Registered ID:1.2.3.4.5']) {
    assert.ok(text.includes(`CA Repository - ${want}`), `${want} in\n${text}`);
  }
  assert.match(text, /CA Repository - EdiPartyName:/);
  assert.equal(hex(generalNameDer({ IpAddress: '10.1.2.3' })), '87040a010203');
  assert.equal(hex(generalNameDer({ IpAddress: '2001:db8::1' })), '871020010db8000000000000000000000001');
  assert.equal(hex(generalNameDer({ IpAddress: '::' })), '871000000000000000000000000000000000');
  assert.equal(hex(generalNameDer({ OtherName: { TypeId: '1.2.3', Value: 'hi' } })), 'a00a06022a03a0040c026869');
  assert.equal(hex(generalNameDer({ EdiPartyName: { NameAssigner: 'a', PartyName: 'b' } })), 'a50aa0030c0161a1030c0162');
  assert.equal(hex(generalNameDer({ EdiPartyName: { PartyName: 'b' } })), 'a505a1030c0162');
  assert.equal(hex(generalNameDer({ RegisteredId: '1.2.3' })), '88022a03');
  assert.equal(hex(generalNameDer({ DnsName: 'a' })), '820161');
});

test('PEM has 64-column lines and the CERTIFICATE REQUEST armour', async () => {
  const { pem } = await buildCaCsr({ subject: SUBJECT, csrExtensions: EXTS, signingAlgorithm: 'SHA256WITHRSA', signer: makeSigner('RSA_2048') });
  const lines = pem.split('\n');
  assert.equal(lines[0], '-----BEGIN CERTIFICATE REQUEST-----');
  assert.ok(pem.endsWith('-----END CERTIFICATE REQUEST-----\n'));
  const body = lines.slice(1, -2);
  assert.ok(body.slice(0, -1).every((l) => l.length === 64));
  assert.ok((body.at(-1)?.length ?? 0) <= 64);
});
