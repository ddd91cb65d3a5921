// The AWS SDK for JavaScript v3 against a live server: every built operation, its success and error paths.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateCertificateAuthorityCommand, DeleteCertificateAuthorityCommand, DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand, ListCertificateAuthoritiesCommand, ListTagsCommand, RestoreCertificateAuthorityCommand,
  TagCertificateAuthorityCommand, UntagCertificateAuthorityCommand, UpdateCertificateAuthorityCommand,
  waitUntilCertificateAuthorityCSRCreated, paginateListCertificateAuthorities, paginateListTags,
  type ACMPCAClient, type CreateCertificateAuthorityCommandInput,
} from '@aws-sdk/client-acm-pca';
import { opensslVerifyCsr, verifyMlDsaCsr } from './helpers/pki.ts';
import { sdkClient, startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let pca: ACMPCAClient;

before(async () => {
  server = await startTestServer();
  pca = sdkClient(server);
});
after(async () => { pca?.destroy(); await server?.stop(); });

function config(key = 'EC_prime256v1', sig = 'SHA256WITHECDSA', subject: Record<string, unknown> = { CommonName: 'Test CA', Organization: 'OpenPCA Tests', Country: 'US' }) {
  return { KeyAlgorithm: key, SigningAlgorithm: sig, Subject: subject } as never;
}

async function create(extra: Partial<CreateCertificateAuthorityCommandInput> & { key?: string; sig?: string } = {}, client = pca): Promise<string> {
  const { key, sig, ...rest } = extra;
  const out = await client.send(new CreateCertificateAuthorityCommand({
    CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: config(key, sig), ...rest,
  }));
  assert.match(out.CertificateAuthorityArn!, /^arn:aws:acm-pca:us-east-1:123456789012:certificate-authority\/[0-9a-f-]{36}$/);
  return out.CertificateAuthorityArn!;
}

async function waitCsr(arn: string, client = pca): Promise<string> {
  const r = await waitUntilCertificateAuthorityCSRCreated({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: arn });
  assert.equal(r.state, 'SUCCESS');
  const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
  return Csr!;
}

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('CreateCertificateAuthority + GetCertificateAuthorityCsr for every key algorithm', () => {
  const cases: Array<[string, string]> = [
    ['RSA_2048', 'SHA256WITHRSA'], ['RSA_2048', 'SHA512WITHRSA_PSS'], ['RSA_3072', 'SHA384WITHRSA'], ['RSA_4096', 'SHA512WITHRSA'],
    ['EC_prime256v1', 'SHA256WITHECDSA'], ['EC_secp384r1', 'SHA384WITHECDSA'], ['EC_secp521r1', 'SHA512WITHECDSA'],
    ['ML_DSA_44', 'ML_DSA_44'], ['ML_DSA_65', 'ML_DSA_65'], ['ML_DSA_87', 'ML_DSA_87'],
  ];
  for (const [key, sig] of cases) {
    test(`${key} / ${sig}`, async () => {
      const arn = await create({ key, sig, CertificateAuthorityType: key.startsWith('RSA_3') ? 'SUBORDINATE' : 'ROOT' });
      const csr = await waitCsr(arn);
      assert.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE REQUEST-----\n?$/);
      if (key.startsWith('ML_DSA')) {
        const oid = { ML_DSA_44: '2.16.840.1.101.3.4.3.17', ML_DSA_65: '2.16.840.1.101.3.4.3.18', ML_DSA_87: '2.16.840.1.101.3.4.3.19' }[key];
        assert.equal(verifyMlDsaCsr(csr).signatureOid, oid);
      } else {
        const text = opensslVerifyCsr(csr);
        assert.match(text, /Subject: CN=Test CA,O=OpenPCA Tests,C=US/);
        assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
        const sigName = sig.endsWith('_PSS') ? 'rsassaPss' : sig.endsWith('RSA') ? `${sig.slice(0, 6).toLowerCase()}WithRSAEncryption` : `ecdsa-with-${sig.slice(0, 6)}`;
        assert.match(text, new RegExp(`Signature Algorithm: ${sigName}`));
        if (key.startsWith('RSA_')) assert.match(text, new RegExp(`Public-Key: \\(${key.slice(4)} bit\\)`));
      }
      // Same bytes on every call.
      assert.equal((await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))).Csr, csr);
      const d = (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority!;
      assert.equal(d.Status, 'PENDING_CERTIFICATE');
      assert.equal(d.CertificateAuthorityConfiguration?.KeyAlgorithm, key);
    });
  }

  test('CsrExtensions (KeyUsage, SubjectInformationAccess) and all subject fields reach the CSR', async () => {
    const subject = {
      Country: 'DE', Organization: 'Org', OrganizationalUnit: 'Unit', DistinguishedNameQualifier: 'dnq', State: 'Berlin',
      CommonName: 'Everything CA', SerialNumber: '1234', Locality: 'Mitte', Title: 'Boss', Surname: 'Mustermann',
      GivenName: 'Erika', Initials: 'EM', Pseudonym: 'em', GenerationQualifier: 'III',
    };
    const out = await pca.send(new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: 'SUBORDINATE',
      CertificateAuthorityConfiguration: {
        KeyAlgorithm: 'EC_secp384r1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: subject,
        CsrExtensions: {
          KeyUsage: { DigitalSignature: true, KeyCertSign: true, CRLSign: true },
          SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { UniformResourceIdentifier: 'https://repo.example.com/ca' } }],
        },
      },
    }));
    const text = opensslVerifyCsr(await waitCsr(out.CertificateAuthorityArn!));
    assert.match(text, /Subject: generationQualifier=III,pseudonym=em,initials=EM,GN=Erika,SN=Mustermann,title=Boss,L=Mitte,serialNumber=1234,CN=Everything CA,ST=Berlin,dnQualifier=dnq,OU=Unit,O=Org,C=DE/);
    assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    assert.match(text, /Subject Information Access:\s+CA Repository - URI:https:\/\/repo.example.com\/ca/);
  });

  test('custom subject attributes', async () => {
    const arn = await create({ CertificateAuthorityConfiguration: config('EC_prime256v1', 'SHA256WITHECDSA', { CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'Custom CN' }, { ObjectIdentifier: '1.3.6.1.4.1.37244.1.1', Value: 'CACACACA00000001' }] }) });
    const text = opensslVerifyCsr(await waitCsr(arn));
    // RFC 2253 prints attributes of unknown type as the hex DER of the value: 0C = UTF8String, 0x10 = 16 bytes.
    assert.match(text, new RegExp(`Subject: 1.3.6.1.4.1.37244.1.1=#0C10${Buffer.from('CACACACA00000001').toString('hex').toUpperCase()},CN=Custom CN`));
  });

  test('semantic errors are InvalidArgsException', async () => {
    await rejects(create({ key: 'SM2', sig: 'SM3WITHSM2' }), 'InvalidArgsException', /SM2 is not supported/);
    await rejects(create({ key: 'RSA_2048', sig: 'SHA256WITHECDSA' }), 'InvalidArgsException', /cannot be used with KeyAlgorithm RSA_2048/);
    await rejects(create({ key: 'ML_DSA_44', sig: 'ML_DSA_65' }), 'InvalidArgsException');
    await rejects(create({ key: 'EC_prime256v1', sig: 'SHA256WITHRSA_PSS' }), 'InvalidArgsException');
    await rejects(create({ KeyStorageSecurityStandard: 'CCPC_LEVEL_1_OR_HIGHER' as never }), 'InvalidArgsException', /security standard/);
    await rejects(create({ CertificateAuthorityConfiguration: config('EC_prime256v1', 'SHA256WITHECDSA', {}) }), 'InvalidArgsException', /at least one attribute/);
    await rejects(create({ CertificateAuthorityConfiguration: config('EC_prime256v1', 'SHA256WITHECDSA', { CommonName: 'x', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'y' }] }) }), 'InvalidArgsException');
    await rejects(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: true } } }), 'InvalidArgsException', /S3BucketName/);
    await rejects(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: false, ExpirationInDays: 7 } } }), 'InvalidArgsException', /Enabled=false/);
    await rejects(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'Bad_Bucket' } } }), 'InvalidArgsException', /bucket name/);
    await rejects(create({ RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crl-bucket', CustomCname: 'http://crl.example.com' } } }), 'InvalidArgsException', /scheme/);
    await rejects(create({ RevocationConfiguration: { OcspConfiguration: { Enabled: true, OcspCustomCname: 'https://ocsp.example.com' } } }), 'InvalidArgsException', /scheme/);
    await rejects(create({ RevocationConfiguration: { OcspConfiguration: { Enabled: false, OcspCustomCname: 'ocsp.example.com' } } }), 'InvalidArgsException');
    await rejects(create({ Tags: [{ Key: 'aws:reserved', Value: 'x' }] }), 'InvalidTagException');
    await rejects(create({ Tags: [{ Key: 'dup', Value: 'a' }, { Key: 'dup', Value: 'b' }] }), 'InvalidTagException');
  });

  test('model constraints are ValidationException, checked before anything else', async () => {
    await rejects(create({ key: 'RSA_1024' }), 'ValidationException', /enum value set/);
    await rejects(create({ IdempotencyToken: 'x'.repeat(37) }), 'ValidationException', /idempotencyToken/);
    await rejects(create({ CertificateAuthorityConfiguration: config('EC_prime256v1', 'SHA256WITHECDSA', { Country: 'USA' }) }), 'ValidationException', /certificateAuthorityConfiguration\.subject\.country/);
    await rejects(pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: 'not-an-arn' })), 'ValidationException', /certificateAuthorityArn/);
  });

  test('RevocationConfiguration is stored and echoed with its defaults', async () => {
    const arn = await create({
      RevocationConfiguration: {
        CrlConfiguration: { Enabled: true, S3BucketName: 'my-crl-bucket', CustomCname: 'crl.example.com', CrlType: 'PARTITIONED', CustomPath: 'crls/v1' } as never,
        OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.example.com' },
      },
      UsageMode: 'SHORT_LIVED_CERTIFICATE', KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_2_OR_HIGHER',
    });
    const ca = (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority!;
    assert.deepEqual(ca.RevocationConfiguration, {
      CrlConfiguration: { Enabled: true, ExpirationInDays: 7, CustomCname: 'crl.example.com', S3BucketName: 'my-crl-bucket', S3ObjectAcl: 'PUBLIC_READ', CrlType: 'PARTITIONED', CustomPath: 'crls/v1' },
      OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.example.com' },
    }); // SDK 3.523 predates CrlType/CustomPath but passes them through both ways.
    assert.equal(ca.UsageMode, 'SHORT_LIVED_CERTIFICATE');
    assert.equal(ca.KeyStorageSecurityStandard, 'FIPS_140_2_LEVEL_2_OR_HIGHER');
    assert.equal(ca.OwnerAccount, '123456789012');
    assert.ok(ca.CreatedAt instanceof Date && Math.abs(ca.CreatedAt.getTime() - Date.now()) < 60_000);
    assert.equal(ca.Serial, undefined);
    assert.equal(ca.NotAfter, undefined);
    assert.equal(ca.RestorableUntil, undefined);
  });

  test('IdempotencyToken returns the same CA within the window, and only for the same account and region', async () => {
    const a = await create({ IdempotencyToken: 'same-token-1' });
    const b = await create({ IdempotencyToken: 'same-token-1' });
    assert.equal(a, b);
    const c = await create({ IdempotencyToken: 'same-token-2' });
    assert.notEqual(a, c);
    const eu = sdkClient(server, 'eu-west-1');
    const d = (await eu.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: config(), IdempotencyToken: 'same-token-1' }))).CertificateAuthorityArn!;
    assert.match(d, /:eu-west-1:/);
    eu.destroy();
  });
});

describe('GetCertificateAuthorityCsr errors (the seed\'s five)', () => {
  test('InvalidArnException, ResourceNotFoundException', async () => {
    const unknown = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012';
    await rejects(pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: unknown })), 'ResourceNotFoundException', /Could not find/);
    await rejects(pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: `${unknown}/certificate/abcdef` })), 'InvalidArnException');
    await rejects(pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: unknown.replace('us-east-1', 'eu-west-1') })), 'InvalidArnException', /region/);
    await rejects(pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: unknown.replace(':aws:', ':aws-cn:') })), 'InvalidArnException', /partition/);
    await rejects(pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: unknown.replace('123456789012', '210987654321') })), 'ResourceNotFoundException');
  });

  test('RequestInProgressException while CREATING, InvalidStateException when DELETED', async () => {
    const slow = await startTestServer({ env: { OPENPCA_CREATION_DELAY_MS: '1500' } });
    const c = sdkClient(slow);
    try {
      const arn = (await c.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: config() }))).CertificateAuthorityArn!;
      await rejects(c.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn })), 'RequestInProgressException', /still being generated/);
      assert.equal((await c.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority?.Status, 'CREATING');
      opensslVerifyCsr(await waitCsr(arn, c));
      await c.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 7 }));
      await rejects(c.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn })), 'InvalidStateException', /DELETED/);
    } finally { c.destroy(); await slow.stop(); }
  });

  test('RequestFailedException for a FAILED CA', async () => {
    const failing = await startTestServer({ env: { OPENPCA_CREATION_DELAY_MS: '1200', OPENPCA_CREATION_TIMEOUT_MS: '1000' } });
    const c = sdkClient(failing);
    try {
      const arn = (await c.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: config() }))).CertificateAuthorityArn!;
      let ca;
      for (let i = 0; i < 50; i++) {
        ca = (await c.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority!;
        if (ca.Status !== 'CREATING') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(ca?.Status, 'FAILED');
      assert.equal(ca?.FailureReason, 'REQUEST_TIMED_OUT');
      await rejects(c.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn })), 'RequestFailedException');
      const w = await waitUntilCertificateAuthorityCSRCreated({ client: c, maxWaitTime: 5, minDelay: 1 }, { CertificateAuthorityArn: arn }).catch((e: Error) => e);
      assert.ok(w instanceof Error, 'the waiter must not report success for a FAILED CA');
    } finally { c.destroy(); await failing.stop(); }
  });
});

describe('Describe, List, Update, Delete, Restore', () => {
  test('ListCertificateAuthorities pages through every CA once, with fresh tokens', async () => {
    const own = await startTestServer();
    const c = sdkClient(own);
    try {
      const arns = new Set<string>();
      for (let i = 0; i < 7; i++) arns.add((await c.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: config() }))).CertificateAuthorityArn!);
      const seen: string[] = [];
      const tokens = new Set<string>();
      for await (const page of paginateListCertificateAuthorities({ client: c, pageSize: 3 }, {})) {
        assert.ok(page.CertificateAuthorities!.length <= 3);
        for (const ca of page.CertificateAuthorities!) seen.push(ca.Arn!);
        if (page.NextToken) { assert.ok(!tokens.has(page.NextToken)); tokens.add(page.NextToken); }
      }
      assert.deepEqual(new Set(seen), arns);
      assert.equal(seen.length, 7);
      assert.equal(tokens.size, 2);
      const first = await c.send(new ListCertificateAuthoritiesCommand({ MaxResults: 1000 }));
      assert.equal(first.CertificateAuthorities!.length, 7);
      assert.equal(first.NextToken, undefined);
      const p1 = await c.send(new ListCertificateAuthoritiesCommand({ MaxResults: 2 }));
      await rejects(c.send(new ListCertificateAuthoritiesCommand({ MaxResults: 2, NextToken: p1.NextToken!.slice(0, -2) + 'xx' })), 'InvalidNextTokenException');
      await rejects(c.send(new ListCertificateAuthoritiesCommand({ NextToken: 'garbage' })), 'InvalidNextTokenException');
      await rejects(c.send(new ListCertificateAuthoritiesCommand({ ResourceOwner: 'OTHER_ACCOUNTS', NextToken: p1.NextToken! })), 'InvalidNextTokenException');
      const eu = sdkClient(own, 'eu-west-1');
      assert.deepEqual((await eu.send(new ListCertificateAuthoritiesCommand({}))).CertificateAuthorities, []);
      await rejects(eu.send(new ListCertificateAuthoritiesCommand({ NextToken: p1.NextToken! })), 'InvalidNextTokenException');
      eu.destroy();
      assert.deepEqual((await c.send(new ListCertificateAuthoritiesCommand({ ResourceOwner: 'OTHER_ACCOUNTS' }))).CertificateAuthorities, []);
    } finally { c.destroy(); await own.stop(); }
  });

  test('UpdateCertificateAuthority needs an ACTIVE or DISABLED CA', async () => {
    const arn = await create();
    await waitCsr(arn);
    await rejects(pca.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Status: 'DISABLED' })), 'InvalidStateException', /PENDING_CERTIFICATE/);
  });

  test('Delete from PENDING_CERTIFICATE gives a restore window; Restore brings it back', async () => {
    const arn = await create({ Tags: [{ Key: 'team', Value: 'pki' }] });
    await waitCsr(arn);
    await rejects(pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 6 })), 'ValidationException');
    const before = Date.now();
    await pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn, PermanentDeletionTimeInDays: 10 }));
    const d = (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority!;
    assert.equal(d.Status, 'DELETED');
    const expected = before + 10 * 86400_000;
    assert.ok(Math.abs(d.RestorableUntil!.getTime() - expected) < 60_000, `RestorableUntil ${d.RestorableUntil?.toISOString()}`);
    const listed = (await pca.send(new ListCertificateAuthoritiesCommand({ MaxResults: 1000 }))).CertificateAuthorities!.find((c) => c.Arn === arn);
    assert.equal(listed?.Status, 'DELETED');
    await rejects(pca.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn })), 'InvalidStateException');
    await rejects(pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: [{ Key: 'a' }] })), 'InvalidStateException');
    assert.deepEqual((await pca.send(new ListTagsCommand({ CertificateAuthorityArn: arn }))).Tags, [{ Key: 'team', Value: 'pki' }]);
    await pca.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
    const r = (await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))).CertificateAuthority!;
    assert.equal(r.Status, 'PENDING_CERTIFICATE');
    assert.equal(r.RestorableUntil, undefined);
    opensslVerifyCsr((await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))).Csr!);
    await rejects(pca.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn: arn })), 'InvalidStateException', /only DELETED/);
  });

  test('Delete while CREATING purges at once', async () => {
    const slow = await startTestServer({ env: { OPENPCA_CREATION_DELAY_MS: '800' } });
    const c = sdkClient(slow);
    try {
      const arn = (await c.send(new CreateCertificateAuthorityCommand({ CertificateAuthorityType: 'ROOT', CertificateAuthorityConfiguration: config() }))).CertificateAuthorityArn!;
      await c.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
      await rejects(c.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })), 'ResourceNotFoundException');
      await new Promise((r) => setTimeout(r, 1200));
      await rejects(c.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn })), 'ResourceNotFoundException');
      await rejects(c.send(new RestoreCertificateAuthorityCommand({ CertificateAuthorityArn: arn })), 'ResourceNotFoundException');
    } finally { c.destroy(); await slow.stop(); }
  });
});

describe('Tags', () => {
  test('Tag, Untag, ListTags with paging, limits', async () => {
    const arn = await create({ Tags: [{ Key: 'a', Value: '1' }, { Key: 'b' }] });
    await pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: [{ Key: 'a', Value: '2' }, { Key: 'c', Value: '3' }] }));
    assert.deepEqual((await pca.send(new ListTagsCommand({ CertificateAuthorityArn: arn }))).Tags, [{ Key: 'a', Value: '2' }, { Key: 'b' }, { Key: 'c', Value: '3' }]);
    const pages: string[][] = [];
    for await (const p of paginateListTags({ client: pca, pageSize: 2 }, { CertificateAuthorityArn: arn })) pages.push(p.Tags!.map((t) => t.Key!));
    assert.deepEqual(pages, [['a', 'b'], ['c']]);
    await pca.send(new UntagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: [{ Key: 'a', Value: 'not-the-value' }, { Key: 'b' }, { Key: 'zz' }] }));
    assert.deepEqual((await pca.send(new ListTagsCommand({ CertificateAuthorityArn: arn }))).Tags, [{ Key: 'a', Value: '2' }, { Key: 'c', Value: '3' }]);
    await pca.send(new UntagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: [{ Key: 'a', Value: '2' }] }));
    assert.deepEqual((await pca.send(new ListTagsCommand({ CertificateAuthorityArn: arn }))).Tags, [{ Key: 'c', Value: '3' }]);
    await rejects(pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: [{ Key: 'aws:x', Value: '1' }] })), 'InvalidTagException');
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }));
    await rejects(pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: many })), 'TooManyTagsException');
    assert.deepEqual((await pca.send(new ListTagsCommand({ CertificateAuthorityArn: arn }))).Tags, [{ Key: 'c', Value: '3' }], 'nothing applied');
    await pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: many.slice(0, 49) }));
    assert.equal((await pca.send(new ListTagsCommand({ CertificateAuthorityArn: arn }))).Tags!.length, 50);
    await rejects(pca.send(new ListTagsCommand({ CertificateAuthorityArn: arn, NextToken: 'bogus' })), 'InvalidNextTokenException');
    await rejects(pca.send(new TagCertificateAuthorityCommand({ CertificateAuthorityArn: arn, Tags: [] })), 'ValidationException');
  });
});
