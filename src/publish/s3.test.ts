// S3Publisher against a real S3-compatible server (moto_server, started here on a free port): byte bodies with
// Content-Type and canned ACLs, bucket prefixes, path-style addressing, streamed bodies (multipart and single PUT),
// and failures that name the bucket, key and S3 error code, leave nothing behind and never show credentials.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand, GetObjectAclCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand,
  ListObjectsV2Command, S3Client, type Grant,
} from '@aws-sdk/client-s3';
import { freePort } from '../../test/helpers/server.ts';
import { startMoto, type Moto } from '../../test/helpers/moto.ts';
import { S3Publisher, S3PublishError, type S3PublisherOptions } from './s3.ts';

const MiB = 1024 * 1024;
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const ACCESS_KEY = 'AKIAOPENPCATESTKEY01';
const SECRET = 'openpca-test-secret/Do+Not+Leak+7f3c9a';

let moto: Moto | undefined;
let endpoint = '';
let admin: S3Client;
const publishers: S3Publisher[] = [];

function publisher(o: Partial<S3PublisherOptions> = {}): S3Publisher {
  const p = new S3Publisher({ endpoint, region: 'us-east-1', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, forcePathStyle: true, ...o });
  publishers.push(p);
  return p;
}

async function bucket(name: string): Promise<string> {
  await admin.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

async function read(b: string, key: string): Promise<{ body: Buffer; contentType: string | undefined; etag: string | undefined }> {
  const r = await admin.send(new GetObjectCommand({ Bucket: b, Key: key }));
  return { body: Buffer.from(await r.Body!.transformToByteArray()), contentType: r.ContentType, etag: r.ETag };
}

async function grants(b: string, key: string): Promise<Grant[]> {
  return (await admin.send(new GetObjectAclCommand({ Bucket: b, Key: key }))).Grants ?? [];
}

const publicRead = (g: Grant[]) => g.some((x) => x.Grantee?.URI === ALL_USERS && (x.Permission === 'READ' || x.Permission === 'FULL_CONTROL'));

async function absent(b: string, key: string): Promise<void> {
  await assert.rejects(admin.send(new HeadObjectCommand({ Bucket: b, Key: key })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 404);
  const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: b }));
  assert.deepEqual(uploads.Uploads ?? [], [], 'no dangling multipart upload');
}

/** A CSV-like report of `rows` lines in small string chunks (with multi-byte characters), and its SHA-256. */
function report(rows: number, throwAfterBytes?: number): { body: AsyncIterable<string>; sha256: () => string; bytes: () => number } {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* gen(): AsyncGenerator<string> {
    const header = 'awsAccountId,certificateArn,serial,subject\n';
    hash.update(header);
    bytes += Buffer.byteLength(header);
    yield header;
    for (let i = 0; i < rows; i++) {
      const line = `123456789012,arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x/certificate/${i.toString(16).padStart(32, '0')},${i},CN=Zoë €${i}\n`;
      if (throwAfterBytes !== undefined && bytes > throwAfterBytes) throw new Error(`database cursor failed at row ${i}`);
      hash.update(line);
      bytes += Buffer.byteLength(line);
      yield line;
    }
  }
  return { body: gen(), sha256: () => hash.digest('hex'), bytes: () => bytes };
}

before(async () => {
  moto = await startMoto();
  endpoint = moto.endpoint;
  admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'admin', secretAccessKey: 'admin' } });
});

after(async () => {
  for (const p of publishers) p.close();
  admin?.destroy();
  await moto?.stop();
});

describe('S3Publisher', () => {
  test('description names the endpoint (without user info) and path style, or AWS and the region', () => {
    assert.equal(publisher().description, `S3 ${endpoint} (path-style)`);
    assert.equal(publisher({ endpoint: undefined, region: 'eu-west-1', forcePathStyle: false }).description, 'S3 AWS eu-west-1');
    assert.equal(publisher({ endpoint: 'https://user:pw@s3.example.com/', forcePathStyle: false }).description, 'S3 https://s3.example.com/');
    assert.throws(() => new S3Publisher({ region: 'us-east-1', accessKeyId: 'x', forcePathStyle: true }), /both accessKeyId and secretAccessKey, or neither/);
    assert.throws(() => new S3Publisher({ region: 'us-east-1', forcePathStyle: true, partSize: MiB }), /partSize/);
  });

  test('a CRL (bytes) with PUBLIC_READ: bytes, Content-Type and the AllUsers READ grant read back', async () => {
    const b = await bucket('crl-public');
    const der = randomBytes(3000);
    await publisher().put({ bucket: b, key: 'crl/ca-1.crl', body: der, contentType: 'application/pkix-crl', acl: 'PUBLIC_READ' });
    const o = await read(b, 'crl/ca-1.crl');
    assert.deepEqual(o.body, der);
    assert.equal(o.contentType, 'application/pkix-crl');
    assert.ok(publicRead(await grants(b, 'crl/ca-1.crl')), 'public-read grant present');

    // Replacing the object (next CRL) works, and a Uint8Array that is a view into a larger buffer sends only the view.
    const bigger = randomBytes(5000);
    const view = new Uint8Array(bigger.buffer, bigger.byteOffset + 100, 1000);
    await publisher().put({ bucket: b, key: 'crl/ca-1.crl', body: view, contentType: 'application/pkix-crl', acl: 'PUBLIC_READ' });
    assert.deepEqual((await read(b, 'crl/ca-1.crl')).body, Buffer.from(view));
  });

  test('BUCKET_OWNER_FULL_CONTROL and no ACL: no AllUsers grant', async () => {
    const b = await bucket('crl-private');
    const p = publisher();
    await p.put({ bucket: b, key: 'owner.crl', body: randomBytes(100), contentType: 'application/pkix-crl', acl: 'BUCKET_OWNER_FULL_CONTROL' });
    await p.put({ bucket: b, key: 'none.crl', body: randomBytes(100), contentType: 'application/pkix-crl' });
    const owner = await grants(b, 'owner.crl');
    assert.ok(owner.length > 0 && owner.every((g) => g.Grantee?.Type === 'CanonicalUser'), JSON.stringify(owner));
    assert.ok(!publicRead(owner));
    assert.ok(!publicRead(await grants(b, 'none.crl')));
  });

  test("a bucket name with a prefix ('bucket/some/prefix') puts the object at some/prefix/<key>", async () => {
    const b = await bucket('prefixed');
    await publisher().put({ bucket: `${b}/some/prefix/`, key: 'crl/ca-2.crl', body: Buffer.from('x'), contentType: 'application/pkix-crl' });
    const keys = (await admin.send(new ListObjectsV2Command({ Bucket: b }))).Contents?.map((c) => c.Key);
    assert.deepEqual(keys, ['some/prefix/crl/ca-2.crl']);
    await assert.rejects(publisher().put({ bucket: `${b}/../x`, key: 'k', body: Buffer.from('x'), contentType: 'text/plain' }), /'\.\.' path segments/);
  });

  test('forcePathStyle: true sends /bucket/key to the endpoint host; false addresses bucket.host', async () => {
    const b = await bucket('path-style');
    const seen: { hostname: string; path: string }[] = [];
    const capture = (p: S3Publisher, stop: boolean) => p.client.middlewareStack.add((next) => async (args) => {
      const r = args.request as { hostname: string; path: string };
      seen.push({ hostname: r.hostname, path: r.path });
      if (stop) throw new Error('stopped before sending');
      return next(args);
    }, { step: 'build', name: 'capture-request' });

    const path = publisher({ forcePathStyle: true });
    capture(path, false);
    await path.put({ bucket: b, key: 'a/b.crl', body: Buffer.from('p'), contentType: 'application/pkix-crl' });
    assert.deepEqual(seen, [{ hostname: '127.0.0.1', path: `/${b}/a/b.crl` }]);
    assert.equal((await read(b, 'a/b.crl')).body.toString(), 'p');

    // Virtual-hosted style needs DNS for <bucket>.localhost, so only the request's address is checked.
    seen.length = 0;
    const virtual = publisher({ endpoint: endpoint.replace('127.0.0.1', 'localhost'), forcePathStyle: false });
    capture(virtual, true);
    await assert.rejects(virtual.put({ bucket: b, key: 'a/b.crl', body: Buffer.from('v'), contentType: 'application/pkix-crl' }), /stopped before sending/);
    assert.deepEqual(seen, [{ hostname: `${b}.localhost`, path: '/a/b.crl' }]);
  });

  test('a ~12 MiB streamed report in small string chunks arrives byte-identical via multipart, while being read', async () => {
    const b = await bucket('reports-big');
    const p = publisher();
    let partsSent = 0;
    p.client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand') partsSent++;
      return next(args);
    }, { step: 'initialize', name: 'count-parts' });
    const r = report(100_000);
    let partsSentBeforeEnd = -1;
    async function* watched(): AsyncGenerator<string> {
      yield* r.body;
      partsSentBeforeEnd = partsSent;
    }
    await p.put({ bucket: b, key: 'audit/big.csv', body: watched(), contentType: 'text/csv; charset=utf-8' });
    assert.ok(r.bytes() > 12 * MiB && r.bytes() < 14 * MiB, `report is ${r.bytes()} bytes`);
    const o = await read(b, 'audit/big.csv');
    assert.equal(o.body.length, r.bytes());
    assert.equal(createHash('sha256').update(o.body).digest('hex'), r.sha256());
    assert.equal(o.contentType, 'text/csv; charset=utf-8');
    assert.match(o.etag ?? '', /-2"$/, 'multipart ETag of 2 parts (8 MiB + rest)');
    assert.equal(partsSent, 2);
    assert.equal(partsSentBeforeEnd, 1, 'the first part went out before the source was exhausted');
    await absent(b, 'no-such-key');
  });

  test('small streams (strings and bytes, and an empty one) are sent as one PutObject', async () => {
    const b = await bucket('reports-small');
    async function* chunks(): AsyncGenerator<string | Uint8Array> {
      yield '[{"a":1},';
      yield new Uint8Array(0);
      yield Buffer.from('{"b":"é"}');
      yield ']';
    }
    await publisher().put({ bucket: b, key: 'audit/small.json', body: chunks(), contentType: 'application/json; charset=utf-8', acl: 'PUBLIC_READ' });
    const o = await read(b, 'audit/small.json');
    assert.equal(o.body.toString('utf8'), '[{"a":1},{"b":"é"}]');
    assert.equal(o.contentType, 'application/json; charset=utf-8');
    assert.doesNotMatch(o.etag ?? '', /-\d+"$/, 'not a multipart upload');
    assert.ok(publicRead(await grants(b, 'audit/small.json')));

    async function* empty(): AsyncGenerator<string> { /* no rows */ }
    await publisher().put({ bucket: b, key: 'audit/empty.csv', body: empty(), contentType: 'text/csv' });
    assert.equal((await read(b, 'audit/empty.csv')).body.length, 0);
  });

  test('a missing bucket rejects naming NoSuchBucket, the bucket and the key (bytes and streamed)', async () => {
    const p = publisher();
    const check = (e: unknown) => {
      assert.ok(e instanceof S3PublishError, String(e));
      assert.match(e.message, /NoSuchBucket/);
      assert.match(e.message, /bucket 'openpca-missing-bucket' key 'pre\/crl\/ca\.crl'/);
      assert.equal(e.code, 'NoSuchBucket');
      assert.equal(e.statusCode, 404);
      return true;
    };
    await assert.rejects(p.put({ bucket: 'openpca-missing-bucket/pre', key: 'crl/ca.crl', body: Buffer.from('x'), contentType: 'application/pkix-crl', acl: 'PUBLIC_READ' }), check);
    await assert.rejects(p.put({ bucket: 'openpca-missing-bucket/pre', key: 'crl/ca.crl', body: report(100_000).body, contentType: 'text/csv' }), check);
  });

  test('a source that throws midway rejects; no object and no multipart upload are left; an older object stays', async () => {
    const b = await bucket('reports-failing');
    const p = publisher();
    // After the first 8 MiB part was uploaded.
    const big = report(100_000, 10 * MiB);
    await assert.rejects(p.put({ bucket: b, key: 'audit/failed.csv', body: big.body, contentType: 'text/csv' }), (e: unknown) => {
      assert.ok(e instanceof S3PublishError);
      assert.match(e.message, /bucket 'reports-failing' key 'audit\/failed\.csv': reading the object body failed: database cursor failed at row \d+/);
      assert.match(String((e.cause as Error).message), /database cursor failed/);
      return true;
    });
    await absent(b, 'audit/failed.csv');

    // Before the first part: nothing was sent at all; an existing object under the key is kept.
    await p.put({ bucket: b, key: 'audit/kept.csv', body: Buffer.from('old'), contentType: 'text/csv' });
    await assert.rejects(p.put({ bucket: b, key: 'audit/kept.csv', body: report(1000, 1000).body, contentType: 'text/csv' }), /database cursor failed/);
    assert.equal((await read(b, 'audit/kept.csv')).body.toString(), 'old');
    await absent(b, 'audit/failed.csv');
  });

  test('error messages never contain the credentials', async () => {
    const p = publisher();
    // A real S3 error (moto accepts any credentials, so a missing bucket stands in for a refused request).
    const e1 = await p.put({ bucket: 'openpca-secret-check', key: 'k', body: Buffer.from('x'), contentType: 'text/plain' }).then(() => null, (e: Error) => e);
    assert.ok(e1 instanceof S3PublishError);
    assert.match(e1.message, /NoSuchBucket/);
    // A network failure (nothing listens on the port).
    const closed = publisher({ endpoint: `http://127.0.0.1:${await freePort()}` });
    const e2 = await closed.put({ bucket: 'b', key: 'k', body: Buffer.from('x'), contentType: 'text/plain' }).then(() => null, (e: Error) => e);
    assert.ok(e2 instanceof S3PublishError);
    assert.match(e2.message, /ECONNREFUSED/);
    // Even an error that did carry the secret (here injected into the client) comes out redacted.
    const leaky = publisher();
    leaky.client.middlewareStack.add(() => async () => { throw new Error(`signing with ${ACCESS_KEY}:${SECRET} failed`); }, { step: 'build', name: 'leak' });
    const e3 = await leaky.put({ bucket: 'b', key: 'k', body: Buffer.from('x'), contentType: 'text/plain' }).then(() => null, (e: Error) => e);
    assert.ok(e3 instanceof S3PublishError);
    assert.match(e3.message, /signing with \[redacted\]:\[redacted\] failed/);
    for (const e of [e1, e2, e3]) {
      const all = `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${String(e.cause ?? '')}`;
      assert.ok(!all.includes(SECRET), `secret in: ${all}`);
      assert.ok(!all.includes(ACCESS_KEY), `access key id in: ${all}`);
    }
  });

  test('an endpoint that accepts connections but never answers fails with TimeoutError after the deadline', async () => {
    const sockets = new Set<Socket>();
    const hung = createServer((s) => { sockets.add(s); s.on('error', () => {}); }); // reads nothing, answers nothing
    hung.listen(0, '127.0.0.1');
    await once(hung, 'listening');
    try {
      const p = publisher({ endpoint: `http://127.0.0.1:${(hung.address() as { port: number }).port}`, timeoutMs: 300 });
      const started = Date.now();
      await assert.rejects(p.put({ bucket: 'b', key: 'crl/x.crl', body: Buffer.from('x'), contentType: 'application/pkix-crl' }),
        /bucket 'b' key 'crl\/x\.crl': PutObject failed: TimeoutError: no complete answer within 1\.3 s/);
      assert.ok(Date.now() - started < 5000);
    } finally {
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });

  test('without explicit credentials the default provider chain (here: environment variables) is used', async () => {
    const b = await bucket('default-chain');
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'env-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    try {
      await publisher({ accessKeyId: undefined, secretAccessKey: undefined }).put({ bucket: b, key: 'k', body: Buffer.from('env'), contentType: 'text/plain' });
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID; else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY; else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
    assert.equal((await read(b, 'k')).body.toString(), 'env');
  });
});
