// Decodes an AWS JSON 1.1 request body and checks it against the model's constraints (WIRE.md §2.3, §5.4).
import { ApiError } from './errors.ts';
import { OPERATIONS, SHAPES } from './generated.ts';
import type { OperationName, OperationTypes, ShapeName } from './generated.ts';

/** At most this many violations are spelled out in one ValidationException message (the count is exact). */
const MAX_LISTED_VIOLATIONS = 100;
/** Printed values longer than this many code points are cut and end with '...'. */
const MAX_VALUE_CHARS = 256;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses `body` as the input of `op`, drops unknown members, decodes blobs, and checks every model
 * constraint. Throws ApiError('SerializationException') for unparseable input or wrong JSON types and
 * ApiError('ValidationException') listing all constraint violations; never throws anything else.
 */
export function decodeAndValidate<K extends OperationName>(op: K, body: Uint8Array): OperationTypes[K]['input'] {
  try {
    if (!Object.hasOwn(OPERATIONS, op)) {
      throw new ApiError('UnknownOperationException', `Unknown operation: ${String(op)}`);
    }
    const shape = OPERATIONS[op].input;
    const input = decode(shape, parseBody(body), '');
    const violations: Violations = { count: 0, listed: [] };
    check(shape, input, '', violations);
    if (violations.count > 0) throw new ApiError('ValidationException', violationMessage(violations));
    return input as OperationTypes[K]['input'];
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('InternalFailure', 'Unexpected error while decoding the request');
  }
}

/** The full-match RegExp for a model pattern: compiled once, with the `u` flag when the pattern allows it. */
export function compilePattern(pattern: string): RegExp {
  let re = PATTERNS.get(pattern);
  if (re) return re;
  try {
    re = new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    re = new RegExp(`^(?:${pattern})$`);
  }
  PATTERNS.set(pattern, re);
  return re;
}
const PATTERNS = new Map<string, RegExp>();

// ---- Phase 1: JSON → typed value (SerializationException on the first problem) ----

function serialization(message: string): ApiError {
  return new ApiError('SerializationException', message);
}

function parseBody(body: Uint8Array): Record<string, unknown> {
  if (body.length === 0) return {};
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw serialization('The request body is not valid UTF-8; send a UTF-8 JSON object');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof SyntaxError ? `: ${err.message}` : '';
    throw serialization(`The request body is not valid JSON${why}. Send a JSON object, e.g. {}`);
  }
  if (!isObject(value)) {
    throw serialization(`The request body must be a JSON object, got ${jsonType(value)}. Send e.g. {}`);
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : `the non-integral number ${v}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function wrongType(path: string, expected: string, got: unknown): ApiError {
  return serialization(`Wrong JSON type at '${path}': expected ${expected}, got ${jsonType(got)}`);
}

function memberPath(parent: string, member: string): string {
  const camel = member.charAt(0).toLowerCase() + member.slice(1);
  return parent === '' ? camel : `${parent}.${camel}`;
}

function decode(name: ShapeName, value: unknown, path: string): unknown {
  const spec = SHAPES[name];
  switch (spec.type) {
    case 'structure': {
      if (!isObject(value)) throw wrongType(path, 'a JSON object', value);
      const out: Record<string, unknown> = {};
      for (const [member, ms] of Object.entries(spec.members ?? {})) {
        if (!Object.hasOwn(value, member)) continue;
        const v = value[member];
        if (v === null || v === undefined) continue; // null means absent
        out[member] = decode(ms.shape, v, memberPath(path, member));
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw wrongType(path, 'a JSON array', value);
      const item = spec.member as ShapeName;
      // A null element is kept as null and reported by phase 2 ("must not be null").
      return value.map((v: unknown, i) => (v === null ? null : decode(item, v, `${path}.${i + 1}.member`)));
    }
    case 'string':
      if (typeof value !== 'string') throw wrongType(path, 'a JSON string', value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType(path, 'true or false', value);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(path, 'an integer', value);
      if (value < INT32_MIN || value > INT32_MAX) {
        throw serialization(`Number out of range at '${path}': ${value} does not fit a 32-bit integer`);
      }
      return value;
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(path, 'an integer', value);
      if (!Number.isSafeInteger(value)) {
        throw serialization(`Number out of range at '${path}': ${value} exceeds ±(2^53-1)`);
      }
      return value;
    case 'blob':
      if (typeof value !== 'string') throw wrongType(path, 'a base64 JSON string', value);
      return decodeBase64(value, path);
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw wrongType(path, 'a number of seconds since the epoch', value);
      }
      return new Date(value * 1000);
  }
}

function isBase64Char(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f
  );
}

/**
 * Strict standard base64 (RFC 4648 §4 with '=' padding). The result owns exactly its bytes: Node decodes into a
 * shared 64 KiB pool, and a view on it would drag the whole pool along wherever the blob is copied, cloned to a
 * worker thread or kept.
 */
function decodeBase64(s: string, path: string): Buffer {
  let ok = s.length % 4 === 0;
  const n = s.length;
  for (let i = 0; ok && i < n; i++) {
    const c = s.charCodeAt(i);
    if (isBase64Char(c)) continue;
    // '=' only as the last character, or the last two.
    ok = c === 0x3d && (i === n - 1 || (i === n - 2 && s.charCodeAt(n - 1) === 0x3d));
  }
  if (!ok) {
    throw serialization(
      `Invalid base64 at '${path}': expected standard base64 with '=' padding (RFC 4648). ` +
        'With aws-cli, pass binary files as fileb://, not file://',
    );
  }
  const pooled = Buffer.from(s, 'base64');
  return Buffer.from(pooled.buffer.slice(pooled.byteOffset, pooled.byteOffset + pooled.length));
}

// ---- Phase 2: constraints over the whole decoded input (all violations collected) ----

interface Violations {
  count: number;
  listed: string[];
}

function report(out: Violations, path: string, value: unknown, constraint: string): void {
  out.count++;
  if (out.listed.length >= MAX_LISTED_VIOLATIONS) return;
  const shown = value === null ? 'null' : `'${truncate(render(value))}'`;
  out.listed.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
}

function violationMessage(v: Violations): string {
  const more = v.count > v.listed.length ? `; ... (${v.count - v.listed.length} more)` : '';
  const noun = v.count === 1 ? 'error' : 'errors';
  return `${v.count} validation ${noun} detected: ${v.listed.join('; ')}${more}`;
}

function check(name: ShapeName, value: unknown, path: string, out: Violations): void {
  const spec = SHAPES[name];
  if (value === null || value === undefined) {
    report(out, path, null, 'Member must not be null');
    return;
  }
  const { min, max } = spec;
  switch (spec.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      for (const [member, ms] of Object.entries(spec.members ?? {})) {
        const v = Object.hasOwn(obj, member) ? obj[member] : undefined;
        if (v !== undefined || ms.required) check(ms.shape, v, memberPath(path, member), out);
      }
      return;
    }
    case 'list': {
      const list = value as unknown[];
      checkLength(list.length, min, max, path, list, out);
      const item = spec.member as ShapeName;
      for (let i = 0; i < list.length; i++) check(item, list[i], `${path}.${i + 1}.member`, out);
      return;
    }
    case 'string': {
      const s = value as string;
      checkLength(codePointLength(s), min, max, path, s, out);
      if (spec.pattern !== undefined && !matches(spec.pattern, s)) {
        report(out, path, s, `Member must satisfy regular expression pattern: ${spec.pattern}`);
      }
      if (spec.enum && !spec.enum.includes(s)) {
        report(out, path, s, `Member must satisfy enum value set: [${spec.enum.join(', ')}]`);
      }
      return;
    }
    case 'blob':
      checkLength((value as Uint8Array).length, min, max, path, value, out);
      return;
    case 'integer':
    case 'long': {
      const n = value as number;
      if (min !== undefined && n < min) report(out, path, n, `Member must have value greater than or equal to ${min}`);
      if (max !== undefined && n > max) report(out, path, n, `Member must have value less than or equal to ${max}`);
      return;
    }
    default:
      return;
  }
}

function checkLength(
  len: number, min: number | undefined, max: number | undefined, path: string, value: unknown, out: Violations,
): void {
  if (min !== undefined && len < min) report(out, path, value, `Member must have length greater than or equal to ${min}`);
  if (max !== undefined && len > max) report(out, path, value, `Member must have length less than or equal to ${max}`);
}

function matches(pattern: string, s: string): boolean {
  try {
    return compilePattern(pattern).test(s);
  } catch {
    return false; // e.g. the regexp engine ran out of backtracking stack on a huge value
  }
}

function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// ---- Printing values in messages ----

/** Cuts `s` to MAX_VALUE_CHARS code points (never inside a surrogate pair) and marks the cut with '...'. */
function truncate(s: string): string {
  if (s.length <= MAX_VALUE_CHARS) return s;
  let end = 0;
  for (let k = 0; k < MAX_VALUE_CHARS && end < s.length; k++) {
    const c = s.charCodeAt(end);
    end += c >= 0xd800 && c <= 0xdbff && end + 1 < s.length ? 2 : 1;
  }
  return end >= s.length ? s : `${s.slice(0, end)}...`;
}

/** Compact Java-toString-like text: strings raw, lists `[a, b]`, structures `{Key=a, Value=b}`, blobs never shown. */
function render(v: unknown): string {
  if (typeof v === 'string') return truncate(v);
  if (v instanceof Uint8Array) return `[blob of ${v.length} bytes]`;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${joinBounded(v.length, (i) => (v[i] === null ? 'null' : render(v[i])))}]`;
  if (isObject(v)) {
    const keys = Object.keys(v);
    return `{${joinBounded(keys.length, (i) => `${keys[i]}=${render(v[keys[i]!])}`)}}`;
  }
  return String(v);
}

/** Joins part(0..n-1) with ', ', rendering lazily and stopping once the text is past MAX_VALUE_CHARS. */
function joinBounded(n: number, part: (i: number) => string): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    if (s.length > MAX_VALUE_CHARS) return `${s}, ...`;
    s += (i > 0 ? ', ' : '') + part(i);
  }
  return s;
}
