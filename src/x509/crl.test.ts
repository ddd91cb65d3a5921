// The lean CRL writer, cross-checked against @peculiar/asn1-x509 (parse and re-serialise byte for byte) and openssl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, CRLReason, CertificateList, IssuingDistributionPoint } from '@peculiar/asn1-x509';
import { signArgs } from './algorithms.ts';
import { CRL_CHUNK_SIZE, CRL_REASON, CrlChanged, encodeCrlTbs, entryLength, shapeLength, writeEntry, type CrlEntry, type CrlTbs, type EntryShape } from './crl.ts';
import { ascii, bitString, explicit, implicit, integer, integerOf, octetString, oid, seq, time } from './der.ts';
import { algorithmIdentifier, extensionDer } from './certificate.ts';
import { authorityKeyIdentifier } from './extensions.ts';
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

/** The TBS's chunks copied into one array (each chunk is a view of a buffer reused for the next). */
async function tbsBytes(tbs: CrlTbs, chunkSize = CRL_CHUNK_SIZE): Promise<Uint8Array> {
  const out = new Uint8Array(tbs.length);
  let off = 0;
  for await (const c of tbs.chunks()) {
    assert.ok(c.length > 0 && c.length <= chunkSize, `a chunk of ${c.length} octets`);
    out.set(c, off);
    off += c.length;
  }
  assert.equal(off, tbs.length, 'as many octets as sized');
  return out;
}

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
  const crlTbs = await encodeCrlTbs(h, () => [entries]);
  assert.equal(crlTbs.count, entries.length);
  const tbs = await tbsBytes(crlTbs);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const a = signArgs('SHA256WITHECDSA', privateKey);
  const der = seq(tbs, algorithmIdentifier('SHA256WITHECDSA'), bitString(new Uint8Array(sign(a.digest, tbs, a.key))));
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
  const crlTbs = await encodeCrlTbs({ signingAlgorithm: 'SHA256WITHRSA', issuerDer, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000), authorityKeyId: aki, crlNumber: 7 }, () => []);
  assert.equal(crlTbs.count, 0);
  const crl = seq(await tbsBytes(crlTbs), algorithmIdentifier('SHA256WITHRSA'), bitString(new Uint8Array(256).fill(7)));
  const parsed = AsnConvert.parse(crl, CertificateList);
  assert.equal(parsed.tbsCertList.revokedCertificates, undefined);
  assert.deepEqual(parsed.tbsCertList.crlExtensions!.map((x) => x.extnID), ['2.5.29.35', '2.5.29.20']);
});

test('entries that change between the sizing pass and the writing pass are detected (CrlChanged), never written out of bounds', async () => {
  const h = { signingAlgorithm: 'SHA256WITHECDSA' as const, issuerDer, thisUpdate: new Date(), nextUpdate: new Date(), authorityKeyId: aki, crlNumber: 1 };
  const changed = async (first: CrlEntry[], second: CrlEntry[], sizes?: EntryShape[]) => {
    let pass = sizes ? 1 : 0;
    const tbs = await encodeCrlTbs(h, () => [pass++ === 0 ? first : second], sizes, 64);
    await assert.rejects(tbsBytes(tbs, 64), CrlChanged);
  };
  await changed(entries.slice(0, 2), entries.slice(0, 3)); // one more
  await changed(entries.slice(0, 3), entries.slice(0, 2)); // one fewer
  await changed(entries.slice(0, 3), [entries[0]!, entries[1]!, entries[4]!]); // as many, longer
  await changed(entries.slice(0, 3), [entries[0]!, entries[1]!, entries[0]!]); // as many, shorter
  // sized from shapes that no longer match: the list would run past its sized end
  await changed([], entries.slice(0, 3), [{ serialDigits: 2, highBit: false, before2050: true, reason: 'UNSPECIFIED', count: 3 }]);
});

test('writeEntry equals the general DER writer for 20,000 random serials, times (1950–2100) and reasons', () => {
  const reasons = Object.keys(CRL_REASON);
  const buf = new Uint8Array(128);
  for (let i = 0; i < 20_000; i++) {
    const serial = randomBytes(1 + (i % 20)).toString('hex');
    const ms = Math.floor(-631152000000 + Math.random() * (4102444800000 + 631152000000));
    const reason = reasons[i % reasons.length]!;
    const code = CRL_REASON[reason]!;
    const expected = seq(integer(Buffer.from(serial, 'hex')), time(new Date(Math.floor(ms / 1000) * 1000)),
      ...(code === 0 ? [] : [seq(seq(oid('2.5.29.21'), octetString(Uint8Array.of(0x0a, 0x01, code))))]));
    const end = writeEntry(buf, 0, { serial, revokedAt: ms, reason });
    assert.deepEqual(buf.subarray(0, end), expected, `serial ${serial} at ${new Date(ms).toISOString()} ${reason}`);
    assert.equal(end, entryLength({ serial, revokedAt: ms, reason }));
  }
});

test('shapeLength (sizes from grouped counts, as the store reports them) equals the sum of entryLength', () => {
  const reasons = Object.keys(CRL_REASON);
  const list: CrlEntry[] = Array.from({ length: 5000 }, (_, i) => ({
    serial: randomBytes(1 + (i % 20)).toString('hex').replace(/^00/, '01'),
    revokedAt: Math.floor(-631152000000 + Math.random() * 4.8e12), reason: reasons[i % reasons.length]!,
  }));
  const groups = new Map<string, EntryShape>();
  for (const e of list) {
    const s = { serialDigits: e.serial.length, highBit: e.serial[0]! >= '8', before2050: e.revokedAt < 2524608000000, reason: e.reason, count: 0 };
    const k = JSON.stringify({ ...s, count: 0 });
    (groups.get(k) ?? groups.set(k, s).get(k)!).count++;
  }
  assert.deepEqual(shapeLength([...groups.values()]), { length: list.reduce((a, e) => a + entryLength(e), 0), count: list.length });
});

test('the TBS comes out the same whatever the chunk size (down to one entry), equal to the general DER writer', async () => {
  const reasons = Object.keys(CRL_REASON);
  const list: CrlEntry[] = Array.from({ length: 3000 }, (_, i) => ({
    serial: randomBytes(1 + (i % 20)).toString('hex').replace(/^00/, '01'), revokedAt: Math.floor(-631152000000 + Math.random() * 4.8e12), reason: reasons[i % reasons.length]!,
  }));
  const uri = `http://pca.example/${'long/'.repeat(40)}crl.crl`; // the header alone spans several of the smallest chunks
  const h = { signingAlgorithm: 'SHA384WITHRSA_PSS' as const, issuerDer, thisUpdate: new Date(Date.UTC(2026, 4, 1)), nextUpdate: new Date(Date.UTC(2026, 4, 8)), authorityKeyId: aki, crlNumber: 42, issuingDistributionPointUri: uri };
  const entryDer = (e: CrlEntry) => {
    const code = CRL_REASON[e.reason]!;
    return seq(integer(Buffer.from(e.serial, 'hex')), time(new Date(Math.floor(e.revokedAt / 1000) * 1000)), ...(code === 0 ? [] : [seq(seq(oid('2.5.29.21'), octetString(Uint8Array.of(0x0a, 0x01, code))))]));
  };
  const idp = seq(implicit(0, true, implicit(0, true, implicit(6, false, ascii(uri)))));
  const expected = seq(Uint8Array.of(0x02, 0x01, 0x01), algorithmIdentifier(h.signingAlgorithm), issuerDer, time(h.thisUpdate), time(h.nextUpdate), seq(...list.map(entryDer)),
    explicit(0, seq(extensionDer(authorityKeyIdentifier(aki)), extensionDer({ oid: '2.5.29.20', critical: false, value: integerOf(42) }), extensionDer({ oid: '2.5.29.28', critical: true, value: idp }))));
  const batches = () => Array.from({ length: Math.ceil(list.length / 700) }, (_, i) => list.slice(700 * i, 700 * (i + 1)));
  for (const chunkSize of [56, 57, 100, 1000, 4096, CRL_CHUNK_SIZE]) {
    const tbs = await encodeCrlTbs(h, batches, undefined, chunkSize);
    assert.equal(tbs.length, expected.length);
    assert.deepEqual(await tbsBytes(tbs, chunkSize), expected, `chunks of ${chunkSize}`);
  }
  await assert.rejects(encodeCrlTbs(h, batches, undefined, 55), RangeError);
});
