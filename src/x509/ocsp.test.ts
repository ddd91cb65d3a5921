// Tests for OCSP request parsing and response encoding, with openssl as the oracle (requests, verification, responder).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signArgs, type SigningAlgorithm } from './algorithms.ts';
import { ski } from './certificate.ts';
import { children, explicit, integer, octetString, oid, readTlv, seq, tlv, tlvBytes, tlvValue, type Tlv } from './der.ts';
import {
  OCSP_STATUS, OcspMalformed, decodeOcspGetPath, encodeResponseData, encodeSuccessResponse, generalizedTime,
  issuerHashes, ocspErrorResponse, parseOcspRequest, responderKeyHash, type OcspCertStatus, type OcspRequestInfo,
} from './ocsp.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const HOUR = 3600_000;
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const REVOKED_AT = new Date('2025-01-01T00:00:00Z');

const dir = mkdtempSync(join(tmpdir(), 'ocsp-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => join(dir, name);
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(file(name)));

/** Runs openssl in the temp dir; stdout and stderr kept apart and together. */
function openssl(...args: string[]): { status: number | null; stdout: string; stderr: string; out: string } {
  const r = spawnSync('/usr/bin/openssl', args, { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}
function ok(...args: string[]): string {
  const r = openssl(...args);
  assert.equal(r.status, 0, `openssl ${args.join(' ')}\n${r.out}`);
  return r.out;
}

// ---------------------------------------------------------------- fixtures (openssl-made CAs and leaves)

writeFileSync(file('x.cnf'), [
  '[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', 'CN = unused',
  '[v3_ca]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
  'subjectKeyIdentifier = hash', '[v3_leaf]', 'basicConstraints = CA:FALSE', '',
].join('\n'));

interface Ca { pem: string; der: Uint8Array; subjectDer: Uint8Array; spkiDer: Uint8Array; key: KeyObject }

/** The subject Name TLV of a certificate, walked with der.ts. */
function subjectOf(certDer: Uint8Array): Uint8Array {
  const cert = readTlv(certDer, 0);
  const tbs = children(certDer, cert)[0] as Tlv;
  const f = children(certDer, tbs);
  const skip = f[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  return tlvBytes(certDer, f[skip + 4] as Tlv); // serial, signature, issuer, validity, subject
}

function makeCa(name: string, keySpec: string[], subj: string): Ca {
  ok('req', '-x509', '-config', 'x.cnf', '-extensions', 'v3_ca', '-newkey', ...keySpec, '-nodes',
    '-keyout', `${name}.key`, '-days', '2', '-subj', subj, '-out', `${name}.pem`);
  const pem = readFileSync(file(`${name}.pem`), 'utf8');
  const x = new X509Certificate(pem);
  const der = new Uint8Array(x.raw);
  return {
    pem, der, subjectDer: subjectOf(der),
    spkiDer: new Uint8Array(x.publicKey.export({ type: 'spki', format: 'der' })),
    key: createPrivateKey(readFileSync(file(`${name}.key`))),
  };
}

function makeLeaf(name: string, ca: string, serial: string): void {
  ok('x509', '-req', '-in', 'leaf.csr', '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', serial,
    '-days', '1', '-extfile', 'x.cnf', '-extensions', 'v3_leaf', '-out', `${name}.pem`);
}

const ec = makeCa('ca', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/O=OpenPCA Test/CN=OCSP Test CA');
const rsa = makeCa('rca', ['rsa:2048'], '/O=OpenPCA Test/CN=OCSP Test RSA CA');
ok('req', '-new', '-config', 'x.cnf', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-keyout', 'leaf.key', '-subj', '/CN=leaf', '-out', 'leaf.csr');
makeLeaf('leaf1', 'ca', '0x8000000000000000000000000000000F'); // DER INTEGER gets a 00 pad
makeLeaf('leaf2', 'ca', '0x0123456789ABCDEF'); // leading 0 nibble stays
makeLeaf('rleaf', 'rca', '0x42');

function opensslSerial(pem: string): string {
  const m = /^serial=([0-9A-F]+)$/m.exec(ok('x509', '-in', pem, '-noout', '-serial'));
  assert.ok(m, 'openssl x509 -serial');
  return (m[1] as string).toLowerCase();
}

function request(name: string, ...args: string[]): { der: Uint8Array; info: OcspRequestInfo } {
  ok('ocsp', ...args, '-reqout', name);
  const der = read(name);
  return { der, info: parseOcspRequest(der) };
}

/** A signed response answering every CertID of `req` with the status chosen by `statusOf(serial)`. */
function respond(req: OcspRequestInfo, ca: Ca, alg: SigningAlgorithm, statusOf: (serial: string) => OcspCertStatus,
  o: { nonce?: boolean; certs?: Uint8Array[] } = {}): Uint8Array {
  const tbs = encodeResponseData({
    responderKeyHash: responderKeyHash(ca.spkiDer), producedAt: NOW, nonce: o.nonce === false ? null : req.nonce,
    responses: req.certIds.map((c) => ({ certIdDer: c.der, status: statusOf(c.serial), thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + HOUR) })),
  });
  const s = signArgs(alg, ca.key);
  return encodeSuccessResponse(tbs, alg, new Uint8Array(sign(s.digest, tbs, s.key)), o.certs);
}

const SERIAL1 = '8000000000000000000000000000000f';
const SERIAL2 = '0123456789abcdef';

// ---------------------------------------------------------------- 1, 2: parsing openssl's requests

test('parse: openssl request with a nonce — SHA-1 CertID matching the CA, serial, nonce', () => {
  const { der, info } = request('req.der', '-issuer', 'ca.pem', '-cert', 'leaf1.pem', '-req_text');
  const text = ok('ocsp', '-reqin', 'req.der', '-req_text');
  assert.equal(info.certIds.length, 1);
  assert.equal(info.signed, false);
  const c = info.certIds[0]!;
  assert.equal(c.hash, 'sha1');
  assert.equal(c.hashOid, '1.3.14.3.2.26');
  const h = issuerHashes('sha1', ec.subjectDer, ec.spkiDer);
  assert.equal(hex(c.issuerNameHash), hex(h.nameHash));
  assert.equal(hex(c.issuerKeyHash), hex(h.keyHash));
  assert.equal(hex(h.keyHash), hex(ski(ec.spkiDer)), 'SHA-1 key hash is the RFC 5280 method-1 SKI');
  assert.match(text, new RegExp(`Issuer Name Hash: ${hex(h.nameHash).toUpperCase()}`));
  assert.equal(c.serial, opensslSerial('leaf1.pem'));
  assert.equal(c.serial, SERIAL1);
  assert.equal(c.der[0], 0x30);
  assert.ok(Buffer.from(der).indexOf(Buffer.from(c.der)) > 0, 'CertID bytes are a slice of the request');
  assert.ok(info.nonce !== null);
  const shown = /OCSP Nonce: *\n\s*([0-9A-F]+)/.exec(text)?.[1];
  assert.equal(hex(info.nonce).toUpperCase(), shown, 'nonce = extnValue contents (04 10 …) as openssl prints it');
  assert.equal(info.nonce.length, 18);
});

test('parse: -no_nonce, two certs, -sha256 / -sha512 CertIDs, signed request with requestorName', () => {
  assert.equal(request('nn.der', '-issuer', 'ca.pem', '-cert', 'leaf1.pem', '-no_nonce').info.nonce, null);

  const two = request('two.der', '-issuer', 'ca.pem', '-sha256', '-cert', 'leaf1.pem', '-cert', 'leaf2.pem').info;
  assert.equal(two.certIds.length, 2);
  const h256 = issuerHashes('sha256', ec.subjectDer, ec.spkiDer);
  for (const c of two.certIds) {
    assert.equal(c.hash, 'sha256');
    assert.equal(c.hashOid, '2.16.840.1.101.3.4.2.1');
    assert.equal(hex(c.issuerNameHash), hex(h256.nameHash));
    assert.equal(hex(c.issuerKeyHash), hex(h256.keyHash));
  }
  assert.deepEqual(two.certIds.map((c) => c.serial), [SERIAL1, opensslSerial('leaf2.pem')]);
  assert.equal(two.certIds[1]!.serial, SERIAL2);

  const s512 = request('s512.der', '-issuer', 'rca.pem', '-sha512', '-cert', 'rleaf.pem').info.certIds[0]!;
  const h512 = issuerHashes('sha512', rsa.subjectDer, rsa.spkiDer);
  assert.equal(s512.hash, 'sha512');
  assert.equal(hex(s512.issuerNameHash), hex(h512.nameHash));
  assert.equal(hex(s512.issuerKeyHash), hex(h512.keyHash));
  assert.equal(s512.serial, '42');
  const s384 = request('s384.der', '-issuer', 'rca.pem', '-sha384', '-cert', 'rleaf.pem').info.certIds[0]!;
  assert.equal(s384.hash, 'sha384');
  assert.equal(s384.hashOid, '2.16.840.1.101.3.4.2.2');
  assert.equal(hex(s384.issuerKeyHash), hex(issuerHashes('sha384', rsa.subjectDer, rsa.spkiDer).keyHash));

  const signed = request('signed.der', '-issuer', 'ca.pem', '-cert', 'leaf2.pem', '-signer', 'leaf1.pem', '-signkey', 'leaf.key');
  assert.match(ok('ocsp', '-reqin', 'signed.der', '-req_text'), /Requestor Name: DirName:CN = leaf/);
  assert.equal(signed.info.signed, true);
  assert.equal(signed.info.certIds.length, 1);
  assert.equal(signed.info.certIds[0]!.serial, SERIAL2);
  assert.ok(signed.info.nonce !== null);
});

// ---------------------------------------------------------------- 3: responses verified by openssl

/** `openssl ocsp -respin` checking statuses (request rebuilt from -cert/-serial, no nonce check). */
function statusRun(resp: string, issuer: string, ids: string[]): { status: number | null; out: string } {
  return openssl('ocsp', '-respin', resp, '-resp_text', '-issuer', issuer, ...ids, '-no_nonce', '-CAfile', issuer);
}
/** `openssl ocsp -respin -reqin` checking the nonce against the original request. */
function nonceRun(resp: string, req: string, issuer: string, extra: string[] = ['-verify_other', issuer]): { status: number | null; out: string } {
  return openssl('ocsp', '-respin', resp, '-reqin', req, '-CAfile', issuer, ...extra);
}

const threeWay = (reason: number | null) => (serial: string): OcspCertStatus =>
  serial === SERIAL1 ? { kind: 'good' } : serial === SERIAL2 ? { kind: 'revoked', time: REVOKED_AT, reasonCode: reason } : { kind: 'unknown' };

test('response (P-256 CA, SHA256WITHECDSA): good / revoked+keyCompromise / unknown, nonce echoed', () => {
  const req = request('r3.der', '-issuer', 'ca.pem', '-cert', 'leaf1.pem', '-cert', 'leaf2.pem', '-serial', '0x1234').info;
  assert.deepEqual(req.certIds.map((c) => c.serial), [SERIAL1, SERIAL2, '1234']);
  writeFileSync(file('resp3.der'), respond(req, ec, 'SHA256WITHECDSA', threeWay(1)));

  const st = statusRun('resp3.der', 'ca.pem', ['-cert', 'leaf1.pem', '-cert', 'leaf2.pem', '-serial', '0x1234']);
  assert.equal(st.status, 0, st.out);
  assert.match(st.out, /Response verify OK/);
  assert.match(st.out, /^leaf1\.pem: good$/m);
  assert.match(st.out, /^leaf2\.pem: revoked$/m);
  assert.match(st.out, /^\tReason: keyCompromise$/m);
  assert.match(st.out, /^\tRevocation Time: Jan {2}1 00:00:00 2025 GMT$/m);
  assert.match(st.out, /^0x1234: unknown$/m);
  assert.equal(st.out.match(/^\tNext Update: /gm)?.length, 3);
  assert.match(st.out, /OCSP Response Status: successful \(0x0\)/);
  assert.match(st.out, new RegExp(`Responder Id: ${hex(ski(ec.spkiDer)).toUpperCase()}`));
  assert.match(st.out, /Signature Algorithm: ecdsa-with-SHA256/);

  const n = nonceRun('resp3.der', 'r3.der', 'ca.pem');
  assert.equal(n.status, 0, n.out);
  assert.match(n.out, /Response verify OK/);
  assert.doesNotMatch(n.out, /WARNING: no nonce in response/);
  assert.doesNotMatch(n.out, /Nonce Verify error/);

  writeFileSync(file('resp3n.der'), respond(req, ec, 'SHA256WITHECDSA', threeWay(null), { nonce: false }));
  const w = nonceRun('resp3n.der', 'r3.der', 'ca.pem');
  assert.equal(w.status, 0, w.out);
  assert.match(w.out, /WARNING: no nonce in response/);
  assert.match(w.out, /Response verify OK/);
  const st2 = statusRun('resp3n.der', 'ca.pem', ['-cert', 'leaf2.pem']);
  assert.equal(st2.status, 0, st2.out);
  assert.match(st2.out, /^leaf2\.pem: revoked$/m);
  assert.doesNotMatch(st2.out, /Reason:/, 'reasonCode null omits revocationReason');

  // a tampered signature must fail, so "Response verify OK" above means something
  const bad = respond(req, ec, 'SHA256WITHECDSA', threeWay(1));
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
  writeFileSync(file('bad.der'), bad);
  const b = nonceRun('bad.der', 'r3.der', 'ca.pem');
  assert.notEqual(b.status, 0);
  assert.doesNotMatch(b.out, /Response verify OK/);
});

for (const alg of ['SHA256WITHRSA', 'SHA256WITHRSA_PSS', 'SHA512WITHRSA_PSS'] as const) {
  test(`response (RSA-2048 CA, ${alg}): good / revoked / nonce, signer certificate in certs`, () => {
    const req = request(`rr-${alg}.der`, '-issuer', 'rca.pem', '-sha256', '-cert', 'rleaf.pem').info;
    writeFileSync(file(`rg-${alg}.der`), respond(req, rsa, alg, () => ({ kind: 'good' })));
    const st = statusRun(`rg-${alg}.der`, 'rca.pem', ['-sha256', '-cert', 'rleaf.pem']);
    assert.equal(st.status, 0, st.out);
    assert.match(st.out, /Response verify OK/);
    assert.match(st.out, /^rleaf\.pem: good$/m);
    assert.match(st.out, /^\tNext Update: /m);
    assert.match(st.out, alg.endsWith('_PSS') ? /Signature Algorithm: rsassaPss/ : /Signature Algorithm: sha256WithRSAEncryption/);

    // signer found through the response's certs (no -issuer / -verify_other)
    writeFileSync(file(`rc-${alg}.der`), respond(req, rsa, alg, () => ({ kind: 'revoked', time: REVOKED_AT, reasonCode: 1 }), { certs: [rsa.der] }));
    const n = nonceRun(`rc-${alg}.der`, `rr-${alg}.der`, 'rca.pem', []);
    assert.equal(n.status, 0, n.out);
    assert.match(n.out, /Response verify OK/);
    assert.doesNotMatch(n.out, /WARNING: no nonce in response/);
    const t = openssl('ocsp', '-respin', `rc-${alg}.der`, '-resp_text', '-noverify');
    assert.match(t.out, /Cert Status: revoked/);
    assert.match(t.out, /Revocation Reason: keyCompromise \(0x1\)/);
    assert.match(t.out, /Subject: O=OpenPCA Test, CN=OCSP Test RSA CA/, 'certs [0] carries the CA certificate');
  });
}

// ---------------------------------------------------------------- 4: error responses

test('error responses: only responseStatus, openssl names them', () => {
  const names: Record<number, string> = { 1: 'malformedrequest', 2: 'internalerror', 3: 'trylater', 5: 'sigrequired', 6: 'unauthorized' };
  for (const s of [OCSP_STATUS.malformedRequest, OCSP_STATUS.internalError, OCSP_STATUS.tryLater, OCSP_STATUS.sigRequired, OCSP_STATUS.unauthorized]) {
    const der = ocspErrorResponse(s);
    assert.equal(hex(der), `30030a010${s}`);
    writeFileSync(file(`err${s}.der`), der);
    const r = openssl('ocsp', '-respin', `err${s}.der`, '-resp_text');
    assert.equal(r.stdout, `Responder Error: ${names[s]} (${s})\n`);
  }
  assert.throws(() => ocspErrorResponse(4 as 1), RangeError);
});

// ---------------------------------------------------------------- 5: malformed input and the GET path

test('malformed requests throw OcspMalformed', () => {
  const good = request('m.der', '-issuer', 'ca.pem', '-cert', 'leaf1.pem').der;
  const certId = parseOcspRequest(good).certIds[0]!.der;
  const nonceExt = (v: Uint8Array): Uint8Array => seq(oid('1.3.6.1.5.5.7.48.1.2'), octetString(v));
  const reqOf = (...tbsParts: Uint8Array[]): Uint8Array => seq(seq(...tbsParts));
  const withSerial = (serialTlv: Uint8Array): Uint8Array => {
    const f = children(certId, readTlv(certId, 0));
    return reqOf(seq(seq(seq(...f.slice(0, 3).map((t) => tlvBytes(certId, t)), serialTlv))));
  };
  const bad: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /empty/],
    ['garbage', new TextEncoder().encode('hello, world'), /OCSPRequest|malformed/],
    ['trailing byte', Uint8Array.from([...good, 0]), /trailing/],
    ['truncated', good.subarray(0, good.length - 1), /malformed/],
    ['truncated header', good.subarray(0, 1), /malformed/],
    ['wrong outer tag', Uint8Array.from([0x31, ...good.subarray(1)]), /expected a SEQUENCE/],
    ['empty requestList', reqOf(seq()), /requestList is empty/],
    ['no requestList', reqOf(), /requestList is missing/],
    ['version 2', reqOf(explicit(0, integer(Uint8Array.of(1))), seq(seq(certId))), /version/],
    ['negative serial', withSerial(tlv(0x02, Uint8Array.of(0x80, 1))), /negative/],
    ['non-minimal serial', withSerial(tlv(0x02, Uint8Array.of(0, 1))), /non-minimal/],
    ['serial not an INTEGER', withSerial(octetString(Uint8Array.of(1))), /serialNumber/],
    ['extra CertID field', reqOf(seq(seq(seq(...children(certId, readTlv(certId, 0)).map((t) => tlvBytes(certId, t)), integer(Uint8Array.of(1)))))), /CertID/],
    ['two nonces', reqOf(seq(seq(certId)), explicit(2, seq(nonceExt(Uint8Array.of(4, 1, 1)), nonceExt(Uint8Array.of(4, 1, 2))))), /more than one nonce/],
    ['empty Extensions', reqOf(seq(seq(certId)), explicit(2, seq())), /empty Extensions/],
    ['element after signature', seq(seq(seq(seq(certId))), explicit(0, seq(seq(oid('1.2.840.10045.4.3.2')), tlv(0x03, Uint8Array.of(0)))), seq()), /unexpected element/],
    ['indefinite length', Uint8Array.of(0x30, 0x80, 0, 0), /indefinite/],
  ];
  for (const [what, der, msg] of bad) {
    assert.throws(() => parseOcspRequest(der), (e: unknown) => e instanceof OcspMalformed && msg.test(e.message), what);
  }
});

test('hand-built requests: explicit v1, requestorName, unknown extensions, signature shape', () => {
  const certId = request('h.der', '-issuer', 'ca.pem', '-cert', 'leaf2.pem').info.certIds[0]!.der;
  const unknownExt = seq(oid('1.2.3.4'), tlv(0x01, Uint8Array.of(0xff)), octetString(Uint8Array.of(5, 0)));
  const nonce = Uint8Array.of(0x04, 0x02, 0xca, 0xfe);
  const der = seq(
    seq(
      explicit(0, integer(Uint8Array.of(0))),
      explicit(1, explicit(4, seq())), // requestorName: directoryName (empty Name)
      seq(seq(certId, explicit(0, seq(unknownExt))), seq(certId)),
      explicit(2, seq(unknownExt, seq(oid('1.3.6.1.5.5.7.48.1.2'), octetString(nonce)))),
    ),
    explicit(0, seq(seq(oid('1.2.840.10045.4.3.2')), tlv(0x03, Uint8Array.of(0, 1, 2)), explicit(0, seq()))),
  );
  const info = parseOcspRequest(der);
  assert.equal(info.signed, true);
  assert.equal(info.certIds.length, 2);
  assert.equal(info.certIds[0]!.serial, SERIAL2);
  assert.equal(hex(info.certIds[1]!.der), hex(certId));
  assert.equal(hex(info.nonce!), hex(nonce));
  // unknown hash algorithm: hash null, OID kept
  const alt = seq(seq(seq(seq(seq(seq(oid('1.2.840.113549.2.5'), Uint8Array.of(5, 0)), octetString(new Uint8Array(16)), octetString(new Uint8Array(16)), integer(Uint8Array.of(0)))))));
  const c = parseOcspRequest(alt).certIds[0]!;
  assert.equal(c.hash, null);
  assert.equal(c.hashOid, '1.2.840.113549.2.5');
  assert.equal(c.serial, '00');
});

test('GET path: percent-encoded standard base64, url-safe without padding, invalid input', () => {
  const der = request('g.der', '-issuer', 'ca.pem', '-cert', 'leaf1.pem').der;
  const b64 = Buffer.from(der).toString('base64');
  assert.equal(hex(decodeOcspGetPath(b64)), hex(der), 'raw (\'/\' kept as a path separator)');
  assert.equal(hex(decodeOcspGetPath(encodeURIComponent(b64))), hex(der), '%2B %2F %3D');
  assert.equal(hex(decodeOcspGetPath(encodeURIComponent(b64).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))), hex(der));
  assert.equal(hex(decodeOcspGetPath(Buffer.from(der).toString('base64url'))), hex(der), 'url-safe, no padding');
  assert.equal(hex(decodeOcspGetPath('/' + b64)), hex(der), 'leading slash from a doubled separator');
  assert.equal(parseOcspRequest(decodeOcspGetPath(encodeURIComponent(b64))).certIds[0]!.serial, SERIAL1);

  // bytes whose base64 has every special character: "+/+/", "-_" and padding
  for (const bytes of [Uint8Array.of(0xfb, 0xff, 0xbf), Uint8Array.of(0xfb, 0xff, 0xbf, 0x30), Uint8Array.of(0xfb, 0xff, 0xbf, 0x30, 0x81), Uint8Array.of(0x30)]) {
    const std = Buffer.from(bytes).toString('base64');
    const url = Buffer.from(bytes).toString('base64url');
    assert.equal(hex(decodeOcspGetPath(std)), hex(bytes), std);
    assert.equal(hex(decodeOcspGetPath(std.replace(/\+/g, '%2B').replace(/\//g, '%2f').replace(/=/g, '%3D'))), hex(bytes));
    assert.equal(hex(decodeOcspGetPath(url)), hex(bytes), url);
    assert.equal(hex(decodeOcspGetPath(std.replace(/=+$/, ''))), hex(bytes));
  }
  assert.equal(Buffer.from(Uint8Array.of(0xfb, 0xff, 0xbf, 0x30)).toString('base64'), '+/+/MA==');

  for (const s of ['', '/', 'M', 'MEow!', 'ME ow', '%zz', 'MEo%2', 'MEo%', 'ME=w', 'MEow=', 'MA===', 'MEow\n', '%3D', 'MEé']) {
    assert.throws(() => decodeOcspGetPath(s), OcspMalformed, JSON.stringify(s));
  }
});

// ---------------------------------------------------------------- 6: openssl's own responder as the oracle

/** GeneralizedTime TLV → Date. */
function genTimeOf(buf: Uint8Array, t: Tlv): Date {
  assert.equal(t.tag, 0x18);
  const s = Buffer.from(tlvValue(buf, t)).toString('latin1');
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  assert.ok(m, s);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** tbsResponseData of a successful OCSPResponse DER. */
function tbsOf(resp: Uint8Array): Uint8Array {
  const outer = readTlv(resp, 0);
  const rb = children(resp, outer)[1] as Tlv; // [0] responseBytes
  const rbSeq = children(resp, rb)[0] as Tlv;
  const octet = children(resp, rbSeq)[1] as Tlv;
  const basic = readTlv(resp, octet.vStart);
  return tlvBytes(resp, children(resp, basic)[0] as Tlv);
}

function normalise(text: string): string {
  return text
    .replace(/^(\s*(Produced At|This Update|Next Update)):.*$/gm, '$1: <time>')
    .replace(/^\s+([0-9a-f]{2}:)+[0-9a-f]{2}:?$/gm, '<sig>');
}

test('oracle: openssl -index responder vs ours — identical text and byte-identical tbsResponseData', () => {
  const notAfter = /notAfter=(\w+) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) GMT/.exec(ok('x509', '-in', 'leaf1.pem', '-noout', '-enddate'));
  assert.ok(notAfter);
  const exp = new Date(`${notAfter[1]} ${notAfter[2]} ${notAfter[6]} ${notAfter[3]}:${notAfter[4]}:${notAfter[5]} GMT`);
  const yymm = exp.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  writeFileSync(file('index.txt'),
    `V\t${yymm}\t\t${SERIAL1.toUpperCase()}\tunknown\t/CN=leaf\n` +
    `R\t${yymm}\t250101000000Z,keyCompromise\t${SERIAL2.toUpperCase()}\tunknown\t/CN=leaf\n`);
  const req = request('oreq.der', '-issuer', 'ca.pem', '-cert', 'leaf1.pem', '-cert', 'leaf2.pem', '-serial', '0x1234').info;
  ok('ocsp', '-index', 'index.txt', '-rsigner', 'ca.pem', '-rkey', 'ca.key', '-CA', 'ca.pem', '-reqin', 'oreq.der',
    '-respout', 'oracle.der', '-resp_key_id', '-nmin', '60', '-resp_no_certs');
  const oracle = read('oracle.der');

  // same times as the oracle so that the DER can be compared byte for byte
  const otbs = tbsOf(oracle);
  const f = children(otbs, readTlv(otbs, 0));
  const producedAt = genTimeOf(otbs, f[1] as Tlv);
  const singles = children(otbs, f[2] as Tlv).map((s) => children(otbs, s));
  const times = singles.map((s) => ({ thisUpdate: genTimeOf(otbs, s[2] as Tlv), nextUpdate: genTimeOf(otbs, children(otbs, s[3] as Tlv)[0] as Tlv) }));
  const statusOf = threeWay(1);
  const tbs = encodeResponseData({
    responderKeyHash: responderKeyHash(ec.spkiDer), producedAt, nonce: req.nonce,
    responses: req.certIds.map((c, i) => ({ certIdDer: c.der, status: statusOf(c.serial), ...times[i]! })),
  });
  assert.equal(hex(tbs), hex(otbs), 'tbsResponseData identical to openssl\'s');

  const s = signArgs('SHA256WITHECDSA', ec.key);
  writeFileSync(file('ours.der'), encodeSuccessResponse(tbs, 'SHA256WITHECDSA', new Uint8Array(sign(s.digest, tbs, s.key))));
  const a = ok('ocsp', '-respin', 'oracle.der', '-resp_text', '-noverify');
  const b = ok('ocsp', '-respin', 'ours.der', '-resp_text', '-noverify');
  assert.match(a, /Issuer Key Hash: /);
  assert.match(a, /Cert Status: revoked/);
  assert.match(a, /Cert Status: unknown/);
  assert.equal(normalise(b), normalise(a));
  const v = nonceRun('ours.der', 'oreq.der', 'ca.pem');
  assert.match(v.out, /Response verify OK/);
});

// ---------------------------------------------------------------- encoder details

test('encodeResponseData: field encodings and argument checks', () => {
  assert.equal(Buffer.from(generalizedTime(new Date('2024-02-29T23:59:58.999Z'))).toString('latin1'), '\x18\x0f20240229235958Z');
  assert.equal(Buffer.from(generalizedTime(new Date('2051-01-02T03:04:05Z'))).toString('latin1'), '\x18\x0f20510102030405Z');
  const certIdDer = seq(seq(oid('1.3.14.3.2.26'), Uint8Array.of(5, 0)), octetString(new Uint8Array(20)), octetString(new Uint8Array(20)), integer(Uint8Array.of(7)));
  const base = { responderKeyHash: new Uint8Array(20).fill(0xab), producedAt: NOW, nonce: null };
  const one = (status: OcspCertStatus): string => hex(encodeResponseData({ ...base, responses: [{ certIdDer, status, thisUpdate: NOW, nextUpdate: NOW }] }));
  assert.ok(one({ kind: 'good' }).includes(hex(certIdDer) + '8000'));
  assert.ok(one({ kind: 'unknown' }).includes(hex(certIdDer) + '8200'));
  assert.ok(one({ kind: 'revoked', time: REVOKED_AT, reasonCode: 4 }).includes(hex(certIdDer) + 'a116' + '180f' + hex(Buffer.from('20250101000000Z')) + 'a0030a0104'));
  assert.ok(one({ kind: 'revoked', time: REVOKED_AT, reasonCode: null }).includes(hex(certIdDer) + 'a111' + '180f'));
  assert.ok(one({ kind: 'good' }).startsWith('30') && one({ kind: 'good' }).includes('a2160414' + 'ab'.repeat(20)));
  assert.throws(() => one({ kind: 'revoked', time: REVOKED_AT, reasonCode: 7 }), RangeError);
  assert.throws(() => one({ kind: 'revoked', time: REVOKED_AT, reasonCode: 11 }), RangeError);
  assert.throws(() => encodeResponseData({ ...base, responses: [] }), RangeError);
  assert.throws(() => encodeResponseData({ ...base, responderKeyHash: new Uint8Array(32), responses: [] }), RangeError);
  const tbs = encodeResponseData({ ...base, responses: [{ certIdDer, status: { kind: 'good' }, thisUpdate: NOW, nextUpdate: NOW }] });
  assert.equal(hex(encodeSuccessResponse(tbs, 'SHA256WITHECDSA', Uint8Array.of(1), [])), hex(encodeSuccessResponse(tbs, 'SHA256WITHECDSA', Uint8Array.of(1))), 'empty certs omitted');
  assert.ok(hex(encodeSuccessResponse(tbs, 'SHA256WITHECDSA', Uint8Array.of(1))).startsWith('30'));
  // many responses: long-form lengths stay consistent (the encoder checks its own byte count)
  const many = encodeResponseData({ ...base, nonce: new Uint8Array(300), responses: Array.from({ length: 200 }, () => ({ certIdDer, status: { kind: 'good' as const }, thisUpdate: NOW, nextUpdate: NOW })) });
  assert.equal(readTlv(many, 0).end, many.length);
});
