// Tests for certificate validity computation (X509.md §5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../contract/errors.ts';
import { computeValidity, parseEndDate } from './validity.ts';

const T = (iso: string): number => Date.parse(iso);
const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

function v(Type: string, Value: number, extra: Partial<Parameters<typeof computeValidity>[0]> = {}): { notBefore: string; notAfter: string } {
  const r = computeValidity({ validity: { Type, Value }, now: T('2020-10-12T10:20:30.789Z'), issuerNotAfter: null, shortLived: false, ...extra });
  return { notBefore: iso(r.notBefore), notAfter: iso(r.notAfter) };
}

function invalidArgs(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 'InvalidArgsException');
    assert.match(e.message, re);
    return true;
  });
}

test('END_DATE: UTCTime and GeneralizedTime forms (doc example)', () => {
  assert.equal(iso(parseEndDate(491231235959)), '2049-12-31T23:59:59Z');
  assert.equal(iso(parseEndDate(500101000000)), '1950-01-01T00:00:00Z');
  assert.equal(iso(parseEndDate(20491231235959)), '2049-12-31T23:59:59Z');
  assert.equal(iso(parseEndDate(99991231235959)), '9999-12-31T23:59:59Z');
  // Leading zeros lost in the number: 2001-02-03T04:05:06Z written as 010203040506.
  assert.equal(iso(parseEndDate(10203040506)), '2001-02-03T04:05:06Z');
  assert.equal(iso(parseEndDate(240229120000)), '2024-02-29T12:00:00Z');
  assert.equal(v('END_DATE', 491231235959).notAfter, '2049-12-31T23:59:59Z');
});

test('END_DATE: impossible dates and wrong digit counts are refused', () => {
  invalidArgs(() => parseEndDate(230229000000), /not a valid date-time \(2023-02-29/);
  invalidArgs(() => parseEndDate(251301000000), /not a valid date-time/);
  invalidArgs(() => parseEndDate(250100000000), /not a valid date-time/);
  invalidArgs(() => parseEndDate(250431000000), /not a valid date-time/);
  invalidArgs(() => parseEndDate(250101240000), /not a valid date-time/);
  invalidArgs(() => parseEndDate(250101236000), /not a valid date-time/);
  invalidArgs(() => parseEndDate(250101235960), /not a valid date-time/);
  invalidArgs(() => parseEndDate(21000229000000), /not a valid date-time/); // 2100 is not a leap year
  invalidArgs(() => parseEndDate(1234567890123), /has 13 digits/);
  invalidArgs(() => parseEndDate(123456789012345), /has 15 digits/);
  invalidArgs(() => parseEndDate(1.5), /not a date written as digits/);
  assert.equal(iso(parseEndDate(20000229000000)), '2000-02-29T00:00:00Z'); // 2000 is
});

test('ABSOLUTE (doc example) and the default notBefore (issuance − 60 min, truncated to seconds)', () => {
  assert.deepEqual(v('ABSOLUTE', 2524608000), { notBefore: '2020-10-12T09:20:30Z', notAfter: '2050-01-01T00:00:00Z' });
  assert.equal(v('ABSOLUTE', 253402300799).notAfter, '9999-12-31T23:59:59Z');
  invalidArgs(() => v('ABSOLUTE', 253402300800), /ends after 9999-12-31T23:59:59Z/);
});

test('DAYS: 90 days from 2020-10-12 ends 2021-01-10 (the doc typo corrected)', () => {
  assert.deepEqual(v('DAYS', 90), { notBefore: '2020-10-12T09:20:30Z', notAfter: '2021-01-10T10:20:30Z' });
  assert.equal(v('DAYS', 1).notAfter, '2020-10-13T10:20:30Z');
});

test('MONTHS and YEARS: calendar arithmetic, clamped to the end of the month', () => {
  const at = (now: string, Type: string, Value: number): string =>
    iso(computeValidity({ validity: { Type, Value }, now: T(now), issuerNotAfter: null, shortLived: false }).notAfter);
  assert.equal(at('2023-01-31T12:00:00Z', 'MONTHS', 1), '2023-02-28T12:00:00Z');
  assert.equal(at('2024-01-31T12:00:00Z', 'MONTHS', 1), '2024-02-29T12:00:00Z');
  assert.equal(at('2024-03-31T00:00:00Z', 'MONTHS', 1), '2024-04-30T00:00:00Z');
  assert.equal(at('2024-01-31T00:00:00Z', 'MONTHS', 2), '2024-03-31T00:00:00Z');
  assert.equal(at('2024-11-15T08:00:00Z', 'MONTHS', 3), '2025-02-15T08:00:00Z');
  assert.equal(at('2024-05-15T08:00:00Z', 'MONTHS', 25), '2026-06-15T08:00:00Z');
  assert.equal(at('2024-02-29T06:07:08Z', 'YEARS', 1), '2025-02-28T06:07:08Z');
  assert.equal(at('2024-02-29T06:07:08Z', 'YEARS', 4), '2028-02-29T06:07:08Z');
  assert.equal(at('2020-10-12T10:20:30Z', 'YEARS', 10), '2030-10-12T10:20:30Z');
  invalidArgs(() => at('2020-01-01T00:00:00Z', 'YEARS', 8000), /ends after 9999-12-31T23:59:59Z/);
  invalidArgs(() => at('2020-01-01T00:00:00Z', 'DAYS', 1e15), /ends after 9999/);
});

test('ValidityNotBefore: ABSOLUTE only, may be past or future, must precede notAfter', () => {
  const nb = (Type: string, Value: number): { notBefore: string; notAfter: string } =>
    v('DAYS', 20, { validityNotBefore: { Type, Value } });
  assert.deepEqual(nb('ABSOLUTE', 1577836800), { notBefore: '2020-01-01T00:00:00Z', notAfter: '2020-11-01T10:20:30Z' });
  // Validity is not shifted by a future notBefore.
  assert.deepEqual(nb('ABSOLUTE', 1603497600), { notBefore: '2020-10-24T00:00:00Z', notAfter: '2020-11-01T10:20:30Z' });
  invalidArgs(() => nb('DAYS', 1), /ValidityNotBefore.Type must be ABSOLUTE/);
  invalidArgs(() => nb('END_DATE', 201013000000), /ValidityNotBefore.Type must be ABSOLUTE/);
  invalidArgs(() => nb('ABSOLUTE', 1604226030), /starts 2020-11-01T10:20:30Z, which is not before the end of the validity \(2020-11-01T10:20:30Z\)/);
  assert.equal(nb('ABSOLUTE', 1604226029).notBefore, '2020-11-01T10:20:29Z');
  invalidArgs(() => nb('ABSOLUTE', 0), /must be a positive whole number/);
});

test('bad Type and Value are refused', () => {
  invalidArgs(() => v('WEEKS', 2), /Validity.Type 'WEEKS' is not one of/);
  invalidArgs(() => v('DAYS', 0), /Validity.Value 0 must be a positive whole number/);
  invalidArgs(() => v('DAYS', 2.5), /must be a positive whole number/);
});

test('notAfter in the past or less than 1 second after issuance', () => {
  invalidArgs(() => v('END_DATE', 201012102029), /ends 2020-10-12T10:20:29Z, which is in the past/);
  invalidArgs(() => v('ABSOLUTE', 1602498029), /in the past/);
  // Issuance is truncated to 10:20:30, so notAfter == issuance is < 1 s after it.
  invalidArgs(() => v('ABSOLUTE', 1602498030), /less than the minimum validity of 1 second/);
  assert.equal(v('ABSOLUTE', 1602498031).notAfter, '2020-10-12T10:20:31Z');
});

test('cannot outlive the issuer; equality is allowed', () => {
  const now = T('2026-11-21T19:00:00Z');
  const issuerNotAfter = T('2027-11-22T19:00:00Z');
  const r = computeValidity({ validity: { Type: 'ABSOLUTE', Value: issuerNotAfter / 1000 }, now, issuerNotAfter, shortLived: false });
  assert.equal(r.notAfter.getTime(), issuerNotAfter);
  invalidArgs(
    () => computeValidity({ validity: { Type: 'DAYS', Value: 400 }, now, issuerNotAfter, shortLived: false }),
    /^Validity 400 DAYS ends 2027-12-26T19:00:00Z, after the CA certificate expires \(2027-11-22T19:00:00Z\)/,
  );
  invalidArgs(
    () => computeValidity({ validity: { Type: 'ABSOLUTE', Value: issuerNotAfter / 1000 + 1 }, now, issuerNotAfter, shortLived: false }),
    /after the CA certificate expires/,
  );
  // A root's self-issued certificate is not checked against anything.
  assert.equal(iso(computeValidity({ validity: { Type: 'YEARS', Value: 100 }, now, issuerNotAfter: null, shortLived: false }).notAfter), '2126-11-21T19:00:00Z');
});

test('short-lived: at most 7 days after issuance', () => {
  const now = T('2025-03-01T00:00:00.999Z');
  const sl = (Type: string, Value: number): { notBefore: Date; notAfter: Date } =>
    computeValidity({ validity: { Type, Value }, now, issuerNotAfter: T('2030-01-01T00:00:00Z'), shortLived: true });
  assert.equal(iso(sl('DAYS', 7).notAfter), '2025-03-08T00:00:00Z');
  assert.equal(iso(sl('ABSOLUTE', T('2025-03-08T00:00:00Z') / 1000).notAfter), '2025-03-08T00:00:00Z');
  invalidArgs(() => sl('ABSOLUTE', T('2025-03-08T00:00:01Z') / 1000), /7 days 1 s after issuance.*at most 7 days/);
  invalidArgs(() => sl('DAYS', 8), /8 days after issuance/);
  invalidArgs(() => sl('MONTHS', 1), /SHORT_LIVED_CERTIFICATE/);
  // The same validity is fine for a general-purpose CA.
  assert.equal(iso(computeValidity({ validity: { Type: 'DAYS', Value: 8 }, now, issuerNotAfter: null, shortLived: false }).notAfter), '2025-03-09T00:00:00Z');
});
