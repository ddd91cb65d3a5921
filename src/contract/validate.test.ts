// Tests request decoding and model-constraint validation (WIRE.md §2.3, §5.4) and the codegen freshness check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ApiError } from './errors.ts';
import { compilePattern, decodeAndValidate } from './validate.ts';
import { MODELLED_ERRORS, OPERATION_NAMES, OPERATIONS, SHAPES } from './generated.ts';
import type { OperationName } from './generated.ts';

const ARN = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

const CA_CONFIG = {
  KeyAlgorithm: 'RSA_2048',
  SigningAlgorithm: 'SHA256WITHRSA',
  Subject: { CommonName: 'Example Root', Country: 'US' },
};
const createCa = (extra: Record<string, unknown> = {}, subject: Record<string, unknown> = {}) => ({
  CertificateAuthorityType: 'ROOT',
  CertificateAuthorityConfiguration: { ...CA_CONFIG, Subject: { ...CA_CONFIG.Subject, ...subject } },
  ...extra,
});
const issue = (extra: Record<string, unknown> = {}) => ({
  CertificateAuthorityArn: ARN,
  Csr: b64('-----BEGIN CERTIFICATE REQUEST-----\n'),
  SigningAlgorithm: 'SHA256WITHRSA',
  Validity: { Value: 30, Type: 'DAYS' },
  ...extra,
});
const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));

function run(op: OperationName, body: unknown): unknown {
  const bytes = body instanceof Uint8Array ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return decodeAndValidate(op, bytes);
}

const V = (path: string, value: string | null, constraint: string): string =>
  `Value ${value === null ? 'null' : `'${value}'`} at '${path}' failed to satisfy constraint: Member must ${constraint}`;
const one = (path: string, value: string | null, constraint: string): string =>
  `1 validation error detected: ${V(path, value, constraint)}`;

interface Case {
  name: string;
  op: OperationName;
  body: unknown; // a string or bytes is sent as is, anything else as JSON
  code?: 'ValidationException' | 'SerializationException';
  message?: string | RegExp;
  count?: number; // number of violations in a ValidationException
  ok?: (result: any) => void;
}

const CASES: Case[] = [
  // required
  { name: 'required member missing', op: 'DescribeCertificateAuthority', body: {}, code: 'ValidationException',
    message: one('certificateAuthorityArn', null, 'not be null') },
  { name: 'nested required member missing', op: 'CreateCertificateAuthority',
    body: createCa({ CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048', Subject: {} } }),
    code: 'ValidationException', message: one('certificateAuthorityConfiguration.signingAlgorithm', null, 'not be null') },
  // string length
  { name: 'string min length', op: 'CreateCertificateAuthority', body: createCa({ IdempotencyToken: '' }),
    code: 'ValidationException', message: one('idempotencyToken', '', 'have length greater than or equal to 1') },
  { name: 'string max length', op: 'CreateCertificateAuthority', body: createCa({ IdempotencyToken: 'x'.repeat(37) }),
    code: 'ValidationException', message: one('idempotencyToken', 'x'.repeat(37), 'have length less than or equal to 36') },
  { name: 'length counts code points (64 emoji fit String64)', op: 'CreateCertificateAuthority',
    body: createCa({}, { CommonName: '😀'.repeat(64) }), ok: (r) => assert.equal(r.CertificateAuthorityConfiguration.Subject.CommonName, '😀'.repeat(64)) },
  { name: 'length counts code points (65 emoji do not)', op: 'CreateCertificateAuthority',
    body: createCa({}, { CommonName: '😀'.repeat(65) }), code: 'ValidationException',
    message: one('certificateAuthorityConfiguration.subject.commonName', '😀'.repeat(65), 'have length less than or equal to 64') },
  { name: 'long values are truncated in the message', op: 'CreateCertificateAuthority',
    body: createCa({ IdempotencyToken: 'y'.repeat(5000) }), code: 'ValidationException',
    message: one('idempotencyToken', `${'y'.repeat(256)}...`, 'have length less than or equal to 36') },
  // blob length
  { name: 'blob min length (decoded bytes)', op: 'IssueCertificate', body: issue({ Csr: '' }), code: 'ValidationException',
    message: /^1 validation error detected: Value '\[blob[^']*\]' at 'csr' failed to satisfy constraint: Member must have length greater than or equal to 1$/ },
  { name: 'blob max length (decoded bytes)', op: 'IssueCertificate', body: issue({ Csr: b64(Buffer.alloc(32769, 65)) }),
    code: 'ValidationException', message: /^1 validation error detected: Value '\[blob[^']*\]' at 'csr' failed to satisfy constraint: Member must have length less than or equal to 32768$/ },
  { name: 'blob at max length is accepted', op: 'IssueCertificate', body: issue({ Csr: b64(Buffer.alloc(32768, 65)) }),
    ok: (r) => assert.equal(r.Csr.length, 32768) },
  // list size
  { name: 'list min items', op: 'TagCertificateAuthority', body: { CertificateAuthorityArn: ARN, Tags: [] },
    code: 'ValidationException', message: one('tags', '[]', 'have length greater than or equal to 1') },
  { name: 'list max items', op: 'TagCertificateAuthority', body: { CertificateAuthorityArn: ARN, Tags: tags(51) },
    code: 'ValidationException', message: /^1 validation error detected: Value '\[\{Key=k0, Value=v0\}, .*\.\.\.' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/ },
  { name: 'list element path is 1-based with .member', op: 'TagCertificateAuthority',
    body: { CertificateAuthorityArn: ARN, Tags: [{ Key: 'a' }, { Key: 'b', Value: 'bad*' }] }, code: 'ValidationException',
    message: one('tags.2.member.value', 'bad*', 'satisfy regular expression pattern: ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)') },
  { name: 'null list element is a null member', op: 'TagCertificateAuthority',
    body: { CertificateAuthorityArn: ARN, Tags: [{ Key: 'a' }, null] }, code: 'ValidationException',
    message: one('tags.2.member', null, 'not be null') },
  // numeric range
  { name: 'integer below min', op: 'DeleteCertificateAuthority', body: { CertificateAuthorityArn: ARN, PermanentDeletionTimeInDays: 6 },
    code: 'ValidationException', message: one('permanentDeletionTimeInDays', '6', 'have value greater than or equal to 7') },
  { name: 'integer above max', op: 'DeleteCertificateAuthority', body: { CertificateAuthorityArn: ARN, PermanentDeletionTimeInDays: 31 },
    code: 'ValidationException', message: one('permanentDeletionTimeInDays', '31', 'have value less than or equal to 30') },
  { name: 'MaxResults 0', op: 'ListCertificateAuthorities', body: { MaxResults: 0 }, code: 'ValidationException',
    message: one('maxResults', '0', 'have value greater than or equal to 1') },
  { name: 'MaxResults 1001', op: 'ListCertificateAuthorities', body: { MaxResults: 1001 }, code: 'ValidationException',
    message: one('maxResults', '1001', 'have value less than or equal to 1000') },
  { name: 'long below min', op: 'IssueCertificate', body: issue({ Validity: { Value: 0, Type: 'DAYS' } }),
    code: 'ValidationException', message: one('validity.value', '0', 'have value greater than or equal to 1') },
  { name: 'long accepts 2^53-1', op: 'IssueCertificate', body: issue({ Validity: { Value: 2 ** 53 - 1, Type: 'END_DATE' } }),
    ok: (r) => assert.equal(r.Validity.Value, 2 ** 53 - 1) },
  // pattern
  { name: 'pattern', op: 'CreateCertificateAuthority', body: createCa({}, { Country: 'U1' }), code: 'ValidationException',
    message: one('certificateAuthorityConfiguration.subject.country', 'U1', 'satisfy regular expression pattern: [A-Za-z]{2}') },
  { name: 'pattern is full-match', op: 'DescribeCertificateAuthority', body: { CertificateAuthorityArn: `x${ARN}` },
    code: 'ValidationException', message: /^1 validation error detected: .* at 'certificateAuthorityArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:/ },
  { name: 'unicode pattern accepts letters', op: 'TagCertificateAuthority',
    body: { CertificateAuthorityArn: ARN, Tags: [{ Key: 'clé', Value: 'Ünïcødé 日本 ١٢' }] }, ok: (r) => assert.equal(r.Tags[0].Key, 'clé') },
  { name: 'printable-string range quirk +-. allows comma', op: 'CreateCertificateAuthority',
    body: createCa({}, { DistinguishedNameQualifier: 'a,b' }), ok: () => {} },
  // enum
  { name: 'enum', op: 'CreateCertificateAuthority', body: createCa({ CertificateAuthorityType: 'FOO' }), code: 'ValidationException',
    message: one('certificateAuthorityType', 'FOO', 'satisfy enum value set: [ROOT, SUBORDINATE]') },
  // wrong JSON types
  { name: 'string where integer expected', op: 'ListCertificateAuthorities', body: { MaxResults: '10' },
    code: 'SerializationException', message: /'maxResults'/ },
  { name: 'non-integral number', op: 'ListCertificateAuthorities', body: { MaxResults: 1.5 },
    code: 'SerializationException', message: /'maxResults'/ },
  { name: 'integer beyond 32 bits', op: 'ListCertificateAuthorities', body: { MaxResults: 2 ** 31 },
    code: 'SerializationException', message: /'maxResults'/ },
  { name: 'string where object expected', op: 'CreateCertificateAuthority',
    body: { CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: { ...CA_CONFIG, Subject: 'CN=x' } },
    code: 'SerializationException', message: /'certificateAuthorityConfiguration\.subject'/ },
  { name: 'object where list expected', op: 'TagCertificateAuthority', body: { CertificateAuthorityArn: ARN, Tags: { Key: 'a' } },
    code: 'SerializationException', message: /'tags'/ },
  { name: 'string where boolean expected', op: 'UpdateCertificateAuthority',
    body: { CertificateAuthorityArn: ARN, RevocationConfiguration: { CrlConfiguration: { Enabled: 'true' } } },
    code: 'SerializationException', message: /'revocationConfiguration\.crlConfiguration\.enabled'/ },
  { name: 'number where string expected in list element', op: 'TagCertificateAuthority',
    body: { CertificateAuthorityArn: ARN, Tags: [{ Key: 'a' }, { Key: 7 }] }, code: 'SerializationException', message: /'tags\.2\.member\.key'/ },
  // blobs
  { name: 'blob is decoded', op: 'IssueCertificate', body: issue({ Csr: b64('hello') }),
    ok: (r) => { assert.ok(r.Csr instanceof Uint8Array); assert.equal(Buffer.from(r.Csr).toString(), 'hello'); } },
  { name: 'bad base64 (aws-cli file:// garbage)', op: 'IssueCertificate', body: issue({ Csr: 'BEGINCERTIFICATEREQUESTMIHb' }),
    code: 'SerializationException', message: /'csr'/ },
  { name: 'base64 without padding', op: 'IssueCertificate', body: issue({ Csr: 'aGVsbG8' }), code: 'SerializationException' },
  { name: 'base64 with whitespace', op: 'IssueCertificate', body: issue({ Csr: 'aGVs bG8=' }), code: 'SerializationException' },
  { name: 'base64 with misplaced padding', op: 'IssueCertificate', body: issue({ Csr: 'aG=sbG8=' }), code: 'SerializationException' },
  { name: 'blob given as number', op: 'ImportCertificateAuthorityCertificate', body: { CertificateAuthorityArn: ARN, Certificate: 5 },
    code: 'SerializationException', message: /'certificate'/ },
  // body-level
  { name: 'malformed JSON', op: 'ListCertificateAuthorities', body: '{"MaxResults":', code: 'SerializationException' },
  { name: 'top level array', op: 'ListCertificateAuthorities', body: '[]', code: 'SerializationException' },
  { name: 'top level string', op: 'ListCertificateAuthorities', body: '"x"', code: 'SerializationException' },
  { name: 'top level null', op: 'ListCertificateAuthorities', body: 'null', code: 'SerializationException' },
  { name: 'invalid UTF-8', op: 'ListCertificateAuthorities', body: new Uint8Array([0x7b, 0xff, 0x7d]), code: 'SerializationException' },
  { name: 'empty body is {}', op: 'ListCertificateAuthorities', body: '', ok: (r) => assert.deepEqual(r, {}) },
  { name: 'empty body is {} (then required fails)', op: 'GetPolicy', body: '', code: 'ValidationException',
    message: one('resourceArn', null, 'not be null') },
  { name: 'null is absent', op: 'ListCertificateAuthorities', body: { MaxResults: null, NextToken: null }, ok: (r) => assert.deepEqual(r, {}) },
  { name: 'null required member is missing', op: 'DescribeCertificateAuthority', body: { CertificateAuthorityArn: null },
    code: 'ValidationException', message: one('certificateAuthorityArn', null, 'not be null') },
  { name: 'unknown members are ignored and dropped', op: 'ListCertificateAuthorities',
    body: '{"Foo":"bar","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"MaxResults":5,"maxresults":"x"}',
    ok: (r) => {
      assert.deepEqual(r, { MaxResults: 5 });
      assert.equal(Object.getPrototypeOf(r), Object.prototype);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    } },
  { name: 'unknown nested members are dropped', op: 'CreateCertificateAuthority',
    body: createCa({ RevocationConfiguration: { CrlConfiguration: { Enabled: false, Foo: 'bar' } } }),
    ok: (r) => assert.deepEqual(r.RevocationConfiguration, { CrlConfiguration: { Enabled: false } }) },
  // several violations at once
  { name: 'several violations with count', op: 'CreateCertificateAuthority',
    body: createCa({ CertificateAuthorityType: 'X', IdempotencyToken: '', Tags: [{ Value: 'v' }] }, { Country: 'USA' }),
    code: 'ValidationException', count: 5, message: '5 validation errors detected: ' + [
      V('certificateAuthorityConfiguration.subject.country', 'USA', 'have length less than or equal to 2'),
      V('certificateAuthorityConfiguration.subject.country', 'USA', 'satisfy regular expression pattern: [A-Za-z]{2}'),
      V('certificateAuthorityType', 'X', 'satisfy enum value set: [ROOT, SUBORDINATE]'),
      V('idempotencyToken', '', 'have length greater than or equal to 1'),
      V('tags.1.member.key', null, 'not be null'),
    ].join('; ') },
];

for (const c of CASES) {
  test(c.name, () => {
    if (c.ok) {
      c.ok(run(c.op, c.body));
      return;
    }
    assert.throws(() => run(c.op, c.body), (err: unknown) => {
      assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
      assert.equal(err.code, c.code);
      assert.equal(err.status, 400);
      if (typeof c.message === 'string') assert.equal(err.message, c.message);
      else if (c.message) assert.match(err.message, c.message);
      if (c.count !== undefined) assert.equal(err.message.split('; Value ').length, c.count);
      return true;
    });
  });
}

test('the valid inputs decode to exactly the known members', () => {
  const r = run('CreateCertificateAuthority', createCa({ Tags: tags(2), IdempotencyToken: 'tok' }));
  assert.deepEqual(r, { ...createCa(), Tags: tags(2), IdempotencyToken: 'tok' });
});

test('many violations are counted exactly but listed only in part', () => {
  const body = { CertificateAuthorityArn: ARN, Tags: Array.from({ length: 5000 }, () => ({})) };
  assert.throws(() => run('TagCertificateAuthority', body), (err: ApiError) => {
    assert.match(err.message, /^5001 validation errors detected: /);
    assert.ok(err.message.length < 20_000, `message is ${err.message.length} chars`);
    return err.code === 'ValidationException';
  });
});

test('never throws anything but ApiError on junk', () => {
  const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);
  const junk: (string | Uint8Array)[] = [
    deep(100_000, '[', ']'), deep(100_000, '{"a":', '}'), '{"Tags":' + deep(50_000, '[', ']') + '}',
    '{"CertificateAuthorityConfiguration":' + deep(10_000, '{"Subject":', '}') + '}',
    JSON.stringify({ Tags: Array.from({ length: 200_000 }, (_, i) => i) }), '\u0000', '{"a":1e999}',
    '{"MaxResults":-0}', '{"MaxResults":1e308}', '{"Validity":{"Value":-1e308}}', new Uint8Array([0xef, 0xbb, 0xbf]),
    '{"__proto__":null,"constructor":null,"toString":1,"hasOwnProperty":1}', 'true', '12', '{}}', ' ',
  ];
  for (const op of OPERATION_NAMES) {
    for (const body of junk) {
      try {
        run(op, body);
      } catch (err) {
        assert.ok(err instanceof ApiError, `${op}: ${String(err)}`);
        assert.notEqual(err.code, 'InternalFailure', `${op}: ${err.message}`);
      }
    }
  }
});

test('every model pattern compiles (with the u flag) and is cached', () => {
  const patterns = Object.values(SHAPES).flatMap((s) => (s.pattern === undefined ? [] : [s.pattern]));
  assert.ok(patterns.length >= 15);
  for (const p of patterns) {
    const re = compilePattern(p);
    assert.ok(re.flags.includes('u'), `pattern ${p} compiled without u`);
    assert.equal(compilePattern(p), re);
  }
});

test('generated tables cover the model', () => {
  assert.equal(OPERATION_NAMES.length, 23);
  assert.equal(MODELLED_ERRORS.length, 19);
  assert.deepEqual(OPERATIONS.CreateCertificateAuthority.errors.length, 4);
  assert.equal(OPERATIONS.DeleteCertificateAuthority.output, null);
  assert.deepEqual(SHAPES.PermanentDeletionTimeInDays, { type: 'integer', min: 7, max: 30 });
});

test('codegen --check passes on the committed output', () => {
  const root = join(import.meta.dirname, '..', '..');
  const r = spawnSync(process.execPath, [join(root, 'scripts/codegen.ts'), '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `codegen --check failed: ${r.stderr}${r.stdout}`);
});

test('a decoded blob owns exactly its bytes (not a view on a shared decode pool)', () => {
  const csr = Buffer.alloc(1050, 7);
  const arn = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
  const body = Buffer.from(JSON.stringify({ CertificateAuthorityArn: arn, Csr: csr.toString('base64'), SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } }));
  const input = decodeAndValidate('IssueCertificate', body) as { Csr: Uint8Array };
  assert.deepEqual(Buffer.from(input.Csr), csr);
  assert.equal(input.Csr.byteOffset, 0);
  assert.equal(input.Csr.buffer.byteLength, csr.length);
});
