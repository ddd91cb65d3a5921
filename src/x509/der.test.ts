// Tests for the DER writer and reader: length forms, INTEGER padding, OIDs, times, strings and reader bounds checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  DerError, bitString, bool, children, decodeOid, derLength, explicit, implicit, integer, integerOf, isSingleTlv, oid,
  octetString, printableString, putGeneralizedTime, putTime, readTlv, seq, stringChars, time, timeLength, tlv, utf8String, ia5String, NULL,
} from './der.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('length octets: short form below 128, minimal long form above', () => {
  assert.equal(hex(derLength(0)), '00');
  assert.equal(hex(derLength(127)), '7f');
  assert.equal(hex(derLength(128)), '8180');
  assert.equal(hex(derLength(255)), '81ff');
  assert.equal(hex(derLength(256)), '820100');
  assert.equal(hex(derLength(65536)), '83010000');
  const big = octetString(new Uint8Array(70000));
  assert.equal(hex(big.subarray(0, 5)), '0483011170');
  assert.equal(hex(new Uint8Array(AsnConvert.serialize(new OctetString(new Uint8Array(70000))))), hex(big));
});

test('INTEGER: 0x00 pad for a set top bit, leading zeros dropped, small numbers', () => {
  assert.equal(hex(integer(Uint8Array.of(0x80, 1))), '0203008001');
  assert.equal(hex(integer(Uint8Array.of(0x7f, 1))), '02027f01');
  assert.equal(hex(integer(Uint8Array.of(0, 0, 0x7f))), '02017f');
  assert.equal(hex(integer(Uint8Array.of(0, 0, 0x80))), '02020080');
  assert.equal(hex(integer(Uint8Array.of(0))), '020100');
  assert.equal(hex(integerOf(0)), '020100');
  assert.equal(hex(integerOf(3)), '020103');
  assert.equal(hex(integerOf(128)), '02020080');
  assert.equal(hex(integerOf(65537)), '0203010001');
  assert.throws(() => integerOf(-1), RangeError);
});

test('OBJECT IDENTIFIER: encode, decode, large arcs, cache, malformed input', () => {
  assert.equal(hex(oid('1.2.840.113549.1.1.11')), '06092a864886f70d01010b');
  assert.equal(hex(oid('2.5.29.19')), '0603551d13');
  assert.equal(oid('2.5.29.19'), oid('2.5.29.19'), 'cached');
  const uuidOid = '2.25.329800735698586629295641978511506172918';
  assert.equal(decodeOid(oid(uuidOid).subarray(2)), uuidOid);
  assert.equal(decodeOid(oid('2.999.3').subarray(2)), '2.999.3');
  assert.equal(decodeOid(oid('0.9.2342.19200300.100.1.25').subarray(2)), '0.9.2342.19200300.100.1.25');
  for (const bad of ['1', '1.', '3.1', '1.40', '1.02', 'a.b', '']) assert.throws(() => oid(bad), RangeError, bad);
  assert.throws(() => decodeOid(Uint8Array.of(0x2a, 0x80, 0x01)), DerError);
  assert.throws(() => decodeOid(Uint8Array.of(0x2a, 0x86)), DerError);
  assert.throws(() => decodeOid(new Uint8Array(0)), DerError);
});

test('Time: UTCTime 1950–2049, GeneralizedTime otherwise, seconds and Z', () => {
  const t = (iso: string): string => Buffer.from(time(new Date(iso)).subarray(2)).toString('latin1');
  assert.equal(t('2024-11-28T06:07:45.999Z'), '241128060745Z');
  assert.equal(t('2049-12-31T23:59:59Z'), '491231235959Z');
  assert.equal(t('2050-01-01T00:00:00Z'), '20500101000000Z');
  assert.equal(t('1950-01-01T00:00:00Z'), '500101000000Z');
  assert.equal(t('1949-12-31T23:59:59Z'), '19491231235959Z');
  assert.equal(time(new Date('2049-01-01T00:00:00Z'))[0], 0x17);
  assert.equal(time(new Date('2050-01-01T00:00:00Z'))[0], 0x18);
  assert.throws(() => time(new Date(NaN)), RangeError);
});

test('primitive and tagged helpers', () => {
  assert.equal(hex(bool(true)), '0101ff');
  assert.equal(hex(bool(false)), '010100');
  assert.equal(hex(NULL), '0500');
  assert.equal(hex(bitString(Uint8Array.of(0x86), 1)), '03020186');
  assert.equal(hex(explicit(3, seq())), 'a3023000');
  assert.equal(hex(implicit(0, false, Uint8Array.of(1, 2))), '80020102');
  assert.equal(hex(implicit(0, true, Uint8Array.of(1, 2))), 'a0020102');
  assert.equal(hex(ia5String('a.b')), '1603612e62');
  assert.equal(hex(utf8String('é')), '0c02c3a9');
  assert.equal(hex(printableString('US')), '13025553');
  assert.throws(() => printableString('a_b'), RangeError);
  assert.throws(() => ia5String('é'), RangeError);
  assert.equal(hex(tlv(0x30, Uint8Array.of(1), Uint8Array.of(2, 3))), '3003010203');
});

test('reader: walks children and rejects truncation, indefinite and non-minimal lengths', () => {
  const s = seq(integerOf(1), seq(oid('2.5.4.3')), octetString(Uint8Array.of(9)));
  const top = readTlv(s, 0);
  assert.deepEqual(children(s, top).map((c) => c.tag), [0x02, 0x30, 0x04]);
  assert.throws(() => readTlv(s.subarray(0, s.length - 1), 0), /runs past the end/);
  assert.throws(() => readTlv(Uint8Array.of(0x30, 0x80, 0, 0), 0), /indefinite/);
  assert.throws(() => readTlv(Uint8Array.of(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), 0), /non-minimal/);
  assert.throws(() => readTlv(Uint8Array.of(0x04, 0x82, 0x00, 0x80, ...new Uint8Array(128)), 0), /non-minimal/);
  assert.throws(() => readTlv(Uint8Array.of(0x04), 0), /truncated length/);
  assert.throws(() => readTlv(new Uint8Array(0), 0), /unexpected end/);
  assert.equal(readTlv(Uint8Array.of(0x1f, 0x81, 0x01, 0x01, 0xaa), 0).vStart, 4, 'high tag number form');
  assert.equal(isSingleTlv(Uint8Array.of(5, 0)), true);
  assert.equal(isSingleTlv(Uint8Array.of(5, 0, 5, 0)), false);
  assert.equal(isSingleTlv(Uint8Array.of(5)), false);
  assert.equal(stringChars(0x0c, new TextEncoder().encode('héllo')), 5);
  assert.equal(stringChars(0x1e, Uint8Array.of(0, 0x41, 0, 0x42)), 2);
  assert.equal(stringChars(0x13, Uint8Array.of(0x41, 0x42, 0x43)), 3);
});

test('putTime and putGeneralizedTime write what time() writes, for 20,000 instants from year 1 to 9999', () => {
  const buf = new Uint8Array(32);
  for (let i = 0; i < 20_000; i++) {
    const ms = Math.floor(-62135596800000 + Math.random() * (253402300799000 + 62135596800000));
    const whole = Math.floor(ms / 1000) * 1000;
    const expected = time(new Date(whole));
    assert.equal(timeLength(ms), expected.length);
    assert.deepEqual(buf.subarray(0, putTime(buf, 0, ms)), expected, new Date(ms).toISOString());
    const y = new Date(whole).getUTCFullYear();
    const g = Buffer.from(buf.subarray(0, putGeneralizedTime(buf, 0, ms))).toString('latin1');
    assert.equal(g, `\x18\x0f${String(y).padStart(4, '0')}${new Date(whole).toISOString().slice(5, 19).replace(/[-T:]/g, '')}Z`);
  }
  assert.throws(() => putGeneralizedTime(buf, 0, NaN), RangeError);
});
