// Tests for SigV4 verification and signing: WIRE.md §6.5 vectors, every §6.4 failure branch in order, round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../contract/errors.ts';
import type { ErrorCode } from '../contract/errors.ts';
import {
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  computeSignature,
  sha256Hex,
  signRequest,
  stringToSign,
  verifySigV4,
} from './sigv4.ts';
import type { Credential, SignedRequest, VerifyOptions } from './sigv4.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const CRED: Credential = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: SECRET,
  accountId: '123456789012',
  principal: 'arn:aws:iam::123456789012:user/example',
};
const TEMP_CRED: Credential = {
  accessKeyId: 'ASIATEMPEXAMPLE',
  secretAccessKey: 'tempSecretKeyExample0123456789',
  accountId: '123456789012',
  sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
};
const KEYS = new Map([CRED, TEMP_CRED].map((c) => [c.accessKeyId, c]));
const lookup = (id: string): Credential | undefined => KEYS.get(id);

// --- WIRE.md §6.5 vector 1: aws-cli v2.9.19 -----------------------------------------------------
const V1_BODY =
  '{"CertificateAuthorityConfiguration": {"KeyAlgorithm": "EC_prime256v1", "SigningAlgorithm": "SHA256WITHECDSA", ' +
  '"Subject": {"CommonName": "Example Root CA", "Organization": "Example Corp", "Country": "US"}}, ' +
  '"CertificateAuthorityType": "ROOT", "IdempotencyToken": "7e3f1c2a"}';
const V1_SIG = '2dee9bb261c232af6dc56e1f39881da5a0012a841e435f8a7cf6730b90992bc5';
const V1_AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/acm-pca/aws4_request, ' +
  `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${V1_SIG}`;
const V1_RAW: Array<[string, string]> = [
  ['Host', '127.0.0.1:8765'],
  ['Accept-Encoding', 'identity'],
  ['X-Amz-Target', 'ACMPrivateCA.CreateCertificateAuthority'],
  ['Content-Type', 'application/x-amz-json-1.1'],
  [
    'User-Agent',
    'aws-cli/2.9.19 Python/3.11.2 Linux/6.18.44-fc-v769 source/x86_64.debian.12 prompt/off command/acm-pca.create-certificate-authority',
  ],
  ['X-Amz-Date', '20261122T171657Z'],
  ['Authorization', V1_AUTH],
  ['Content-Length', '274'],
];
const V1_NOW = new Date('2026-11-22T17:17:00Z');
const V1_CANONICAL = [
  'POST',
  '/',
  '',
  'content-type:application/x-amz-json-1.1',
  'host:127.0.0.1:8765',
  'x-amz-date:20261122T171657Z',
  'x-amz-target:ACMPrivateCA.CreateCertificateAuthority',
  '',
  'content-type;host;x-amz-date;x-amz-target',
  'c9dd0b951155e9255ed173db0b0360bf2b0428685ff7564f4e1ed901943e46b4',
].join('\n');
const V1_STS = [
  'AWS4-HMAC-SHA256',
  '20261122T171657Z',
  '20261122/us-east-1/acm-pca/aws4_request',
  '10cb26c6d1f0b237ae9bb3b9cf884a1ed1cdd0672c990b2379c3c1335f2901af',
].join('\n');

// --- WIRE.md §6.5 vector 2: SDK v3 3.523.0 -------------------------------------------------------
const V2_BODY =
  '{"CertificateAuthorityType":"ROOT","CertificateAuthorityConfiguration":{"KeyAlgorithm":"EC_prime256v1",' +
  '"SigningAlgorithm":"SHA256WITHECDSA","Subject":{"CommonName":"x"}}}';
const V2_RAW: Array<[string, string]> = [
  ['content-type', 'application/x-amz-json-1.1'],
  ['x-amz-target', 'ACMPrivateCA.CreateCertificateAuthority'],
  ['content-length', '170'],
  ['host', '127.0.0.1:8765'],
  ['x-amz-user-agent', 'aws-sdk-js/3.523.0'],
  [
    'user-agent',
    'aws-sdk-js/3.523.0 ua/2.0 os/linux#6.18.44-fc-v769 lang/js md/nodejs#20.20.2 api/acm-pca#3.523.0',
  ],
  ['amz-sdk-invocation-id', 'da78b5f4-140f-46db-b5d7-c5800f3c2f13'],
  ['amz-sdk-request', 'attempt=1; max=3'],
  ['x-amz-date', '20261122T171342Z'],
  ['x-amz-content-sha256', '968886c5f7c1a2100fbad783dcaa857c0931b493372895f3c49467a8b1f760f2'],
  [
    'authorization',
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/acm-pca/aws4_request, ' +
      'SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;' +
      'x-amz-date;x-amz-target;x-amz-user-agent, Signature=fb5238c2977be89d6d566cc32c036100c14d9c8125e4c4fe830233e478be2d45',
  ],
  ['Connection', 'keep-alive'],
];
const V2_NOW = new Date('2026-11-22T17:14:00Z');

/** A request shaped like Node's IncomingMessage (headers + rawHeaders) from raw name/value pairs. */
function nodeRequest(pairs: ReadonlyArray<readonly [string, string]>, body: string | Uint8Array, path = '/'): SignedRequest {
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const prev = headers[key];
    headers[key] = prev === undefined ? value : `${String(prev)}, ${value}`;
  }
  return {
    method: 'POST',
    path,
    headers,
    rawHeaders: pairs.flatMap(([n, v]) => [n, v]),
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

/** Vector 1 with some headers replaced (matched case-insensitively) or removed (value undefined). */
function v1With(changes: Record<string, string | undefined>, body: string = V1_BODY): SignedRequest {
  const lower = new Map(Object.entries(changes).map(([k, v]) => [k.toLowerCase(), v]));
  const pairs: Array<[string, string]> = [];
  for (const [n, v] of V1_RAW) {
    if (!lower.has(n.toLowerCase())) pairs.push([n, v]);
    else {
      const nv = lower.get(n.toLowerCase());
      if (nv !== undefined) pairs.push([n, nv]);
      lower.delete(n.toLowerCase());
    }
  }
  for (const [n, v] of lower) if (v !== undefined) pairs.push([n, v]);
  return nodeRequest(pairs, body);
}

function v1Auth(credential: string, signedHeaders: string, signature = V1_SIG): string {
  return `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

const V1_SIGNED = 'content-type;host;x-amz-date;x-amz-target';
const V1_CREDENTIAL = 'AKIDEXAMPLE/20261122/us-east-1/acm-pca/aws4_request';

function opts(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { now: V1_NOW, lookup, ...extra };
}

function expectError(fn: () => unknown, code: ErrorCode, message?: string | RegExp): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ApiError, `expected ApiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  assert.ok(!caught.message.includes(SECRET));
  return caught;
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
  'and signing method. Consult the service documentation for details.';
const BAD_TOKEN = 'The security token included in the request is invalid.';

// ------------------------------------------------------------------------------------------------

test('vector 1 (aws-cli v2): canonical request and string to sign match exactly', () => {
  assert.equal(Buffer.byteLength(V1_BODY), 274);
  const creq = canonicalRequest({
    method: 'POST',
    path: '/',
    headers: V1_RAW,
    signedHeaders: V1_SIGNED.split(';'),
    payloadHash: sha256Hex(V1_BODY),
  });
  assert.equal(creq, V1_CANONICAL);
  assert.equal(stringToSign('20261122T171657Z', '20261122/us-east-1/acm-pca/aws4_request', creq), V1_STS);
});

test('vector 1 (aws-cli v2) verifies, via rawHeaders and via headers only', () => {
  const req = nodeRequest(V1_RAW, V1_BODY);
  assert.deepEqual(verifySigV4(req, opts()), {
    accessKeyId: 'AKIDEXAMPLE',
    accountId: '123456789012',
    region: 'us-east-1',
    principal: 'arn:aws:iam::123456789012:user/example',
  });
  const { rawHeaders: _ignored, ...withoutRaw } = req;
  assert.equal(verifySigV4(withoutRaw, opts()).region, 'us-east-1');
});

test('vector 2 (SDK v3, wider signed-header set, x-amz-content-sha256) verifies', () => {
  assert.equal(Buffer.byteLength(V2_BODY), 170);
  const p = verifySigV4(nodeRequest(V2_RAW, V2_BODY), opts({ now: V2_NOW }));
  assert.equal(p.accessKeyId, 'AKIDEXAMPLE');
  assert.equal(p.region, 'us-east-1');
});

test('region allow-list accepts the configured region', () => {
  const p = verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ isRegionAllowed: (r) => r === 'us-east-1' }));
  assert.equal(p.region, 'us-east-1');
});

// --- §6.4 failures, in order ---------------------------------------------------------------------

test('1. no Authorization header -> MissingAuthenticationTokenException', () => {
  expectError(() => verifySigV4(v1With({ Authorization: undefined }), opts()), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  expectError(() => verifySigV4(v1With({ Authorization: '   ' }), opts()), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
});

test('2. algorithm other than AWS4-HMAC-SHA256 -> IncompleteSignatureException', () => {
  expectError(
    () => verifySigV4(v1With({ Authorization: V1_AUTH.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256') }), opts()),
    'IncompleteSignatureException',
    /Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'/,
  );
  expectError(() => verifySigV4(v1With({ Authorization: 'Bearer abc' }), opts()), 'IncompleteSignatureException', /algorithm/);
});

test('2. missing Credential / SignedHeaders / Signature -> IncompleteSignatureException naming each', () => {
  const cases: Array<[string, string]> = [
    [`AWS4-HMAC-SHA256 SignedHeaders=${V1_SIGNED}, Signature=${V1_SIG}`, 'Credential'],
    [`AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, Signature=${V1_SIG}`, 'SignedHeaders'],
    [`AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, SignedHeaders=${V1_SIGNED}`, 'Signature'],
    [`AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, SignedHeaders=${V1_SIGNED}, Signature=`, 'Signature'],
  ];
  for (const [auth, param] of cases) {
    expectError(
      () => verifySigV4(v1With({ Authorization: auth }), opts()),
      'IncompleteSignatureException',
      `Authorization header requires '${param}' parameter.`,
    );
  }
  expectError(
    () => verifySigV4(v1With({ Authorization: 'AWS4-HMAC-SHA256' }), opts()),
    'IncompleteSignatureException',
    "Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' parameter. " +
      "Authorization header requires 'Signature' parameter.",
  );
  expectError(
    () => verifySigV4(v1With({ Authorization: `AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, garbage` }), opts()),
    'IncompleteSignatureException',
    /not a valid key=value pair/,
  );
});

test('2. credential scope with the wrong number of parts -> IncompleteSignatureException', () => {
  expectError(
    () => verifySigV4(v1With({ Authorization: v1Auth('AKIDEXAMPLE/20261122/us-east-1/aws4_request', V1_SIGNED) }), opts()),
    'IncompleteSignatureException',
    /5 '\/'-separated parts\); got 4 parts/,
  );
});

test('2. scope terminator other than aws4_request -> IncompleteSignatureException', () => {
  expectError(
    () => verifySigV4(v1With({ Authorization: v1Auth('AKIDEXAMPLE/20261122/us-east-1/acm-pca/aws4_req', V1_SIGNED) }), opts()),
    'IncompleteSignatureException',
    "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_req'.",
  );
});

test('2. host not signed -> IncompleteSignatureException', () => {
  expectError(
    () => verifySigV4(v1With({ Authorization: v1Auth(V1_CREDENTIAL, 'content-type;x-amz-date;x-amz-target') }), opts()),
    'IncompleteSignatureException',
    "'Host' must be a 'SignedHeader' in the AWS Authorization.",
  );
});

test('2. no X-Amz-Date (nor Date), or X-Amz-Date not signed / malformed -> IncompleteSignatureException', () => {
  expectError(
    () => verifySigV4(v1With({ 'X-Amz-Date': undefined }), opts()),
    'IncompleteSignatureException',
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  );
  expectError(
    () => verifySigV4(v1With({ Authorization: v1Auth(V1_CREDENTIAL, 'content-type;host;x-amz-target') }), opts()),
    'IncompleteSignatureException',
    "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
  );
  expectError(
    () => verifySigV4(v1With({ 'X-Amz-Date': '2026-11-22T17:16:57Z' }), opts()),
    'IncompleteSignatureException',
    /ISO-8601 'basic format'/,
  );
  expectError(() => verifySigV4(v1With({ 'X-Amz-Date': '20261322T171657Z' }), opts()), 'IncompleteSignatureException');
});

test('2. x-amz-content-sha256 UNSIGNED-PAYLOAD is rejected (documented choice)', () => {
  expectError(
    () => verifySigV4(v1With({ 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' }), opts()),
    'IncompleteSignatureException',
    /UNSIGNED-PAYLOAD/,
  );
});

test('3. request time more than 15 min in the past -> InvalidSignatureException with AWS text', () => {
  expectError(
    () => verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ now: new Date('2026-11-22T17:32:00Z') })),
    'InvalidSignatureException',
    'Signature expired: 20261122T171657Z is now earlier than 20261122T171700Z (20261122T173200Z - 15 min.)',
  );
  // exactly 15 minutes is still accepted
  verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ now: new Date('2026-11-22T17:31:57Z') }));
});

test('3. request time more than 15 min in the future -> InvalidSignatureException with AWS text', () => {
  expectError(
    () => verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ now: new Date('2026-11-22T17:00:00Z') })),
    'InvalidSignatureException',
    'Signature not yet current: 20261122T171657Z is still later than 20261122T171500Z (20261122T170000Z + 15 min.)',
  );
  verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ now: new Date('2026-11-22T17:01:57Z') }));
});

test('3. skew is checked before the scope (order)', () => {
  const req = v1With({ Authorization: v1Auth('AKIDEXAMPLE/20261122/us-east-1/s3/aws4_request', V1_SIGNED) });
  expectError(() => verifySigV4(req, opts({ now: new Date('2026-11-23T00:00:00Z') })), 'InvalidSignatureException', /^Signature expired/);
});

test('4. scope date differs from X-Amz-Date -> InvalidSignatureException', () => {
  expectError(
    () => verifySigV4(v1With({ Authorization: v1Auth('AKIDEXAMPLE/20261121/us-east-1/acm-pca/aws4_request', V1_SIGNED) }), opts()),
    'InvalidSignatureException',
    /^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP/,
  );
});

test('5. wrong service in scope -> InvalidSignatureException', () => {
  expectError(
    () => verifySigV4(v1With({ Authorization: v1Auth('AKIDEXAMPLE/20261122/us-east-1/acm/aws4_request', V1_SIGNED) }), opts()),
    'InvalidSignatureException',
    "Credential should be scoped to correct service: 'acm-pca'.",
  );
});

test('6. region not allowed or not syntactically valid -> InvalidSignatureException', () => {
  expectError(
    () => verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ isRegionAllowed: (r) => r === 'eu-west-1' })),
    'InvalidSignatureException',
    'Credential should be scoped to a valid region.',
  );
  for (const region of ['US-EAST-1', 'us_east_1', '', '-us', 'x'.repeat(51)]) {
    expectError(
      () => verifySigV4(v1With({ Authorization: v1Auth(`AKIDEXAMPLE/20261122/${region}/acm-pca/aws4_request`, V1_SIGNED) }), opts()),
      'InvalidSignatureException',
      'Credential should be scoped to a valid region.',
    );
  }
});

test('7. unknown access key -> UnrecognizedClientException', () => {
  expectError(
    () => verifySigV4(v1With({ Authorization: v1Auth('AKIDUNKNOWN/20261122/us-east-1/acm-pca/aws4_request', V1_SIGNED) }), opts()),
    'UnrecognizedClientException',
    BAD_TOKEN,
  );
});

test('7. session token wrong, missing, or unexpected -> UnrecognizedClientException', () => {
  const base = {
    path: '/',
    headers: { Host: '127.0.0.1:8765', 'X-Amz-Target': 'ACMPrivateCA.ListCertificateAuthorities' },
    body: '{}',
    region: 'us-east-1',
    date: V1_NOW,
  };
  const good = signRequest({ ...base, credential: TEMP_CRED });
  assert.equal(verifySigV4(nodeRequest(Object.entries(good), '{}'), opts()).accessKeyId, TEMP_CRED.accessKeyId);
  const wrong = signRequest({ ...base, credential: { ...TEMP_CRED, sessionToken: 'not-the-token' } });
  expectError(() => verifySigV4(nodeRequest(Object.entries(wrong), '{}'), opts()), 'UnrecognizedClientException', BAD_TOKEN);
  const missing = signRequest({ ...base, credential: { accessKeyId: TEMP_CRED.accessKeyId, secretAccessKey: TEMP_CRED.secretAccessKey } });
  expectError(() => verifySigV4(nodeRequest(Object.entries(missing), '{}'), opts()), 'UnrecognizedClientException', BAD_TOKEN);
  const unexpected = signRequest({ ...base, credential: { ...CRED, sessionToken: 'whatever' } });
  expectError(() => verifySigV4(nodeRequest(Object.entries(unexpected), '{}'), opts()), 'UnrecognizedClientException', BAD_TOKEN);
});

test('8. signature mismatch -> InvalidSignatureException (expected signature not revealed)', () => {
  const bad = V1_SIG.replace(/^2/, '3');
  const err = expectError(() => verifySigV4(v1With({ Authorization: v1Auth(V1_CREDENTIAL, V1_SIGNED, bad) }), opts()), 'InvalidSignatureException', MISMATCH);
  assert.ok(!err.message.includes(V1_SIG));
  expectError(() => verifySigV4(v1With({ Authorization: v1Auth(V1_CREDENTIAL, V1_SIGNED, 'abc') }), opts()), 'InvalidSignatureException', MISMATCH);
  expectError(() => verifySigV4(v1With({ Authorization: v1Auth(V1_CREDENTIAL, V1_SIGNED, V1_SIG.toUpperCase()) }), opts()), 'InvalidSignatureException', MISMATCH);
  // a signed header changed in transit
  expectError(() => verifySigV4(v1With({ 'X-Amz-Target': 'ACMPrivateCA.DeleteCertificateAuthority' }), opts()), 'InvalidSignatureException', MISMATCH);
  // different path
  expectError(() => verifySigV4({ ...nodeRequest(V1_RAW, V1_BODY), path: '/pca' }, opts()), 'InvalidSignatureException', MISMATCH);
  // wrong secret on the server side
  expectError(
    () => verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ lookup: () => ({ ...CRED, secretAccessKey: 'other' }) })),
    'InvalidSignatureException',
    MISMATCH,
  );
});

test('8. body tampered -> InvalidSignatureException', () => {
  expectError(() => verifySigV4(nodeRequest(V1_RAW, V1_BODY.replace('ROOT', 'SUBORDINATE')), opts()), 'InvalidSignatureException', MISMATCH);
  expectError(() => verifySigV4(nodeRequest(V1_RAW, V1_BODY + ' '), opts()), 'InvalidSignatureException', MISMATCH);
});

test('8. x-amz-content-sha256 not matching the body -> InvalidSignatureException', () => {
  const tampered = V2_BODY.replace('"x"', '"y"');
  expectError(
    () => verifySigV4(nodeRequest(V2_RAW, tampered), opts({ now: V2_NOW })),
    'InvalidSignatureException',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  );
});

// --- canonical pieces ----------------------------------------------------------------------------

test('canonical URI: normalisation and second encoding like botocore / SDK v3', () => {
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/'), '/');
  assert.equal(canonicalUri('/pca'), '/pca');
  assert.equal(canonicalUri('/pca/'), '/pca/');
  assert.equal(canonicalUri('//pca//x/'), '/pca/x/');
  assert.equal(canonicalUri('/a/./b/../c'), '/a/c');
  assert.equal(canonicalUri('/..'), '/');
  assert.equal(canonicalUri('/a%20b/c~d'), '/a%2520b/c~d');
  assert.equal(canonicalUri("/x:y@z!'()*"), '/x%3Ay%40z%21%27%28%29%2A');
});

test('canonical query string: sorted, RFC 3986 encoded', () => {
  assert.equal(canonicalQueryString(undefined), '');
  assert.equal(canonicalQueryString('b=2&a=1&a=0&c'), 'a=0&a=1&b=2&c=');
  assert.equal(canonicalQueryString('k=a%20b&sp=x+y'), 'k=a%20b&sp=x%2By');
});

// --- round trips ---------------------------------------------------------------------------------

test('signRequest round-trips: path prefix /pca, repeated inner spaces, content sha, query', () => {
  const body = '{"MaxResults": 10}';
  const headers = signRequest({
    path: '/pca',
    headers: {
      Host: 'localhost:8765',
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'ACMPrivateCA.ListCertificateAuthorities',
      'X-Custom': '  a    b \t c  ',
      'User-Agent': 'test',
    },
    body,
    credential: CRED,
    region: 'eu-central-1',
    date: V1_NOW,
    contentSha256: true,
  });
  assert.match(headers['Authorization'] ?? '', /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-custom,/);
  assert.equal(headers['X-Amz-Date'], '20261122T171700Z');
  const req = nodeRequest(Object.entries(headers), body, '/pca');
  const p = verifySigV4(req, opts({ isRegionAllowed: (r) => r === 'eu-central-1' }));
  assert.deepEqual(p, { accessKeyId: 'AKIDEXAMPLE', accountId: '123456789012', region: 'eu-central-1', principal: CRED.principal });
  // header whitespace normalised differently on the wire still verifies
  const respaced = Object.entries(headers).map(([n, v]): [string, string] => [n, n === 'X-Custom' ? 'a b c' : v]);
  verifySigV4(nodeRequest(respaced, body, '/pca'), opts());
  // a different prefix does not
  expectError(() => verifySigV4(nodeRequest(Object.entries(headers), body, '/other'), opts()), 'InvalidSignatureException', MISMATCH);

  const withQuery = signRequest({ path: '/pca/', query: 'b=2&a=1', headers: { host: 'h' }, credential: CRED, region: 'local', date: V1_NOW });
  verifySigV4({ ...nodeRequest(Object.entries(withQuery), new Uint8Array(0), '/pca/'), query: 'a=1&b=2' }, opts());
});

test('repeated headers: values joined with "," using rawHeaders', () => {
  // Sign with the multi-value canonical form "v1,v2" by signing a single header "v1,v2".
  const signed = signRequest({ path: '/', headers: { Host: 'h', 'X-Multi': 'v1,v2' }, credential: CRED, region: 'us-east-1', date: V1_NOW });
  const pairs = Object.entries(signed).flatMap(([n, v]): Array<[string, string]> =>
    n === 'X-Multi' ? [['X-Multi', ' v1 '], ['x-multi', 'v2']] : [[n, v]],
  );
  verifySigV4(nodeRequest(pairs, new Uint8Array(0)), opts());
});

test('Date header fallback (RFC 1123) when there is no X-Amz-Date', () => {
  const pairs: Array<[string, string]> = [['Host', 'h'], ['Date', 'Sun, 22 Nov 2026 17:16:57 GMT']];
  const signedHeaders = ['date', 'host'];
  const creq = canonicalRequest({ method: 'POST', path: '/', headers: pairs, signedHeaders, payloadHash: sha256Hex('') });
  const sts = stringToSign('20261122T171657Z', '20261122/us-east-1/acm-pca/aws4_request', creq);
  const sig = signatureFor(sts);
  const auth = `AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, SignedHeaders=date;host, Signature=${sig}`;
  verifySigV4(nodeRequest([...pairs, ['Authorization', auth]], ''), opts());
});

function signatureFor(sts: string): string {
  return computeSignature(SECRET, '20261122', 'us-east-1', 'acm-pca', sts);
}

test('garbage input never throws anything but ApiError', () => {
  const samples: unknown[] = [
    undefined,
    null,
    42,
    ['AWS4-HMAC-SHA256'],
    'AWS4-HMAC-SHA256 ' + 'Credential='.repeat(5000),
    'AWS4-HMAC-SHA256 Credential=' + '/'.repeat(100000),
    `AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, SignedHeaders=;;;, Signature=x`,
    `AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, Credential=${V1_CREDENTIAL}, SignedHeaders=host, Signature=x`,
    `AWS4-HMAC-SHA256 Credential=${V1_CREDENTIAL}, SignedHeaders=${'host;'.repeat(10000)}host, Signature=${V1_SIG}`,
    'AWS4-HMAC-SHA256 \u0000\uffff\ud800=\u0001',
  ];
  const weird: Array<Record<string, unknown>> = [];
  for (const auth of samples) {
    weird.push({ authorization: auth, 'x-amz-date': '20261122T171657Z', host: 'h' });
    weird.push({ authorization: auth, 'x-amz-date': ['20261122T171657Z', 'x'], host: ['a', 'b'] });
    weird.push({ authorization: auth, date: 'garbage' });
  }
  const bodies: unknown[] = [new Uint8Array(0), Buffer.from('x'.repeat(100000))];
  for (const headers of weird) {
    for (const body of bodies) {
      for (const rawHeaders of [undefined, ['Authorization'], [1, 2, 3], Object.entries(headers).flat()]) {
        const req = { method: 'POST', path: '/%zz/../..', headers, rawHeaders, body } as unknown as SignedRequest;
        try {
          verifySigV4(req, opts());
          assert.fail('should not verify');
        } catch (err) {
          assert.ok(err instanceof ApiError, `non-ApiError thrown: ${String(err)}`);
          assert.notEqual(err.code, 'InternalFailure', err.message);
        }
      }
    }
  }
  // broken callbacks become InternalFailure, still an ApiError
  expectError(
    () => verifySigV4(nodeRequest(V1_RAW, V1_BODY), opts({ lookup: () => { throw new Error('db down'); } })),
    'InternalFailure',
  );
  expectError(() => verifySigV4({ ...nodeRequest(V1_RAW, V1_BODY), body: 5 as unknown as Uint8Array }, opts()), 'InternalFailure');
  expectError(() => verifySigV4(null as unknown as SignedRequest, opts()), 'InternalFailure');
});
