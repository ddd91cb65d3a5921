// The lean CRL writer, cross-checked against @peculiar/asn1-x509 (parse and re-serialise byte for byte) and openssl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, CRLReason, CertificateList, IssuingDistributionPoint } from '@peculiar/asn1-x509';
import { signArgs } from './algorithms.ts';
import { CrlChanged, encodeCrl, encodeCrlTbs, entryLength, writeEntry, type CrlEntry } from './crl.ts';
import { subjectDer } from './name.ts';

const issuerDer = subjectDer({ CommonName: 'CRL Test CA', Organization: 'OpenPCA' });
const aki = Uint8Array.from({ length: 20 }, (_, i) => i + 1);

const entries: CrlEntry[] = [
  { serial: '01', revokedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678), reason: 'KEY_COMPROMISE' },
  { serial: '7f', revokedAt: Date.UTC(2026, 0, 2, 3, 4, 6), reason: 'UNSPECIFIED' },
  { serial: '80', revokedAt: Date.UTC(2026, 0, 2, 3, 4, 7), reason: 'A_A_COMPROMISE' }, // top bit: 0x00 pad
  { serial: '000102', revokedAt: Date.UTC(2051, 5, 6, 7, 8, 9), reason: 'PRIVILEGE_WITHDRAWN' }, // leading zero octet dropped; GeneralizedTime
  { serial: 'e8cbd2aa0102030405060708090a0b0c', revokedAt: Date.UTC(2049, 11, 31, 23, 59, 59), reason: 'CERTIFICATE_AUTHORITY_COMPROMISE' },
];

test('entryLength matches what writeEntry writes, for every shape of entry', () => {
  for (const e of entries) {
    const buf = new Uint8Array(64);
    assert.equal(writeEntry(buf, 0, e), entryLength(e));
  }
});

test('a CRL with entries, AKI, CRL number and IDP re-serialises byte for byte through @peculiar/asn1-x509, with the fields asked for', async () => {
  const h = {
    signingAlgorithm: 'SHA256WITHECDSA' as const, issuerDer, thisUpdate: new Date(Date.UTC(2026, 4, 1)), nextUpdate: new Date(Date.UTC(2050, 0, 1)),
    authorityKeyId: aki, crlNumber: 1_795_391_427_606, issuingDistributionPointUri: 'http://pca.example/crl/6c1c1a9e-0000-4000-8000-000000000001.crl',
  };
  const { tbs, count } = await encodeCrlTbs(h, () => entries);
  assert.equal(count, entries.length);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const a = signArgs('SHA256WITHECDSA', privateKey);
  const der = encodeCrl(tbs, 'SHA256WITHECDSA', new Uint8Array(sign(a.digest, tbs, a.key)));
  const parsed = AsnConvert.parse(der, CertificateList);
  assert.ok(Buffer.from(AsnConvert.serialize(parsed)).equals(Buffer.from(der)), 'the library re-encodes exactly the same DER');
  const t = parsed.tbsCertList;
  assert.equal(t.version, 1);
  assert.equal(t.thisUpdate.getTime().toISOString(), '2026-05-01T00:00:00.000Z');
  assert.ok(t.nextUpdate?.generalTime, 'a nextUpdate from 2050 on is a GeneralizedTime');
  const got = t.revokedCertificates!.map((r) => ({
    serial: Buffer.from(r.userCertificate).toString('hex'), at: r.revocationDate.getTime().getTime(),
    reason: r.crlEntryExtensions?.map((x) => AsnConvert.parse(x.extnValue, CRLReason).reason) ?? [],
  }));
  assert.deepEqual(got, [
    { serial: '01', at: Date.UTC(2026, 0, 2, 3, 4, 5), reason: [1] },
    { serial: '7f', at: Date.UTC(2026, 0, 2, 3, 4, 6), reason: [] },
    { serial: '0080', at: Date.UTC(2026, 0, 2, 3, 4, 7), reason: [10] },
    { serial: '0102', at: Date.UTC(2051, 5, 6, 7, 8, 9), reason: [9] },
    { serial: '00e8cbd2aa0102030405060708090a0b0c', at: Date.UTC(2049, 11, 31, 23, 59, 59), reason: [2] },
  ]);
  const exts = t.crlExtensions!;
  assert.deepEqual(exts.map((x) => [x.extnID, x.critical]), [['2.5.29.35', false], ['2.5.29.20', false], ['2.5.29.28', true]]);
  assert.equal(Number(AsnConvert.parse(exts[1]!.extnValue, CRLNumber).value), h.crlNumber);
  const idp = AsnConvert.parse(exts[2]!.extnValue, IssuingDistributionPoint);
  assert.equal(idp.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier, h.issuingDistributionPointUri);
  // openssl reads it the same way
  const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], { input: der, encoding: 'utf8' });
  assert.match(text, /X509v3 CRL Number: \n\s+1795391427606/);
  assert.match(text, /X509v3 Issuing Distribution Point: critical\s+Full Name:\s+URI:http:\/\/pca\.example\/crl\//);
  assert.match(text, /Serial Number: 80\s+Revocation Date: Jan  2 03:04:07 2026 GMT/);
});

test('no revoked certificates: the revokedCertificates field is left out entirely (RFC 5280)', async () => {
  const { tbs, count } = await encodeCrlTbs({ signingAlgorithm: 'SHA256WITHRSA', issuerDer, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000), authorityKeyId: aki, crlNumber: 7 }, () => []);
  assert.equal(count, 0);
  const parsed = AsnConvert.parse(encodeCrl(tbs, 'SHA256WITHRSA', new Uint8Array(256)), CertificateList);
  assert.equal(parsed.tbsCertList.revokedCertificates, undefined);
  assert.deepEqual(parsed.tbsCertList.crlExtensions!.map((x) => x.extnID), ['2.5.29.35', '2.5.29.20']);
});

test('entries that change between the sizing pass and the writing pass are detected (CrlChanged), never written out of bounds', async () => {
  let pass = 0;
  await assert.rejects(encodeCrlTbs({ signingAlgorithm: 'SHA256WITHECDSA', issuerDer, thisUpdate: new Date(), nextUpdate: new Date(), authorityKeyId: aki, crlNumber: 1 },
    () => (pass++ === 0 ? entries.slice(0, 2) : entries.slice(0, 3))), CrlChanged);
  pass = 0;
  await assert.rejects(encodeCrlTbs({ signingAlgorithm: 'SHA256WITHECDSA', issuerDer, thisUpdate: new Date(), nextUpdate: new Date(), authorityKeyId: aki, crlNumber: 1 },
    () => (pass++ === 0 ? entries.slice(0, 3) : entries.slice(0, 2))), CrlChanged);
});
