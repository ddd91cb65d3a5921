// Wire-level tests against the real server: framework errors, SigV4 failures, response shape, keep-alive, SDK v3 errors and fuzzing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeCertificateAuthorityCommand, ResourceNotFoundException } from '@aws-sdk/client-acm-pca';
import { CREDS, ROOT, rawRequest, sdkClient, startTestServer } from './helpers/server.ts';
import type { RawResponse, TestServer } from './helpers/server.ts';
import { signRequest } from '../src/protocol/sigv4.ts';
import { KeyAlgorithmValues, OPERATIONS, SHAPES } from '../src/contract/generated.ts';
import type { OperationName, ShapeName } from '../src/contract/generated.ts';

type RawOpts = Parameters<typeof rawRequest>[1];

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNKNOWN_ARN = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const MiB = 1024 * 1024;

let server: TestServer;

before(async () => {
  // debug level: the secret-leak check at the end then covers every log record the server can write.
  server = await startTestServer({ args: ['--log-level', 'debug'] });
});

after(async () => {
  await server?.stop();
});

// ---- helpers ----

function target(op: string): string {
  return `ACMPrivateCA.${op}`;
}

function call(op: string, body: unknown, extra: Partial<RawOpts> = {}): Promise<RawResponse> {
  return rawRequest(server, { target: target(op), body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), ...extra });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function headerValue(r: RawResponse, name: string): string | undefined {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** x-amzn-RequestId (UUID), a current Date and the JSON 1.1 content type: on every API answer. */
function assertCommonHeaders(r: RawResponse): void {
  const id = headerValue(r, 'x-amzn-requestid');
  assert.ok(id && UUID_RE.test(id), `x-amzn-RequestId should be a UUID, got ${String(id)}`);
  const date = headerValue(r, 'date');
  assert.ok(date, 'Date header missing');
  const t = Date.parse(date);
  assert.ok(Number.isFinite(t) && Math.abs(t - Date.now()) < 5 * 60_000, `Date header should be the current time, got ${date}`);
  assert.equal(headerValue(r, 'content-type'), CONTENT_TYPE);
}

function assertError(r: RawResponse, status: number, type: string, message?: string | RegExp): void {
  assert.equal(r.status, status, `HTTP status (body: ${r.text.slice(0, 500)})`);
  assert.ok(r.json, `error body should be JSON, got: ${r.text.slice(0, 200)}`);
  assert.equal(r.json.__type, type, `__type (body: ${r.text.slice(0, 500)})`);
  assert.equal(headerValue(r, 'x-amzn-errortype'), type, 'x-amzn-ErrorType must equal __type');
  assert.equal(typeof r.json.message, 'string');
  assert.ok((r.json.message as string).length > 0, 'message must not be empty');
  if (typeof message === 'string') assert.equal(r.json.message, message);
  else if (message) assert.match(r.json.message as string, message);
  assertCommonHeaders(r);
}

function createCaInput(overrides: { config?: Record<string, unknown>; subject?: Record<string, unknown>; top?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    CertificateAuthorityType: 'ROOT',
    CertificateAuthorityConfiguration: {
      KeyAlgorithm: 'EC_prime256v1',
      SigningAlgorithm: 'SHA256WITHECDSA',
      Subject: { CommonName: 'Wire Test Root', Organization: 'OpenPCA', ...(overrides.subject ?? {}) },
      ...(overrides.config ?? {}),
    },
    ...(overrides.top ?? {}),
  };
}

function tags(n: number): Array<{ Key: string; Value: string }> {
  return Array.from({ length: n }, (_, i) => ({ Key: `k${i + 1}`, Value: `v${i + 1}` }));
}

/** Headers signed by hand (another service name, another body), for requests rawRequest must send unchanged. */
function presigned(o: { target?: string; body: string; signedBody?: string; service?: string; date?: Date }): RawOpts {
  const signedBody = o.signedBody ?? o.body;
  const headers = signRequest({
    path: '/',
    headers: {
      Host: `127.0.0.1:${server.port}`, 'Content-Type': CONTENT_TYPE, 'Content-Length': String(Buffer.byteLength(o.body)),
      'X-Amz-Target': target(o.target ?? 'ListCertificateAuthorities'),
    },
    body: signedBody, credential: CREDS, region: 'us-east-1', date: o.date ?? new Date(),
    ...(o.service ? { service: o.service } : {}),
  });
  return { target: target(o.target ?? 'ListCertificateAuthorities'), body: o.body, headers, sign: false };
}

interface SentResponse extends RawResponse { socket: Socket }

/** A signed request through a given agent (keep-alive tests); resolves with the socket used. */
async function agentCall(agent: Agent, op: string, body: string | Buffer, path = '/'): Promise<SentResponse> {
  const r = await rawRequest(server, { agent, target: target(op), body, path, headers: { 'Content-Type': CONTENT_TYPE } });
  return { ...r, socket: r.socket! };
}

// ---- malformed requests: one table ----

interface ErrorCase { name: string; req: () => RawOpts; status: number; type: string; message?: string | RegExp }

const arnPattern = SHAPES.Arn.pattern!;
const token37 = 'x'.repeat(37);

const ERROR_CASES: ErrorCase[] = [
  // Model constraints → ValidationException.
  {
    name: 'missing required member', status: 400, type: 'ValidationException',
    req: () => ({ target: target('DescribeCertificateAuthority'), body: '{}' }),
    message: "1 validation error detected: Value null at 'certificateAuthorityArn' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'required member given as null', status: 400, type: 'ValidationException',
    req: () => ({ target: target('DescribeCertificateAuthority'), body: '{"CertificateAuthorityArn":null}' }),
    message: "1 validation error detected: Value null at 'certificateAuthorityArn' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'string too long (IdempotencyToken of 37 chars)', status: 400, type: 'ValidationException',
    req: () => ({ target: target('CreateCertificateAuthority'), body: JSON.stringify(createCaInput({ top: { IdempotencyToken: token37 } })) }),
    message: `1 validation error detected: Value '${token37}' at 'idempotencyToken' failed to satisfy constraint: Member must have length less than or equal to 36`,
  },
  {
    name: "string too short (Country 'U')", status: 400, type: 'ValidationException',
    req: () => ({ target: target('CreateCertificateAuthority'), body: JSON.stringify(createCaInput({ subject: { Country: 'U' } })) }),
    message: /^\d+ validation errors? detected: .*Value 'U' at 'certificateAuthorityConfiguration\.subject\.country' failed to satisfy constraint: Member must have length greater than or equal to 2/,
  },
  {
    name: 'integer below range (MaxResults 0)', status: 400, type: 'ValidationException',
    req: () => ({ target: target('ListCertificateAuthorities'), body: '{"MaxResults":0}' }),
    message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
  },
  {
    name: 'integer above range (MaxResults 1001)', status: 400, type: 'ValidationException',
    req: () => ({ target: target('ListCertificateAuthorities'), body: '{"MaxResults":1001}' }),
    message: "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
  },
  {
    name: 'integer below range (PermanentDeletionTimeInDays 6)', status: 400, type: 'ValidationException',
    req: () => ({ target: target('DeleteCertificateAuthority'), body: JSON.stringify({ CertificateAuthorityArn: UNKNOWN_ARN, PermanentDeletionTimeInDays: 6 }) }),
    message: "1 validation error detected: Value '6' at 'permanentDeletionTimeInDays' failed to satisfy constraint: Member must have value greater than or equal to 7",
  },
  {
    name: 'pattern (bad Arn)', status: 400, type: 'ValidationException',
    req: () => ({ target: target('DescribeCertificateAuthority'), body: '{"CertificateAuthorityArn":"not-an-arn"}' }),
    message: `1 validation error detected: Value 'not-an-arn' at 'certificateAuthorityArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${arnPattern}`,
  },
  {
    name: "enum (KeyAlgorithm 'RSA_1024')", status: 400, type: 'ValidationException',
    req: () => ({ target: target('CreateCertificateAuthority'), body: JSON.stringify(createCaInput({ config: { KeyAlgorithm: 'RSA_1024' } })) }),
    message: "1 validation error detected: Value 'RSA_1024' at 'certificateAuthorityConfiguration.keyAlgorithm' failed to satisfy constraint: "
      + `Member must satisfy enum value set: [${KeyAlgorithmValues.join(', ')}]`,
  },
  {
    name: 'list too long (51 Tags)', status: 400, type: 'ValidationException',
    req: () => ({ target: target('TagCertificateAuthority'), body: JSON.stringify({ CertificateAuthorityArn: UNKNOWN_ARN, Tags: tags(51) }) }),
    message: /^1 validation error detected: Value '.*' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/,
  },
  {
    name: 'list too short (0 Tags)', status: 400, type: 'ValidationException',
    req: () => ({ target: target('TagCertificateAuthority'), body: JSON.stringify({ CertificateAuthorityArn: UNKNOWN_ARN, Tags: [] }) }),
    message: "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
  },
  {
    name: 'missing member inside a list element', status: 400, type: 'ValidationException',
    req: () => ({ target: target('TagCertificateAuthority'), body: JSON.stringify({ CertificateAuthorityArn: UNKNOWN_ARN, Tags: [{ Key: 'a' }, { Value: 'b' }] }) }),
    message: "1 validation error detected: Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'several violations are all reported', status: 400, type: 'ValidationException',
    req: () => ({ target: target('CreateCertificateAuthority'), body: '{}' }),
    message: /^2 validation errors detected: Value null at 'certificateAuthorityConfiguration' failed to satisfy constraint: Member must not be null; Value null at 'certificateAuthorityType' failed to satisfy constraint: Member must not be null$/,
  },

  // Unparseable input → SerializationException.
  { name: 'bad JSON', status: 400, type: 'SerializationException', req: () => ({ body: '{"MaxResults": 5' }) },
  { name: 'JSON array at top level', status: 400, type: 'SerializationException', req: () => ({ body: '[{"MaxResults":5}]' }) },
  { name: 'JSON string at top level', status: 400, type: 'SerializationException', req: () => ({ body: '"hello"' }) },
  { name: 'JSON null at top level', status: 400, type: 'SerializationException', req: () => ({ body: 'null' }) },
  { name: 'body is not UTF-8', status: 400, type: 'SerializationException', req: () => ({ body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }) },
  { name: 'wrong JSON type (string for integer)', status: 400, type: 'SerializationException', req: () => ({ body: '{"MaxResults":"10"}' }) },
  { name: 'wrong JSON type (non-integral number)', status: 400, type: 'SerializationException', req: () => ({ body: '{"MaxResults":1.5}' }) },
  {
    name: 'wrong JSON type (string for structure)', status: 400, type: 'SerializationException',
    req: () => ({ target: target('CreateCertificateAuthority'), body: JSON.stringify(createCaInput({ config: { Subject: 'CN=x' } })) }),
  },
  {
    name: 'wrong JSON type (object for list)', status: 400, type: 'SerializationException',
    req: () => ({ target: target('TagCertificateAuthority'), body: JSON.stringify({ CertificateAuthorityArn: UNKNOWN_ARN, Tags: { Key: 'a' } }) }),
  },
  {
    name: 'wrong JSON type (number for string)', status: 400, type: 'SerializationException',
    req: () => ({ target: target('DescribeCertificateAuthority'), body: '{"CertificateAuthorityArn":42}' }),
  },
  {
    name: 'invalid base64 in a blob', status: 400, type: 'SerializationException',
    req: () => ({
      target: target('IssueCertificate'),
      body: JSON.stringify({ CertificateAuthorityArn: UNKNOWN_ARN, Csr: 'BEGINCERTIFICATEREQUEST!!', SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Value: 1, Type: 'DAYS' } }),
    }),
  },

  // Routing → UnknownOperationException.
  { name: 'unknown operation', status: 400, type: 'UnknownOperationException', req: () => ({ target: 'ACMPrivateCA.ListCertificates' }), message: /ACMPrivateCA\.ListCertificates/ },
  { name: 'target with the wrong prefix', status: 400, type: 'UnknownOperationException', req: () => ({ target: 'CertificateManager.ListCertificateAuthorities' }) },
  { name: 'target prefix in the wrong case', status: 400, type: 'UnknownOperationException', req: () => ({ target: 'acmprivateca.ListCertificateAuthorities' }) },
  { name: 'target naming an Object.prototype member', status: 400, type: 'UnknownOperationException', req: () => ({ target: 'ACMPrivateCA.__proto__' }) },
  { name: 'target naming toString', status: 400, type: 'UnknownOperationException', req: () => ({ target: 'ACMPrivateCA.toString' }) },
  { name: 'missing target', status: 400, type: 'UnknownOperationException', req: () => ({ target: null }) },

  // SigV4.
  { name: 'missing Authorization', status: 400, type: 'MissingAuthenticationTokenException', req: () => ({ sign: false }) },
  {
    name: 'garbled Authorization (no key=value parts)', status: 400, type: 'IncompleteSignatureException',
    req: () => ({ sign: false, headers: { Authorization: 'AWS4-HMAC-SHA256 garbage', 'X-Amz-Date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '') } }),
  },
  {
    name: 'garbled Authorization (unknown algorithm)', status: 400, type: 'IncompleteSignatureException',
    req: () => ({ sign: false, headers: { Authorization: 'Bearer abc.def.ghi' } }),
  },
  {
    name: 'wrong secret', status: 400, type: 'InvalidSignatureException',
    req: () => ({ creds: { accessKeyId: CREDS.accessKeyId, secretAccessKey: 'not/the/right/secret/at/all/0000000000' } }),
    message: /signature we calculated does not match/,
  },
  {
    name: 'request date 20 minutes old', status: 400, type: 'InvalidSignatureException',
    req: () => ({ date: new Date(Date.now() - 20 * 60_000) }), message: /Signature expired/,
  },
  {
    name: 'request date 20 minutes in the future', status: 400, type: 'InvalidSignatureException',
    req: () => ({ date: new Date(Date.now() + 20 * 60_000) }), message: /Signature not yet current/,
  },
  {
    name: 'wrong service in the credential scope', status: 400, type: 'InvalidSignatureException',
    req: () => presigned({ body: '{}', service: 'acm' }), message: /acm-pca/,
  },
  {
    name: 'unknown access key', status: 400, type: 'UnrecognizedClientException',
    req: () => ({ creds: { accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: CREDS.secretAccessKey } }),
  },
  {
    name: 'body tampered with after signing', status: 400, type: 'InvalidSignatureException',
    req: () => presigned({ signedBody: '{"MaxResults":10}', body: '{"MaxResults":99}' }),
  },
];

for (const c of ERROR_CASES) {
  test(`malformed request: ${c.name} → ${c.status} ${c.type}`, async () => {
    const r = await withTimeout(rawRequest(server, c.req()), 10_000, c.name);
    assertError(r, c.status, c.type, c.message);
  });
}

// ---- lenient input that must succeed ----

test('zero-length body is treated as {}', async () => {
  const r = await call('ListCertificateAuthorities', '');
  assert.equal(r.status, 200, r.text);
  assertCommonHeaders(r);
  assert.ok(Array.isArray(r.json?.CertificateAuthorities));
});

test('null members are treated as absent', async () => {
  const r = await call('ListCertificateAuthorities', '{"MaxResults":null,"NextToken":null,"ResourceOwner":null}');
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json?.CertificateAuthorities));
});

test('unknown members are ignored', async () => {
  const r = await call('ListCertificateAuthorities', '{"MaxResults":5,"Foo":"bar","Nested":{"x":[1,2,{}]},"__proto__":{"polluted":true}}');
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json?.CertificateAuthorities));
});

test('application/json and an empty Content-Type are accepted', async () => {
  const a = await rawRequest(server, { headers: { 'Content-Type': 'application/json' } });
  assert.equal(a.status, 200, a.text);
  const b = await rawRequest(server, { headers: { 'Content-Type': '' } });
  assert.equal(b.status, 200, b.text);
});

// ---- body size ----

test('a 7 MiB body is refused with a 4xx SerializationException, without hanging, and the socket stays usable', async () => {
  const big = Buffer.alloc(7 * MiB, 0x20);
  big[0] = 0x7b; // '{'
  big[big.length - 1] = 0x7d; // '}'
  const r = await withTimeout(rawRequest(server, { body: big }), 30_000, '7 MiB request');
  assert.ok(r.status >= 400 && r.status < 500, `expected a 4xx, got ${r.status}`);
  assertError(r, r.status, 'SerializationException');

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await withTimeout(agentCall(agent, 'ListCertificateAuthorities', big), 30_000, '7 MiB request (keep-alive)');
    assert.ok(first.status >= 400 && first.status < 500, `expected a 4xx, got ${first.status}`);
    assert.equal(first.json?.__type, 'SerializationException');
    const second = await withTimeout(agentCall(agent, 'ListCertificateAuthorities', '{}'), 10_000, 'request after the 7 MiB one');
    assert.equal(second.status, 200, second.text);
  } finally {
    agent.destroy();
  }
});

test('a 30 MiB body is refused at once with 413 and Connection: close (the client still gets the answer)', async () => {
  const big = Buffer.alloc(30 * MiB, 0x20);
  const r = await withTimeout(new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/', agent: false, headers: {
      'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'ACMPrivateCA.ListCertificateAuthorities', 'Content-Length': String(big.length),
    } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e); });
    req.end(big);
  }), 30_000, '30 MiB request');
  assert.equal(r.status, 413);
  assert.equal(r.headers.connection, 'close');
  assert.equal((JSON.parse(r.text) as { __type: string }).__type, 'SerializationException');
  assert.equal((await rawRequest(server, { target: 'ACMPrivateCA.ListCertificateAuthorities' })).status, 200, 'server still healthy');
});

test('a body just under the limit (3 MiB of whitespace) is read and answered normally', async () => {
  const body = Buffer.alloc(3 * MiB, 0x20);
  body.write('{"MaxResults":5}', 0);
  const r = await withTimeout(rawRequest(server, { body }), 30_000, '3 MiB request');
  assert.equal(r.status, 200, r.text.slice(0, 300));
});

// ---- operations not built yet ----

const VALID_INPUTS: Record<string, Record<string, unknown>> = {
  CreateCertificateAuthorityAuditReport: { CertificateAuthorityArn: UNKNOWN_ARN, S3BucketName: 'my-audit-bucket', AuditReportResponseFormat: 'JSON' },
  CreatePermission: { CertificateAuthorityArn: UNKNOWN_ARN, Principal: 'acm.amazonaws.com', Actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'] },
  DeletePermission: { CertificateAuthorityArn: UNKNOWN_ARN, Principal: 'acm.amazonaws.com' },
  DeletePolicy: { ResourceArn: UNKNOWN_ARN },
  DescribeCertificateAuthorityAuditReport: { CertificateAuthorityArn: UNKNOWN_ARN, AuditReportId: '0123abcd-0123-4567-89ab-0123456789ab' },
  GetCertificate: { CertificateAuthorityArn: UNKNOWN_ARN, CertificateArn: `${UNKNOWN_ARN}/certificate/0123456789abcdef0123456789abcdef` },
  GetCertificateAuthorityCertificate: { CertificateAuthorityArn: UNKNOWN_ARN },
  GetPolicy: { ResourceArn: UNKNOWN_ARN },
  ImportCertificateAuthorityCertificate: {
    CertificateAuthorityArn: UNKNOWN_ARN,
    Certificate: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64'),
  },
  IssueCertificate: {
    CertificateAuthorityArn: UNKNOWN_ARN,
    Csr: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n').toString('base64'),
    SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Value: 365, Type: 'DAYS' },
  },
  ListPermissions: { CertificateAuthorityArn: UNKNOWN_ARN },
  PutPolicy: { ResourceArn: UNKNOWN_ARN, Policy: '{"Version":"2012-10-17","Statement":[]}' },
  RevokeCertificate: { CertificateAuthorityArn: UNKNOWN_ARN, CertificateSerial: '3a:1b:2c', RevocationReason: 'KEY_COMPROMISE' },
};

const NOT_IMPLEMENTED = [...readFileSync(join(ROOT, 'src/operations/index.ts'), 'utf8').matchAll(/notImplemented\('(\w+)'\)/g)].map((m) => m[1]!);

test('every operation still marked notImplemented has a valid input in this file', () => {
  assert.ok(NOT_IMPLEMENTED.length > 0);
  for (const op of NOT_IMPLEMENTED) {
    assert.ok(Object.hasOwn(OPERATIONS, op), `${op} is not a model operation`);
    assert.ok(Object.hasOwn(VALID_INPUTS, op), `no valid input for ${op} in VALID_INPUTS`);
  }
});

for (const op of NOT_IMPLEMENTED) {
  test(`not implemented yet: ${op} with a valid input → 400 naming the operation`, async () => {
    const r = await call(op, VALID_INPUTS[op] ?? {});
    assert.ok(r.status < 500, `never 5xx; got ${r.status}: ${r.text}`);
    assert.equal(r.status, 400, r.text);
    assert.equal(typeof r.json?.__type, 'string');
    assertError(r, 400, r.json!.__type as string);
    assert.match(r.json!.message as string, new RegExp(`\\b${op}\\b`));
  });
}

// ---- successful responses ----

test('success responses: JSON 1.1 content type, request id, Date, epoch-number timestamps, no nulls', async () => {
  const created = await call('CreateCertificateAuthority', createCaInput({ top: { IdempotencyToken: 'wire-success-1' } }));
  assert.equal(created.status, 200, created.text);
  assertCommonHeaders(created);
  assert.equal(headerValue(created, 'x-amzn-errortype'), undefined);
  const arn = created.json?.CertificateAuthorityArn;
  assert.equal(typeof arn, 'string');

  const a = await call('DescribeCertificateAuthority', { CertificateAuthorityArn: arn });
  const b = await call('DescribeCertificateAuthority', { CertificateAuthorityArn: arn });
  for (const r of [a, b]) {
    assert.equal(r.status, 200, r.text);
    assertCommonHeaders(r);
    assert.equal(headerValue(r, 'content-length'), String(Buffer.byteLength(r.text)));
    assert.doesNotMatch(r.text, /:null\b/, 'no null members');
    const ca = r.json?.CertificateAuthority as Record<string, unknown>;
    assert.equal(ca.Arn, arn);
    assert.equal(typeof ca.CreatedAt, 'number', `CreatedAt should be a JSON number: ${r.text}`);
    assert.ok(Math.abs((ca.CreatedAt as number) * 1000 - Date.now()) < 10 * 60_000, 'CreatedAt is epoch seconds');
    assert.equal(typeof ca.LastStateChangeAt, 'number');
    assert.match(r.text, /"CreatedAt":\d/);
  }
  assert.notEqual(headerValue(a, 'x-amzn-requestid'), headerValue(b, 'x-amzn-requestid'), 'one request id per request');
});

test('GET /healthz → 200', async () => {
  const r = await rawRequest(server, { method: 'GET', path: '/healthz', target: null, sign: false, body: '' });
  assert.equal(r.status, 200, r.text);
});

test('POST to a path prefix (/pca), signed with that path, works', async () => {
  const r = await rawRequest(server, { path: '/pca', target: target('ListCertificateAuthorities'), body: '{}' });
  assert.equal(r.status, 200, r.text);
  assertCommonHeaders(r);
  assert.ok(Array.isArray(r.json?.CertificateAuthorities));
  // The path takes part in the signature: signed for '/', sent to '/pca' → mismatch.
  const wrong = presigned({ body: '{}' });
  const mismatch = await rawRequest(server, { ...wrong, path: '/pca' });
  assertError(mismatch, 400, 'InvalidSignatureException');
});

test('keep-alive: 20 sequential signed requests over one socket', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  try {
    for (let i = 0; i < 20; i++) {
      const r = await withTimeout(agentCall(agent, i % 2 ? 'ListCertificateAuthorities' : 'DescribeCertificateAuthority', i % 2 ? '{"MaxResults":3}' : JSON.stringify({ CertificateAuthorityArn: UNKNOWN_ARN })), 10_000, `request ${i}`);
      if (i % 2) assert.equal(r.status, 200, r.text);
      else assertError(r, 400, 'ResourceNotFoundException');
      sockets.add(r.socket);
    }
  } finally {
    agent.destroy();
  }
  assert.equal(sockets.size, 1, 'all requests should reuse one socket');
});

// ---- SDK v3 ----

test('SDK v3: unknown well-formed ARN → typed ResourceNotFoundException with HTTP 400', async () => {
  const client = sdkClient(server);
  try {
    await assert.rejects(client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: UNKNOWN_ARN })), (err: unknown) => {
      assert.ok(err instanceof ResourceNotFoundException, `expected ResourceNotFoundException, got ${String(err)}`);
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.$metadata.requestId && UUID_RE.test(err.$metadata.requestId));
      assert.ok(err.message.length > 0);
      return true;
    });
  } finally {
    client.destroy();
  }
});

test('SDK v3: malformed ARN → ValidationException', async () => {
  const client = sdkClient(server);
  try {
    await assert.rejects(client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: 'arn:nope' })), (err: unknown) => {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.$metadata?.httpStatusCode, 400);
      assert.match(e.message ?? '', /certificateAuthorityArn/);
      return true;
    });
  } finally {
    client.destroy();
  }
});

// ---- fuzzing ----

/** Small deterministic PRNG so a failing fuzz case can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUZZ_SEED = Number(process.env.WIRE_FUZZ_SEED ?? 0x5eed1);

test(`fuzz: ~300 junk bodies never yield a 5xx or a dropped connection (seed ${FUZZ_SEED})`, async (t) => {
  const rnd = mulberry32(FUZZ_SEED);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;

  // A real CA, so that handlers get past the lookup for some inputs.
  const created = await call('CreateCertificateAuthority', createCaInput({ top: { IdempotencyToken: 'wire-fuzz-ca' } }));
  assert.equal(created.status, 200, created.text);
  const realArn = created.json!.CertificateAuthorityArn as string;

  const ops = Object.keys(OPERATIONS) as OperationName[];
  const arns = [
    realArn, UNKNOWN_ARN, `${realArn}/certificate/abc`, realArn.replace('us-east-1', 'eu-west-1'), realArn.replace('123456789012', '210987654321'),
    realArn.replace('arn:aws:', 'arn:aws-cn:'), 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/', 'arn:aws:acm-pca:::x',
    'arn:a:acm-pca:us-east-1:1:certificate-authority/a/b/c', `arn:aws:acm-pca:us-east-1:123456789012:${'a'.repeat(300)}`,
  ];
  const weird = ['\u0000', '\ud800', '\udfff', '😀', '中文', 'é', '\u202e', '\t', '\n', '"', '\\', '*', '/', ' ', '=', 'x', 'A', '9', '%00', '${x}', '<script>'];
  const randString = (maxLen: number): string => {
    const n = pick([0, 1, 2, 3, 5, 36, 37, 64, 65, 128, 129, 200, 257, int(maxLen + 1)]);
    let s = '';
    for (let i = 0; i < n; i++) s += rnd() < 0.7 ? String.fromCharCode(0x20 + int(95)) : pick(weird);
    return s;
  };
  const numbers = [0, -1, 1, 7, 30, 1000, 1001, 1.5, -0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, 1e308, -1e308, 5e-324];
  const junk = (depth: number): unknown => {
    switch (int(10)) {
      case 0: return null;
      case 1: return rnd() < 0.5;
      case 2: return pick(numbers);
      case 3: return randString(300);
      case 4: return depth > 3 ? [] : Array.from({ length: int(4) }, () => junk(depth + 1));
      case 5: return depth > 3 ? {} : Object.fromEntries(Array.from({ length: int(4) }, () => [randString(10), junk(depth + 1)]));
      case 6: { let v: unknown = 1; for (let i = 0, n = int(2000); i < n; i++) v = rnd() < 0.5 ? [v] : { a: v }; return v; }
      case 7: return 'x'.repeat(pick([100_000, 40_000, 5000]));
      case 8: return { __proto__: null, constructor: 'x', toString: 1 };
      default: return '';
    }
  };
  // Values that satisfy the model's patterns, for the "clean" inputs that should reach the handlers.
  const cleanStrings: Partial<Record<ShapeName, readonly string[]>> = {
    CountryCodeString: ['US', 'de'], CustomObjectIdentifier: ['1.2.3.4', '2.5.29.32'], AccountId: ['123456789012', '210987654321'],
    AuditReportId: ['0123abcd-0123-4567-89ab-0123456789ab'], Base64String1To4096: ['AAAA', 'MAA='], TagKey: ['env', 'team', 'é'],
    TagValue: ['', 'prod', 'a b'], CnameString: ['crl.example.com', ''], CrlPathString: ['/', 'crl/path'], S3BucketName3To255: ['my-bucket'],
    S3BucketName: ['my-bucket'], AWSPolicy: ['{}'], Principal: ['acm.amazonaws.com'], ASN1PrintableString64: ['abc', ''],
    KeyAlgorithm: ['EC_prime256v1', 'EC_secp384r1'], IdempotencyToken: ['tok-1', 'tok-2'],
  };
  const gen = (shape: ShapeName, depth: number, clean = false): unknown => {
    if (!clean && rnd() < 0.08) return junk(depth);
    const s = SHAPES[shape];
    if (clean) {
      switch (s.type) {
        case 'structure': {
          const out: Record<string, unknown> = {};
          for (const [name, m] of Object.entries(s.members ?? {})) if (depth < 6 && (m.required || rnd() < 0.35)) out[name] = gen(m.shape, depth + 1, true);
          return out;
        }
        case 'list': {
          const min = s.min ?? 0;
          const n = min + int(Math.min(s.max ?? 3, 3) - min + 1);
          return Array.from({ length: n }, () => gen(s.member as ShapeName, depth + 1, true));
        }
        case 'string': {
          if (shape === 'Arn') return pick(arns.slice(0, 3));
          const fixed = cleanStrings[shape];
          if (fixed) return pick(fixed);
          if (s.enum) return pick(s.enum);
          const len = (s.min ?? 0) + int(Math.min(s.max ?? 20, 20) - (s.min ?? 0) + 1);
          return Array.from({ length: len }, () => String.fromCharCode(0x61 + int(26))).join('');
        }
        case 'integer':
        case 'long': {
          const min = s.min ?? 1;
          return min + int(Math.min(s.max ?? min + 100, min + 100) - min + 1);
        }
        case 'boolean': return rnd() < 0.5;
        case 'blob': return Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
        case 'timestamp': return Math.floor(Date.now() / 1000);
      }
    }
    switch (s.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        if (depth > 6) return out;
        for (const [name, m] of Object.entries(s.members ?? {})) {
          if (rnd() < (m.required ? 0.9 : 0.35)) out[name] = gen(m.shape, depth + 1);
        }
        if (rnd() < 0.1) out[randString(12) || 'Extra'] = junk(depth + 1);
        return out;
      }
      case 'list': {
        const n = Math.min(pick([0, 1, 1, 2, 3, (s.max ?? 3) + 1, s.min ?? 0]), 200);
        return Array.from({ length: n }, () => (rnd() < 0.03 ? null : gen(s.member as ShapeName, depth + 1)));
      }
      case 'string':
        if (shape === 'Arn') return rnd() < 0.85 ? pick(arns) : randString(250);
        if (shape === 'KeyAlgorithm' && rnd() < 0.8) return pick(['EC_prime256v1', 'RSA_1024', 'EC_secp384r1']);
        if (s.enum && rnd() < 0.85) return pick(s.enum);
        if (shape === 'NextToken' && rnd() < 0.5) return `${randString(40)}.${randString(32)}`;
        return randString((s.max ?? 300) + 2);
      case 'integer':
      case 'long':
        return rnd() < 0.5 ? pick([s.min ?? 0, s.max ?? 0, (s.min ?? 0) - 1, (s.max ?? 0) + 1]) : pick(numbers);
      case 'boolean':
        return rnd() < 0.5;
      case 'blob':
        return pick([
          Buffer.from(Array.from({ length: pick([0, 1, 3, 100, 2000]) }, () => int(256))).toString('base64'),
          Buffer.alloc(33_000, 7).toString('base64'), 'not base64!', 'abc', '====', 'YQ', 'YQ=', 'LS0tLS1CRUdJTi==',
          Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n').toString('base64'),
        ]);
      case 'timestamp':
        return pick(numbers);
    }
  };
  const hugeNumbers = ['1e999', '-1e999', '123456789012345678901234567890', '-0', '0.0000001', '1E2', '9007199254740993', '2147483648', '-2147483649', '1' + '0'.repeat(400)];
  const rawTexts = [
    '', ' ', '\n', '{}', '1', '"str"', 'null', 'true', '[]', '[{}]', '\ufeff{}', '{}garbage', '{"a":1,}', '{"MaxResults":1}{"MaxResults":2}',
    '{"MaxResults":NaN}', '{"MaxResults":Infinity}', "{'MaxResults':1}", '{"MaxResults":0x10}', '{"MaxResults":+1}', '{"MaxResults":01}',
    '{"__proto__":{"MaxResults":1}}', '{"constructor":{"prototype":{}}}', '{"MaxResults":1,"MaxResults":"x"}', '\u0000', '{"\ud800":1}',
  ];
  const targets = [...ops.map(target), 'ACMPrivateCA.', 'ACMPrivateCA', '', 'ACMPrivateCA.constructor', 'ACMPrivateCA.hasOwnProperty', 'ACMPrivateCA.listCertificateAuthorities', ' ACMPrivateCA.ListTags'];

  const failures: string[] = [];
  const outcomes = new Map<string, number>();
  const N = 300;
  for (let i = 0; i < N; i++) {
    const op = pick(ops);
    const inputShape = OPERATIONS[op].input as ShapeName;
    let body: string | Buffer;
    const kind = int(100);
    if (kind < 25) {
      body = JSON.stringify(gen(inputShape, 0, true)) ?? '{}';
    } else if (kind < 55) {
      body = JSON.stringify(gen(inputShape, 0)) ?? '{}';
    } else if (kind < 65) {
      body = Buffer.from(Array.from({ length: int(2000) }, () => int(256)));
    } else if (kind < 72) {
      const n = pick([1000, 10_000, 100_000]);
      body = pick([
        '['.repeat(n) + ']'.repeat(n),
        '{"a":'.repeat(n) + '1' + '}'.repeat(n),
        `{"CertificateAuthorityConfiguration":${'{"Subject":'.repeat(n)}{}${'}'.repeat(n)},"CertificateAuthorityType":"ROOT"}`,
        `{"Tags":${'['.repeat(n)}${']'.repeat(n)},"CertificateAuthorityArn":"${UNKNOWN_ARN}"}`,
        '['.repeat(n), '{"a":'.repeat(n),
      ]);
    } else if (kind < 82) {
      const member = pick(['MaxResults', 'PermanentDeletionTimeInDays', 'Validity', 'CreatedAt', 'CertificateAuthorityArn', 'Tags']);
      const num = pick(hugeNumbers);
      body = member === 'Validity' ? `{"Validity":{"Value":${num},"Type":"DAYS"},"CertificateAuthorityArn":"${UNKNOWN_ARN}"}` : `{"${member}":${num}}`;
    } else if (kind < 90) {
      body = pick(rawTexts);
    } else {
      // A valid-looking body, cut short or with one byte flipped.
      const text = Buffer.from(JSON.stringify(gen(inputShape, 0)) ?? '{}');
      if (rnd() < 0.5) body = text.subarray(0, int(text.length));
      else { const b = Buffer.from(text); if (b.length > 0) b[int(b.length)] = int(256); body = b; }
    }
    const opts: RawOpts = { target: rnd() < 0.9 ? target(op) : pick(targets), body };
    const authKind = int(100);
    if (authKind < 3) opts.sign = false;
    else if (authKind < 5) { opts.sign = false; opts.headers = { Authorization: `AWS4-HMAC-SHA256 ${randString(80)}`.replace(/[^\x20-\x7e]/g, '?') }; }
    const label = `#${i} ${String(opts.target)} body=${JSON.stringify(Buffer.from(body).toString('utf8').slice(0, 160))}`;
    let r: RawResponse;
    try {
      r = await withTimeout(rawRequest(server, opts), 15_000, label);
    } catch (e) {
      failures.push(`${label}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const outcome = r.status === 200 ? '200' : `${r.status} ${String(r.json?.__type)}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (r.status >= 500 || r.status < 200) { failures.push(`${label}: HTTP ${r.status} ${r.text.slice(0, 300)}`); continue; }
    if (r.status !== 200) {
      const type = r.json?.__type;
      const problems: string[] = [];
      if (r.status >= 300 && r.status !== 400 && r.status !== 413) problems.push(`unexpected status ${r.status}`);
      if (typeof type !== 'string' || type.length === 0) problems.push('no __type');
      else if (headerValue(r, 'x-amzn-errortype') !== type) problems.push(`x-amzn-ErrorType ${String(headerValue(r, 'x-amzn-errortype'))} != __type ${type}`);
      if (typeof r.json?.message !== 'string' || (r.json.message as string).length === 0) problems.push('no message');
      if (!UUID_RE.test(headerValue(r, 'x-amzn-requestid') ?? '')) problems.push('no request id');
      if (problems.length > 0) failures.push(`${label}: ${problems.join(', ')}: ${r.text.slice(0, 300)}`);
    } else if (!r.json) {
      failures.push(`${label}: 200 without a JSON body: ${r.text.slice(0, 200)}`);
    }
  }
  t.diagnostic(`outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  assert.deepEqual(failures, [], `${failures.length} of ${N} fuzz requests misbehaved:\n${failures.slice(0, 20).join('\n')}`);

  const health = await rawRequest(server, { method: 'GET', path: '/healthz', target: null, sign: false, body: '' });
  assert.equal(health.status, 200, 'server still healthy after the fuzz run');
  const list = await call('ListCertificateAuthorities', '{}');
  assert.equal(list.status, 200, list.text);

  const bad = server.logs.filter((line) => {
    try {
      const rec = JSON.parse(line) as { msg?: string };
      return rec.msg === 'internal failure' || rec.msg === 'unhandled error while answering';
    } catch {
      return false;
    }
  });
  assert.deepEqual(bad, [], 'the server logged internal failures');
  assert.equal(server.proc.exitCode, null, 'server process still running');
});

// ---- logs ----

test('the secret access key never appears in the server logs', async () => {
  // Make sure there are fresh records from successful and failed signed requests first.
  await call('ListCertificateAuthorities', '{}');
  await rawRequest(server, { creds: { accessKeyId: CREDS.accessKeyId, secretAccessKey: 'wrong-secret' } });
  assert.ok(server.logs.length > 10, 'the server should have logged requests');
  const all = server.logs.join('\n');
  assert.ok(all.includes('"msg":"request"'), 'request records are logged');
  assert.equal(all.includes(CREDS.secretAccessKey), false, 'secret access key found in stdout logs');
  assert.equal(all.includes(JSON.stringify(CREDS.secretAccessKey).slice(1, -1)), false, 'escaped secret access key found in stdout logs');
  assert.equal(server.stderr.join('').includes(CREDS.secretAccessKey), false, 'secret access key found on stderr');
});
