// Tests for CA-certificate import validation: real hierarchies built with the openssl CLI, ML-DSA built with node:crypto.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, BasicConstraints, Certificate, Extension, Extensions, KeyUsage, KeyUsageFlags,
  SubjectPublicKeyInfo, TBSCertificate, Validity, Version,
} from '@peculiar/asn1-x509';
import { ApiError, type ErrorCode } from '../contract/errors.ts';
import { encodeSubject } from './name.ts';
import { validateCaImport } from './import.ts';

const dir = mkdtempSync(join(tmpdir(), 'import-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const gen = generateKeyPairSync as (type: string, options: object) => { publicKey: KeyObject; privateKey: KeyObject };
const spki = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
const NOW = Date.now();

function ossl(...args: string[]): string {
  const r = spawnSync('/usr/bin/openssl', args, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
function genKey(name: string, alg: 'ec' | 'rsa' = 'ec'): string {
  const opt = alg === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  ossl('genpkey', ...opt, '-out', `${name}.key`);
  return `${name}.key`;
}
function cnf(name: string, ext: string[]): string {
  writeFileSync(join(dir, `${name}.cnf`), `[req]\ndistinguished_name=dn\n[dn]\n[ext]\n${ext.join('\n')}\n`);
  return `${name}.cnf`;
}
interface Ca { crt: string; key: string }
const PSS = ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'];
let serial = 0x1d2f00;
function root(name: string, key: string, subj: string, ext: string[], extra: string[] = []): Ca {
  ossl('req', '-x509', '-new', '-key', key, '-subj', subj, '-days', '3650', '-set_serial', String(++serial),
    '-config', cnf(name, ext), '-extensions', 'ext', '-out', `${name}.crt`, ...extra);
  return { crt: `${name}.crt`, key };
}
function issue(name: string, key: string, subj: string, parent: Ca, ext: string[], extra: string[] = []): Ca {
  const c = cnf(name, ext);
  ossl('req', '-new', '-key', key, '-subj', subj, '-config', c, '-out', `${name}.csr`);
  ossl('x509', '-req', '-in', `${name}.csr`, '-CA', parent.crt, '-CAkey', parent.key, '-days', '1825',
    '-set_serial', `0x${(++serial).toString(16)}`, '-extfile', c, '-extensions', 'ext', '-out', `${name}.crt`, ...extra);
  return { crt: `${name}.crt`, key };
}
const read = (c: Ca | string): Buffer => readFileSync(join(dir, typeof c === 'string' ? c : c.crt));
const bundle = (...cs: Ca[]): Uint8Array => Buffer.concat(cs.map(read));

const BASE = ['keyUsage=critical,digitalSignature,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'];
const CA = ['basicConstraints=critical,CA:TRUE', ...BASE];
const CA_SUB = [...CA, 'authorityKeyIdentifier=keyid'];
const withBc = (bc: string, ...more: string[]): string[] => [bc, ...BASE, 'authorityKeyIdentifier=keyid', ...more];

// The CA whose certificate is imported: its key comes from node:crypto, as in the server.
const caPair = gen('ec', { namedCurve: 'prime256v1' });
writeFileSync(join(dir, 'ca.key'), caPair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const CA_SPKI = spki(caPair.publicKey);
const SUBJ = '/C=US/O=Example Corp/CN=Imported CA';

const R = root('r', genKey('r'), '/O=Example Corp/CN=Test Root', CA);
const I = issue('i', genKey('i'), '/O=Example Corp/CN=Test Int', R, CA_SUB);
const I2 = issue('i2', genKey('i2'), '/O=Example Corp/CN=Test Int 2', I, CA_SUB);

function sub(certificate: Uint8Array, chain?: Uint8Array, now = NOW): ReturnType<typeof validateCaImport> {
  return validateCaImport({ caType: 'SUBORDINATE', caSpkiDer: CA_SPKI, certificate, chain, now });
}
function rootImport(certificate: Uint8Array, chain?: Uint8Array, caSpkiDer = CA_SPKI): ReturnType<typeof validateCaImport> {
  return validateCaImport({ caType: 'ROOT', caSpkiDer, certificate, chain, now: NOW });
}
function rejects(fn: () => unknown, code: ErrorCode, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, re);
    return true;
  });
}

test('valid ROOT import: self-signed, no chain; PEM and DER accepted; outputs', () => {
  const c = root('caroot', 'ca.key', SUBJ, CA);
  const r = rootImport(read(c));
  assert.equal(r.chainPem, null);
  assert.equal(r.certificatePem, read(c).toString('latin1'));
  assert.equal(r.serialHex, (serial).toString(16).padStart(6, '0').replace(/(..)(?!$)/g, '$1:'));
  assert.equal(r.pathLen, null);
  const parsed = AsnConvert.parse(r.certificateDer, Certificate);
  assert.deepEqual(r.subjectDer, new Uint8Array(AsnConvert.serialize(parsed.tbsCertificate.subject)));
  const bits = new Uint8Array(parsed.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
  assert.deepEqual(r.ski, new Uint8Array(createHash('sha1').update(bits).digest())); // openssl's hash SKI
  assert.equal(r.notAfter - r.notBefore, 3650 * 86_400_000);
  const der = Buffer.from(read(c).toString('latin1').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  assert.deepEqual(rootImport(der).certificateDer, r.certificateDer);
  // An empty or whitespace-only chain counts as no chain.
  assert.equal(rootImport(read(c), new Uint8Array(0)).chainPem, null);
  assert.equal(rootImport(read(c), Buffer.from(' \r\n')).chainPem, null);
});

test('valid SUBORDINATE imports with 1-, 2- and 3-level chains; chain normalised', () => {
  const s1 = issue('s1', 'ca.key', SUBJ, R, withBc('basicConstraints=critical,CA:TRUE,pathlen:0'));
  const r1 = sub(read(s1), read(R));
  assert.equal(r1.pathLen, 0);
  assert.equal(r1.chainPem, read(R).toString('latin1'));
  const s2 = issue('s2', 'ca.key', SUBJ, I, CA_SUB);
  const messy = Buffer.from(`\r\n\n${read(I).toString('latin1').replace(/\n/g, '\r\n')}  \t\n\n${read(R).toString('latin1')}\n\n`);
  const r2 = sub(read(s2), messy);
  assert.equal(r2.pathLen, null);
  assert.equal(r2.chainPem, read(I).toString('latin1') + read(R).toString('latin1'));
  const s3 = issue('s3', 'ca.key', SUBJ, I2, withBc('basicConstraints=critical,CA:TRUE,pathlen:3'));
  assert.equal(sub(read(s3), bundle(I2, I, R)).pathLen, 3);
  // A DER chain holding just the root is accepted too.
  const rootDer = Buffer.from(read(R).toString('latin1').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  assert.equal(sub(read(s1), rootDer).chainPem, read(R).toString('latin1'));
});

test('parse errors: garbage, bad base64, two certificates, wrong PEM label, text around blocks', () => {
  const s = issue('sp', 'ca.key', SUBJ, R, CA_SUB);
  rejects(() => sub(Buffer.from('hello world'), read(R)), 'MalformedCertificateException', /neither PEM .* nor a DER certificate/);
  rejects(() => sub(new Uint8Array(0), read(R)), 'MalformedCertificateException', /exactly one certificate, found 0/);
  rejects(() => sub(Buffer.from('-----BEGIN CERTIFICATE-----\nMII*!!\n-----END CERTIFICATE-----\n')), 'MalformedCertificateException', /not valid base64/);
  rejects(() => sub(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n')), 'MalformedCertificateException', /Certificate is not a parsable X.509 certificate/);
  rejects(() => sub(read(s).subarray(0, 300)), 'MalformedCertificateException', /neither PEM/);
  rejects(() => sub(Buffer.from([0x30, 0x82, 0x01, 0x00, 0x01])), 'MalformedCertificateException', /not a parsable/);
  rejects(() => sub(bundle(s, R), read(R)), 'MalformedCertificateException', /exactly one certificate, found 2/);
  rejects(() => sub(Buffer.from(read(s).toString('latin1').replace(/CERTIFICATE/g, 'X509 CRL')), read(R)), 'MalformedCertificateException', /labelled "X509 CRL"/);
  rejects(() => sub(read(s), Buffer.concat([Buffer.from('Issuer: root\n'), read(R)])), 'MalformedCertificateException', /CertificateChain contains text that is not a PEM/);
  rejects(() => sub(read(s), Buffer.concat([read(R), Buffer.from('junk')])), 'MalformedCertificateException', /CertificateChain is neither PEM.*text follows/);
  rejects(() => sub(read(s), Buffer.concat([read(I), Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')])), 'MalformedCertificateException', /CertificateChain\[1\] is not a parsable/);
  rejects(() => sub(new Uint8Array(32_769), read(R)), 'MalformedCertificateException', /32768/);
});

test('wrong key → CertificateMismatchException', () => {
  rejects(() => rootImport(read(R)), 'CertificateMismatchException', /public key in the certificate \(subject "O=Example Corp, CN=Test Root"\) is not this CA's key/);
  rejects(() => sub(read(I), read(R)), 'CertificateMismatchException', /not this CA's key/);
});

test('CA type rules → InvalidRequestException', () => {
  const selfSigned = root('ss', 'ca.key', SUBJ, CA);
  const s = issue('sr', 'ca.key', SUBJ, R, CA_SUB);
  rejects(() => rootImport(read(selfSigned), read(R)), 'InvalidRequestException', /ROOT CA takes no CertificateChain, but 1 certificate/);
  rejects(() => rootImport(read(s)), 'InvalidRequestException', /ROOT CA certificate must be self-signed, but the issuer "O=Example Corp, CN=Test Root"/);
  rejects(() => sub(read(selfSigned), read(R)), 'InvalidRequestException', /SUBORDINATE CA certificate must be signed by a parent CA, but the certificate .* is self-signed/);
  rejects(() => sub(read(s)), 'InvalidRequestException', /SUBORDINATE CA needs CertificateChain/);
  rejects(() => sub(read(s), Buffer.from('\n')), 'InvalidRequestException', /needs CertificateChain/);
  // Self-issued (issuer == subject) but signed by another key: not a valid root.
  const fakeRoot = issue('fake', 'ca.key', '/O=Example Corp/CN=Test Root', R, CA_SUB);
  rejects(() => rootImport(read(fakeRoot)), 'InvalidRequestException', /does not verify with its own public key/);
});

test('chain shape errors', () => {
  const s2 = issue('cs2', 'ca.key', SUBJ, I, CA_SUB);
  const s3 = issue('cs3', 'ca.key', SUBJ, I2, CA_SUB);
  rejects(() => sub(read(s2), bundle(R, I)), 'InvalidRequestException', /CertificateChain\[0\] \(subject "O=Example Corp, CN=Test Root"\) is a self-signed root but is not the last/);
  rejects(() => sub(read(s3), bundle(I, I2, R)), 'InvalidRequestException', /wrong order: the certificate .* was issued by CertificateChain\[1\] \(subject "O=Example Corp, CN=Test Int 2"\), which must come at index 0/);
  rejects(() => sub(read(s2), bundle(I)), 'InvalidRequestException', /does not end with a self-signed root: the last element CertificateChain\[0\] .* was issued by "O=Example Corp, CN=Test Root"/);
  rejects(() => sub(read(s2), bundle(s2, I, R)), 'InvalidRequestException', /CertificateChain\[0\] .* is the CA certificate being imported/);
  rejects(() => sub(read(s2), bundle(R)), 'InvalidRequestException', /missing a certificate: the certificate .* was issued by "O=Example Corp, CN=Test Int", which is not in the chain/);
  rejects(() => sub(read(s3), bundle(I2, R)), 'InvalidRequestException', /missing a certificate: CertificateChain\[0\] .*issued by "O=Example Corp, CN=Test Int"/);
  // Same name as the real parent, different key: the element does not sign the one before it.
  const imposter = issue('imp', genKey('imp'), '/O=Example Corp/CN=Test Int', R, CA_SUB);
  rejects(() => sub(read(s2), bundle(imposter, R)), 'CertificateMismatchException', /names CertificateChain\[0\] .* as its issuer, but its signature does not verify/);
  // Right key, wrong name: a cross-certificate with another subject for I's key.
  const renamed = issue('ren', 'i.key', '/O=Example Corp/CN=Renamed Int', R, CA_SUB);
  rejects(() => sub(read(s2), bundle(renamed, R)), 'CertificateMismatchException', /is signed by the key of CertificateChain\[0\].*issuer name "O=Example Corp, CN=Test Int" differs/);
  // A chain element that carries the CA's own key.
  const twin = issue('twin', 'ca.key', '/CN=Twin', R, CA_SUB);
  rejects(() => sub(read(s2), bundle(I, twin, R)), 'InvalidRequestException', /CertificateChain\[1\] .* carries this CA's own public key/);
});

test('BasicConstraints missing / not critical / CA:FALSE, on the certificate or a chain element', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['nobc', [...BASE, 'authorityKeyIdentifier=keyid'], /the certificate .* has no BasicConstraints extension/],
    ['ncbc', withBc('basicConstraints=CA:TRUE'), /the certificate .* has a non-critical BasicConstraints/],
    ['eebc', withBc('basicConstraints=critical,CA:FALSE'), /the certificate .* has BasicConstraints CA:FALSE/],
  ];
  for (const [name, ext, re] of cases) {
    rejects(() => sub(read(issue(name, 'ca.key', SUBJ, R, ext)), read(R)), 'MalformedCertificateException', re);
    const parent = issue(`${name}-p`, genKey(`${name}-p`), `/CN=Parent ${name}`, R, ext);
    const child = issue(`${name}-c`, 'ca.key', SUBJ, parent, CA_SUB);
    rejects(() => sub(read(child), bundle(parent, R)), 'MalformedCertificateException', new RegExp(`CertificateChain\\[0\\] \\(subject "CN=Parent ${name}"\\)`));
  }
  const rootNoBc = root('rnobc', 'ca.key', SUBJ, BASE);
  rejects(() => rootImport(read(rootNoBc)), 'MalformedCertificateException', /no BasicConstraints/);
});

test('path length (RFC 5280 §6.1.4(m))', () => {
  const R0 = root('r0', genKey('r0'), '/CN=Root Zero', ['basicConstraints=critical,CA:TRUE,pathlen:0', ...BASE]);
  const I0 = issue('i0', genKey('i0'), '/CN=Int Under Zero', R0, CA_SUB);
  const below = issue('pl1', 'ca.key', SUBJ, I0, CA_SUB);
  rejects(() => sub(read(below), bundle(I0, R0)), 'CertificateMismatchException', /CertificateChain\[1\] \(subject "CN=Root Zero"\) has pathLenConstraint 0, but 2 CA certificate\(s\) would follow it/);
  const direct = issue('pl2', 'ca.key', SUBJ, R0, CA_SUB);
  rejects(() => sub(read(direct), bundle(R0)), 'CertificateMismatchException', /pathLenConstraint 0, but 1 CA certificate/);
  const R1 = root('r1', genKey('r1'), '/CN=Root One', ['basicConstraints=critical,CA:TRUE,pathlen:1', ...BASE]);
  const I1 = issue('i1', genKey('i1'), '/CN=Int Under One', R1, CA_SUB);
  rejects(() => sub(read(issue('pl3', 'ca.key', SUBJ, I1, CA_SUB)), bundle(I1, R1)), 'CertificateMismatchException', /pathLenConstraint 1, but 2/);
  assert.equal(sub(read(issue('pl4', 'ca.key', SUBJ, R1, CA_SUB)), bundle(R1)).pathLen, null);
  // A self-issued intermediate (key rollover: same name, new key) does not count.
  const X = issue('x', genKey('x'), '/CN=Root One', R1, CA_SUB);
  assert.ok(sub(read(issue('pl5', 'ca.key', SUBJ, X, CA_SUB)), bundle(X, R1)));
  // The intermediate's own constraint counts too.
  const Ip = issue('ip', genKey('ip'), '/CN=Int PathLen Zero', R, withBc('basicConstraints=critical,CA:TRUE,pathlen:0'));
  rejects(() => sub(read(issue('pl6', 'ca.key', SUBJ, Ip, CA_SUB)), bundle(Ip, R)), 'CertificateMismatchException', /CertificateChain\[0\] \(subject "CN=Int PathLen Zero"\) has pathLenConstraint 0/);
});

test('critical-extension policy', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['cdp', 'crlDistributionPoints=critical,URI:http://crl.example.com/ca.crl', /critical cRLDistributionPoints \(2.5.29.31\)/],
    ['aia', 'authorityInfoAccess=critical,caIssuers;URI:http://example.com/ca.crt', /critical authorityInfoAccess/],
    ['nc', 'nameConstraints=critical,permitted;DNS:example.com', /critical nameConstraints \(2.5.29.30\)/],
    ['pc', 'policyConstraints=critical,requireExplicitPolicy:0', /critical policyConstraints/],
    ['unk', '1.2.3.4.5=critical,ASN1:UTF8String:hello', /critical extension 1.2.3.4.5/],
  ];
  for (const [name, line, re] of bad) {
    rejects(() => sub(read(issue(`x${name}`, 'ca.key', SUBJ, R, [...CA_SUB, line])), read(R)), 'MalformedCertificateException', re);
  }
  const parent = issue('xncp', genKey('xncp'), '/CN=Constrained Int', R, [...CA_SUB, 'nameConstraints=critical,permitted;DNS:example.com']);
  rejects(() => sub(read(issue('xncc', 'ca.key', SUBJ, parent, CA_SUB)), bundle(parent, R)), 'MalformedCertificateException', /CertificateChain\[0\] \(subject "CN=Constrained Int"\) has a critical nameConstraints/);
  const ok = issue('xok', 'ca.key', SUBJ, R, [...CA_SUB, 'certificatePolicies=critical,2.5.29.32.0', 'extendedKeyUsage=critical,OCSPSigning',
    'subjectAltName=critical,DNS:ca.example.com', 'crlDistributionPoints=URI:http://crl.example.com/ca.crl']);
  assert.ok(sub(read(ok), read(R)));
});

test('KeyUsage without keyCertSign; expired certificate', () => {
  const ku = issue('ku', 'ca.key', SUBJ, R, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,cRLSign', 'subjectKeyIdentifier=none']);
  rejects(() => sub(read(ku), read(R)), 'MalformedCertificateException', /KeyUsage without keyCertSign/);
  const noKu = issue('noku', 'ca.key', SUBJ, R, ['basicConstraints=critical,CA:TRUE', 'subjectKeyIdentifier=none', 'authorityKeyIdentifier=none']);
  const r = sub(read(noKu), read(R));
  const bits = new Uint8Array(AsnConvert.parse(r.certificateDer, Certificate).tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
  assert.deepEqual(r.ski, new Uint8Array(createHash('sha1').update(bits).digest())); // SKI absent → computed
  rejects(() => sub(read(noKu), read(R), r.notAfter), 'InvalidRequestException', /expired on .*Z; import a currently valid certificate/);
  assert.ok(sub(read(noKu), read(R), r.notAfter - 1000));
});

test('RSA-PSS signed hierarchy', () => {
  const Rp = root('rpss', genKey('rpss', 'rsa'), '/CN=PSS Root', CA, PSS);
  const Sp = issue('spss', 'ca.key', SUBJ, Rp, CA_SUB, PSS);
  assert.match(ossl('x509', '-in', Sp.crt, '-noout', '-text'), /rsassaPss/);
  assert.ok(sub(read(Sp), read(Rp)));
  const rsaCa = gen('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'rsaca.key'), rsaCa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const selfPss = root('selfpss', 'rsaca.key', SUBJ, CA, PSS);
  assert.equal(rootImport(read(selfPss), undefined, spki(rsaCa.publicKey)).chainPem, null);
});

// ML-DSA: openssl 3.0 cannot sign with it, so certificates are assembled with @peculiar/asn1-x509.
function buildCert(o: { subject: string; issuer: string; pub: KeyObject; signer: KeyObject; sigOid: string; digest: string | null; notBefore: Date; notAfter: Date }): Uint8Array {
  const ext = (oid: string, value: ArrayBuffer): Extension => new Extension({ extnID: oid, critical: true, extnValue: new OctetString(value) });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array([0x42, 0x01]).buffer,
    signature: new AlgorithmIdentifier({ algorithm: o.sigOid }),
    issuer: encodeSubject({ CommonName: o.issuer }),
    validity: new Validity({ notBefore: o.notBefore, notAfter: o.notAfter }),
    subject: encodeSubject({ CommonName: o.subject }),
    subjectPublicKeyInfo: AsnConvert.parse(spki(o.pub), SubjectPublicKeyInfo),
    extensions: new Extensions([
      ext('2.5.29.19', AsnConvert.serialize(new BasicConstraints({ cA: true }))),
      ext('2.5.29.15', AsnConvert.serialize(new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign))),
    ]),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = sign(o.digest, tbsDer, o.signer);
  return new Uint8Array(AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm: tbs.signature, signatureValue: new Uint8Array(signature).buffer })));
}

test('ML-DSA root import and an EC subordinate signed by an ML-DSA root', () => {
  const m = gen('ml-dsa-44', {});
  const day = 86_400_000;
  const base = { sigOid: '2.16.840.1.101.3.4.3.17', digest: null, notBefore: new Date(NOW - day), notAfter: new Date(NOW + 365 * day) };
  const rootDer = buildCert({ ...base, subject: 'ML-DSA Root', issuer: 'ML-DSA Root', pub: m.publicKey, signer: m.privateKey });
  const r = rootImport(rootDer, undefined, spki(m.publicKey));
  assert.equal(r.serialHex, '42:01');
  assert.equal(r.notAfter, Math.floor((NOW + 365 * day) / 1000) * 1000);
  const subDer = buildCert({ ...base, subject: 'EC Sub', issuer: 'ML-DSA Root', pub: caPair.publicKey, signer: m.privateKey });
  assert.ok(sub(subDer, rootDer).chainPem?.startsWith('-----BEGIN CERTIFICATE-----\n'));
  // notBefore ≥ notAfter is a malformed certificate.
  const flat = buildCert({ ...base, notBefore: new Date(NOW + day), notAfter: new Date(NOW + day), subject: 'Flat', issuer: 'Flat', pub: caPair.publicKey, signer: caPair.privateKey, sigOid: '1.2.840.10045.4.3.2', digest: 'sha256' });
  rejects(() => rootImport(flat), 'MalformedCertificateException', /the certificate \(subject "CN=Flat"\) has notBefore .* not before notAfter/);
});
