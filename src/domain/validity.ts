// Certificate validity from the API's Validity / ValidityNotBefore (X509.md §5): pure, the clock is a parameter.
import { fail } from '../contract/errors.ts';

export interface ValidityInput {
  Type: string;
  Value: number;
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;
/** Default clock-skew backdate of notBefore (X509.md §5.2). */
const BACKDATE = 60 * 60 * SECOND;
/** SHORT_LIVED_CERTIFICATE limit (X509.md §5.3). */
const SHORT_LIVED_MAX = 7 * DAY;
/** 9999-12-31T23:59:59Z: the last instant a four-digit GeneralizedTime can encode. */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);

/** ISO-8601 UTC without fractions, e.g. 2049-12-31T23:59:59Z. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / SECOND) * SECOND).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function daysInMonth(year: number, month0: number): number {
  return new Date(utc(year, month0 + 1, 0, 0, 0, 0)).getUTCDate();
}

/** Date.UTC without the 0..99 → 19xx year quirk. */
function utc(y: number, mo0: number, d: number, h: number, mi: number, s: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo0, d);
  dt.setUTCHours(h, mi, s, 0);
  return dt.getTime();
}

/**
 * END_DATE value → instant: ≤ 12 digits = UTCTime YYMMDDHHMMSS (left-padded; YY ≥ 50 → 19YY),
 * exactly 14 digits = GeneralizedTime YYYYMMDDHHMMSS; anything else → InvalidArgsException.
 */
export function parseEndDate(value: number): Date {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw fail('InvalidArgsException', `Validity END_DATE ${value} is not a date written as digits; use YYMMDDHHMMSS (UTCTime) or YYYYMMDDHHMMSS (GeneralizedTime), e.g. 491231235959`);
  }
  const raw = String(value);
  let digits: string;
  let year: number;
  if (raw.length <= 12) {
    digits = raw.padStart(12, '0');
    const yy = Number(digits.slice(0, 2));
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    digits = digits.slice(2);
  } else if (raw.length === 14) {
    year = Number(raw.slice(0, 4));
    digits = raw.slice(4);
  } else {
    throw fail('InvalidArgsException', `Validity END_DATE ${value} has ${raw.length} digits; use 12 digits YYMMDDHHMMSS (UTCTime) or 14 digits YYYYMMDDHHMMSS (GeneralizedTime), e.g. 491231235959`);
  }
  const [mo, d, h, mi, s] = [0, 2, 4, 6, 8].map((i) => Number(digits.slice(i, i + 2))) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(year, mo - 1) || h > 23 || mi > 59 || s > 59) {
    const shown = `${String(year).padStart(4, '0')}-${digits.slice(0, 2)}-${digits.slice(2, 4)} ${digits.slice(4, 6)}:${digits.slice(6, 8)}:${digits.slice(8, 10)}`;
    throw fail('InvalidArgsException', `Validity END_DATE ${value} is not a valid date-time (${shown} UTC); check month 01-12, day within the month, hour 00-23, minute and second 00-59`);
  }
  return new Date(utc(year, mo - 1, d, h, mi, s));
}

/** Adds calendar months in UTC, clamping the day to the end of the target month (Jan 31 + 1 → Feb 28/29). */
function addMonths(t: number, months: number): number {
  const dt = new Date(t);
  const total = dt.getUTCMonth() + months;
  const year = dt.getUTCFullYear() + Math.floor(total / 12);
  const month0 = ((total % 12) + 12) % 12;
  const day = Math.min(dt.getUTCDate(), daysInMonth(year, month0));
  return utc(year, month0, day, dt.getUTCHours(), dt.getUTCMinutes(), dt.getUTCSeconds());
}

function describe(v: ValidityInput, member: string): string {
  return v.Type === 'DAYS' || v.Type === 'MONTHS' || v.Type === 'YEARS' ? `${member} ${v.Value} ${v.Type}` : `${member} ${v.Type} ${v.Value}`;
}

function checkValue(v: ValidityInput, member: string): void {
  if (!Number.isSafeInteger(v.Value) || v.Value < 1) {
    throw fail('InvalidArgsException', `${member}.Value ${v.Value} must be a positive whole number`);
  }
}

function tooLate(v: ValidityInput, member: string): never {
  throw fail('InvalidArgsException', `${describe(v, member)} ends after ${isoSeconds(MAX_TIME)}, the latest time an X.509 certificate can encode`);
}

function notAfterOf(v: ValidityInput, issuance: number): number {
  checkValue(v, 'Validity');
  // Cap relative counts before arithmetic so nothing overflows the Date range (~275,000 years).
  const cap = (limit: number): void => { if (v.Value > limit) tooLate(v, 'Validity'); };
  let t: number;
  switch (v.Type) {
    case 'END_DATE': t = parseEndDate(v.Value).getTime(); break;
    case 'ABSOLUTE': cap(MAX_TIME / SECOND); t = v.Value * SECOND; break;
    case 'DAYS': cap(10_000 * 366); t = issuance + v.Value * DAY; break;
    case 'MONTHS': cap(10_000 * 12); t = addMonths(issuance, v.Value); break;
    case 'YEARS': cap(10_000); t = addMonths(issuance, v.Value * 12); break;
    default:
      throw fail('InvalidArgsException', `Validity.Type '${v.Type}' is not one of END_DATE, ABSOLUTE, DAYS, MONTHS, YEARS`);
  }
  if (t > MAX_TIME) tooLate(v, 'Validity');
  return t;
}

/**
 * Computes notBefore/notAfter for a certificate issued at `now` (truncated to whole seconds).
 * `issuerNotAfter` is the signing CA certificate's notAfter (epoch ms), or null for a root's
 * self-issued certificate; `shortLived` applies the SHORT_LIVED_CERTIFICATE 7-day limit.
 */
export function computeValidity(o: {
  validity: ValidityInput;
  validityNotBefore?: ValidityInput | undefined;
  now: number;
  issuerNotAfter: number | null;
  shortLived: boolean;
}): { notBefore: Date; notAfter: Date } {
  const issuance = Math.floor(o.now / SECOND) * SECOND;
  const notAfter = notAfterOf(o.validity, issuance);
  // Only error messages use it: formatted when one is thrown, not on every certificate.
  const what = () => `${describe(o.validity, 'Validity')} ends ${isoSeconds(notAfter)}`;

  let notBefore = issuance - BACKDATE;
  const nb = o.validityNotBefore;
  if (nb !== undefined) {
    if (nb.Type !== 'ABSOLUTE') {
      throw fail('InvalidArgsException', `ValidityNotBefore.Type must be ABSOLUTE (seconds since the Unix epoch), got '${nb.Type}'`);
    }
    checkValue(nb, 'ValidityNotBefore');
    if (nb.Value > MAX_TIME / SECOND) tooLate(nb, 'ValidityNotBefore');
    notBefore = nb.Value * SECOND;
  }

  if (notAfter < issuance) {
    throw fail('InvalidArgsException', `${what()}, which is in the past (issuance time ${isoSeconds(issuance)}); choose a notAfter in the future`);
  }
  if (notAfter < issuance + SECOND) {
    throw fail('InvalidArgsException', `${what()}, less than the minimum validity of 1 second after issuance (${isoSeconds(issuance)})`);
  }
  if (notBefore >= notAfter) {
    throw fail('InvalidArgsException', `ValidityNotBefore ABSOLUTE ${notBefore / SECOND} starts ${isoSeconds(notBefore)}, which is not before the end of the validity (${isoSeconds(notAfter)}); notBefore must be earlier than notAfter`);
  }
  if (o.issuerNotAfter !== null && notAfter > o.issuerNotAfter) {
    throw fail('InvalidArgsException', `${what()}, after the CA certificate expires (${isoSeconds(o.issuerNotAfter)}); a certificate cannot outlive its issuer`);
  }
  if (o.shortLived && notAfter - issuance > SHORT_LIVED_MAX) {
    throw fail('InvalidArgsException', `${what()}, ${formatSpan(notAfter - issuance)} after issuance (${isoSeconds(issuance)}); a SHORT_LIVED_CERTIFICATE CA issues certificates valid for at most 7 days`);
  }
  return { notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
}

function formatSpan(ms: number): string {
  const s = Math.floor(ms / SECOND);
  const d = Math.floor(s / 86_400);
  const rest = s - d * 86_400;
  return rest === 0 ? `${d} days` : `${d} days ${rest} s`;
}
