// Tests for audit report formatting (REVOCATION.md §6.3–§6.4): timestamps, serials, the Java RFC 2253
// subject string (openssl and, when installed, Java itself as oracles), and the streaming JSON/CSV writers.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { DerError, bitString, integer, oid, printableString, seq, set, time, tlv, utf8String, ia5String } from '../x509/der.ts';
import { rfc2253 } from '../x509/rfc2253.ts';
import { certificateSubjectDer, tbsFields } from '../x509/tbs-fields.ts';
import {
  CSV_HEADER, REPORT_CHUNK_CHARS, auditRecord, auditSerial, auditTimestamp, compareAuditRecords,
  csvReport, jsonReport, type AuditRecordInput,
} from './audit-report.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'openpca-audit-'));
let certCount = 0;
after(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed P-256 certificate made by openssl with the given -subj (UTF-8); returns its path and DER. */
function opensslCert(subj: string, ...extra: string[]): { path: string; der: Uint8Array } {
  const path = join(dir, `c${certCount++}.der`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'),
    '-days', '1', '-utf8', '-subj', subj, ...extra, '-outform', 'DER', '-out', path,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { path, der: new Uint8Array(readFileSync(path)) };
}

/** `openssl x509 -subject -nameopt RFC2253` without the MSB escaping, so UTF-8 prints as UTF-8. */
function opensslRfc2253(path: string): string {
  const out = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', path, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb'], { encoding: 'utf8' });
  assert.match(out, /^subject=/);
  return out.slice('subject='.length).replace(/\n$/, '');
}

const subjectOf = (der: Uint8Array): string => rfc2253(certificateSubjectDer(der));
const ava = (type: string, value: Uint8Array): Uint8Array => seq(oid(type), value);
const rdn = (...avas: Uint8Array[]): Uint8Array => set(...avas);
const name = (...rdns: Uint8Array[]): Uint8Array => seq(...rdns);
const cn = (value: Uint8Array): Uint8Array => name(rdn(ava('2.5.4.3', value)));

// ---------------------------------------------------------------- subject: openssl-built names

test('rfc2253: the §6.4 example subject, read out of an openssl certificate', () => {
  const c = opensslCert('/C=US/ST=Washington/L=Seattle/O=Example Company/OU=Sales/CN=www.example1.com');
  const expected = 'CN=www.example1.com,OU=Sales,O=Example Company,L=Seattle,ST=Washington,C=US';
  assert.equal(subjectOf(c.der), expected);
  assert.equal(opensslRfc2253(c.path), expected);
});

test('rfc2253: keyword-only subjects agree with openssl (escapes, leading/trailing space, UTF-8, DC, UID)', () => {
  const cases: [subj: string, expected: string, openssl?: string][] = [
    // openssl -subj: backslash escapes the next character
    ['/CN=\\#a\\,b\\+c"d\\\\e<f>g;h ', 'CN=\\#a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\ '],
    ['/O= lead/OU=trail ', 'OU=trail\\ ,O=\\ lead'], // openssl escapes only the last of several trailing spaces
    ['/L=Zürich/ST=Île-de-France/CN=日本語 ☃', 'CN=日本語 ☃,ST=Île-de-France,L=Zürich'],
    ['/DC=com/DC=example/UID=jdoe/CN=host.example.com', 'CN=host.example.com,UID=jdoe,DC=example,DC=com'],
    ['/street=1 Main St/C=DE', 'C=DE,STREET=1 Main St', 'C=DE,street=1 Main St'], // openssl's keyword is lower-case
  ];
  for (const [subj, expected, openssl] of cases) {
    const c = opensslCert(subj);
    assert.equal(subjectOf(c.der), expected, subj);
    assert.equal(opensslRfc2253(c.path), openssl ?? expected, `openssl for ${subj}`);
  }
});

test('rfc2253: non-keyword attribute types are OID=#hex of the value TLV, where openssl prints keywords', () => {
  const c = opensslCert('/CN=x/emailAddress=sales@example.com/title=Boss/serialNumber=123/GN=Jo/SN=Doe/initials=J/dnQualifier=q/pseudonym=P');
  assert.equal(subjectOf(c.der), [
    '2.5.4.65=#0c0150', // pseudonym UTF8String "P"
    '2.5.4.46=#130171', // dnQualifier PrintableString "q"
    '2.5.4.43=#0c014a', // initials
    '2.5.4.4=#0c03446f65', // surname
    '2.5.4.42=#0c024a6f', // givenName
    '2.5.4.5=#1303313233', // serialNumber PrintableString
    '2.5.4.12=#0c04426f7373', // title
    '1.2.840.113549.1.9.1=#161173616c6573406578616d706c652e636f6d', // the §6.4 evidence: IA5String sales@example.com
    'CN=x',
  ].join(','));
  assert.equal(opensslRfc2253(c.path),
    'pseudonym=P,dnQualifier=q,initials=J,SN=Doe,GN=Jo,serialNumber=123,title=Boss,emailAddress=sales@example.com,CN=x');
});

test('rfc2253: Java escapes = and # anywhere in a value; openssl only a leading #', () => {
  const c = opensslCert('/OU=x=y#z/CN=a#b');
  assert.equal(subjectOf(c.der), 'CN=a\\#b,OU=x\\=y\\#z');
  assert.equal(opensslRfc2253(c.path), 'CN=a#b,OU=x=y#z');
});

test('rfc2253: multi-valued RDN members keep their encoded order (openssl reverses them)', () => {
  const c = opensslCert('/CN=a+OU=b/O=c', '-multivalue-rdn');
  // DER SET OF sorting puts CN (…04 03) before OU (…04 0b); Java prints the encoded order.
  assert.equal(subjectOf(c.der), 'O=c,CN=a+OU=b');
  assert.equal(opensslRfc2253(c.path), 'O=c,OU=b+CN=a');
  // Hand-built, unsorted SET: still the encoded order, not sorted.
  assert.equal(rfc2253(name(rdn(ava('2.5.4.11', utf8String('b')), ava('2.5.4.3', utf8String('a')), ava('2.5.4.12', utf8String('t'))))),
    'OU=b+CN=a+2.5.4.12=#0c0174');
});

test('tbsFields / certificateSubjectDer: the same bytes as @peculiar/asn1-x509 finds; v1 certificates; bad input', () => {
  const c = opensslCert('/C=US/O=Peculiar Check/CN=subject.example');
  const parsed = AsnConvert.parse(c.der, Certificate);
  const ser = (v: unknown) => hex(new Uint8Array(AsnConvert.serialize(v)));
  assert.equal(hex(certificateSubjectDer(c.der)), ser(parsed.tbsCertificate.subject));
  const f = tbsFields(c.der);
  assert.equal(hex(f.issuer), ser(parsed.tbsCertificate.issuer));
  assert.equal(hex(f.spki), ser(parsed.tbsCertificate.subjectPublicKeyInfo));
  assert.equal(hex(f.serial), hex(new Uint8Array(parsed.tbsCertificate.serialNumber)));

  // v1: no [0] version; issuer and subject differ so a wrong walk shows.
  const issuer = name(rdn(ava('2.5.4.3', utf8String('Issuer CA'))));
  const subject = name(rdn(ava('2.5.4.6', printableString('US'))), rdn(ava('2.5.4.3', utf8String('v1 leaf'))));
  const alg = seq(oid('1.2.840.10045.4.3.2'));
  const tbs = seq(integer(Uint8Array.of(0x8f, 1)), alg, issuer, seq(time(new Date(0)), time(new Date(1e12))), subject,
    seq(seq(oid('1.2.840.10045.2.1')), bitString(Uint8Array.of(4, 1, 2))));
  const v1 = seq(tbs, alg, bitString(Uint8Array.of(0)));
  assert.equal(hex(certificateSubjectDer(v1)), hex(subject));
  assert.equal(hex(tbsFields(v1).issuer), hex(issuer));
  assert.equal(hex(tbsFields(v1).serial), '008f01', 'the INTEGER contents, sign octet included');
  assert.equal(subjectOf(v1), 'CN=v1 leaf,C=US');

  assert.throws(() => certificateSubjectDer(Uint8Array.of(...v1, 0)), DerError);
  assert.throws(() => certificateSubjectDer(v1.subarray(0, v1.length - 3)), DerError);
  assert.throws(() => certificateSubjectDer(seq(seq(integer(Uint8Array.of(1)), alg, issuer))), DerError);
});

// ---------------------------------------------------------------- subject: hand-built values

test('rfc2253: value string types decode like Java (UTF-8, BMP, Latin-1 types) and others print as #hex', () => {
  assert.equal(rfc2253(cn(utf8String('Grüße'))), 'CN=Grüße');
  assert.equal(rfc2253(cn(tlv(0x1e, Uint8Array.of(0, 0x41, 0x30, 0x42, 0xd8, 0x3d, 0xde, 0x00)))), 'CN=Aあ😀'); // BMPString
  assert.equal(rfc2253(cn(tlv(0x14, Uint8Array.of(0x41, 0xe9, 0x85)))), 'CN=Aé\u0085'); // TeletexString: ISO-8859-1, not cp1252
  assert.equal(rfc2253(cn(tlv(0x1b, Uint8Array.of(0x67)))), 'CN=g'); // GeneralString
  assert.equal(rfc2253(cn(ia5String('a@b'))), 'CN=a@b');
  assert.equal(rfc2253(cn(printableString('P 1'))), 'CN=P 1');
  // Not strings to Java: UniversalString, VisibleString, INTEGER, SEQUENCE → #hex even under a keyword.
  assert.equal(rfc2253(cn(tlv(0x1c, Uint8Array.of(0, 0, 0, 0x41)))), 'CN=#1c0400000041');
  assert.equal(rfc2253(cn(tlv(0x1a, Uint8Array.of(0x41)))), 'CN=#1a0141');
  assert.equal(rfc2253(cn(integer(Uint8Array.of(5)))), 'CN=#020105');
  assert.equal(rfc2253(name(rdn(ava('2.5.4.10', seq(utf8String('x')))))), 'O=#30030c0178');
  // Long values: the hex covers the long-form length octets too.
  const long = 'x'.repeat(200);
  assert.equal(rfc2253(name(rdn(ava('2.5.4.13', utf8String(long))))), `2.5.4.13=#0c81c8${'78'.repeat(200)}`);
  // An OID with an arc beyond 2^53.
  assert.equal(rfc2253(name(rdn(ava('2.25.329800735698586629295641978511506172918', utf8String('u'))))),
    '2.25.329800735698586629295641978511506172918=#0c0175');
});

test('rfc2253: escaping of specials, NUL, leading/trailing spaces and CRs, empty and BOM values', () => {
  const esc = (v: string): string => rfc2253(cn(utf8String(v))).slice(3);
  assert.equal(esc('a,b+c"d\\e<f>g;h'), 'a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h');
  assert.equal(esc('#lead'), '\\#lead');
  assert.equal(esc(' lead'), '\\ lead');
  assert.equal(esc('trail '), 'trail\\ ');
  assert.equal(esc('  two  '), '\\ \\ two\\ \\ ');
  assert.equal(esc('mid dle'), 'mid dle');
  assert.equal(esc('   '), '\\ \\ \\ ');
  assert.equal(esc('\r a\r'), '\\\r\\ a\\\r');
  assert.equal(esc('a\u0000b'), 'a\\00b');
  assert.equal(esc('line1\nline2'), 'line1\nline2');
  assert.equal(esc(''), '');
  assert.equal(esc('\ufeffx'), '\ufeffx');
  assert.equal(esc(' ,'), '\\ \\,'); // an escaped ',' ends the leading run
  assert.equal(rfc2253(name()), '');
});

test('rfc2253: malformed names throw DerError', () => {
  assert.throws(() => rfc2253(seq(seq(ava('2.5.4.3', utf8String('x'))))), DerError); // RDN not a SET
  assert.throws(() => rfc2253(seq(set())), DerError); // empty RDN
  assert.throws(() => rfc2253(seq(set(seq(oid('2.5.4.3')))))); // AVA without value
  assert.throws(() => rfc2253(seq(set(seq(oid('2.5.4.3'), utf8String('x'), utf8String('y'))))), DerError);
  assert.throws(() => rfc2253(Uint8Array.of(...cn(utf8String('x')), 0)), DerError);
  assert.throws(() => rfc2253(set()), DerError);
});

// ---------------------------------------------------------------- subject: Java itself as the oracle

const JAVA_ORACLE = `
import javax.security.auth.x500.X500Principal;
import java.io.*;
import java.util.HexFormat;
public class Rfc2253 {
  public static void main(String[] a) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in));
    for (String l; (l = r.readLine()) != null;) {
      if (l.isEmpty()) continue;
      byte[] s = new X500Principal(HexFormat.of().parseHex(l)).getName("RFC2253").getBytes("UTF-8");
      System.out.println(HexFormat.of().formatHex(s));
    }
  }
}
`;

function javaAvailable(): boolean {
  try { return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0; } catch { return false; }
}

test('rfc2253: equals javax.security.auth.x500.X500Principal.getName("RFC2253")', { skip: !javaAvailable() && 'java not installed' }, () => {
  const src = join(dir, 'Rfc2253.java');
  writeFileSync(src, JAVA_ORACLE);
  const names: Uint8Array[] = [
    certificateSubjectDer(opensslCert('/C=US/ST=Washington/L=Seattle/O=Example Company/OU=Sales/CN=www.example1.com').der),
    certificateSubjectDer(opensslCert('/CN=\\#a\\,b\\+c"d\\\\e<f>g;h /O= lead/OU=x=y#z/L=Zürich/DC=ex/UID=u1').der),
    certificateSubjectDer(opensslCert('/CN=x/emailAddress=sales@example.com/title=Boss/serialNumber=123/GN=Jo/SN=Doe/street=Main').der),
    certificateSubjectDer(opensslCert('/CN=a+OU=b+title=t/O=c', '-multivalue-rdn').der),
    name(rdn(ava('2.5.4.11', utf8String('b')), ava('2.5.4.3', utf8String('a')))),
    cn(utf8String('  two  ')), cn(utf8String('\r a\r')), cn(utf8String('a\u0000b')), cn(utf8String('   ')),
    cn(utf8String('')), cn(utf8String('\ufeffx')), cn(utf8String(' ,')), cn(utf8String('日本語 ☃ 😀')),
    cn(utf8String('line1\nline2')), cn(ia5String('#x=y')), cn(printableString('P=1')),
    cn(tlv(0x1c, Uint8Array.of(0, 0, 0, 0x41))), cn(tlv(0x1a, Uint8Array.of(0x41))), cn(integer(Uint8Array.of(5))),
    name(rdn(ava('2.5.4.10', seq(utf8String('x'))))),
    name(rdn(ava('2.5.4.13', utf8String('x'.repeat(200))))),
    name(rdn(ava('2.25.329800735698586629295641978511506172918', utf8String('u')))),
    name(),
  ];
  const out = execFileSync('java', [src], { input: names.map(hex).join('\n') + '\n', encoding: 'utf8' }).split('\n');
  assert.equal(out.pop(), '');
  assert.equal(out.length, names.length);
  names.forEach((n, i) => assert.equal(rfc2253(n), Buffer.from(out[i] ?? '', 'hex').toString('utf8'), `name ${hex(n)}`));
  // Not compared here: BMPString and high-bit Teletex/IA5 bytes, which JDK 17 decodes as UTF-8
  // (later JDKs decode by type, as rfc2253 does; see the string-type test above).
});

// ---------------------------------------------------------------- timestamps and serials

test('auditTimestamp: yyyy-MM-ddTHH:mm:ss+0000 in UTC, millis truncated, 0000–9999 only', () => {
  assert.equal(auditTimestamp(Date.UTC(2020, 2, 2, 21, 43, 57)), '2020-03-02T21:43:57+0000');
  assert.equal(auditTimestamp(Date.UTC(2020, 2, 2, 21, 43, 57) + 999), '2020-03-02T21:43:57+0000');
  assert.equal(auditTimestamp(253402300799000), '9999-12-31T23:59:59+0000');
  assert.equal(auditTimestamp(253402300799999), '9999-12-31T23:59:59+0000');
  assert.equal(auditTimestamp(0), '1970-01-01T00:00:00+0000');
  assert.equal(auditTimestamp(-1), '1969-12-31T23:59:59+0000');
  assert.equal(auditTimestamp(Date.UTC(2049, 11, 31, 23, 59, 59)), '2049-12-31T23:59:59+0000');
  assert.equal(auditTimestamp(Date.parse('0000-01-01T00:00:00.000Z')), '0000-01-01T00:00:00+0000');
  assert.equal(auditTimestamp(Date.parse('2000-02-29T23:59:59.999Z')), '2000-02-29T23:59:59+0000');
  assert.equal(auditTimestamp(Date.parse('2100-03-01T00:00:00Z') - 1), '2100-02-28T23:59:59+0000');
  assert.equal(auditTimestamp(-62167219200000), '0000-01-01T00:00:00+0000');
  assert.throws(() => auditTimestamp(-62167219200001), RangeError);
  assert.throws(() => auditTimestamp(253402300800000), RangeError);
  assert.throws(() => auditTimestamp(Number.POSITIVE_INFINITY), RangeError);
  assert.throws(() => auditTimestamp(Number.NaN), RangeError);
  assert.throws(() => auditTimestamp(Date.UTC(-1, 0, 1)), RangeError);
});

test('auditTimestamp agrees with Date#toISOString over the whole 0000–9999 range', () => {
  const min = -62167219200000;
  const max = 253402300799999;
  let seed = 12345;
  const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let i = 0; i < 100_000; i++) {
    const ms = Math.floor(min + rand() * rand() * (max - min)) + (i % 2 === 0 ? 0 : Math.floor(rand() * 86_400_000));
    const t = Math.min(ms, max);
    assert.equal(auditTimestamp(t), new Date(t).toISOString().slice(0, 19) + '+0000', String(t));
  }
});

test('auditSerial: lowercase octets joined by colons, magnitude only (R12)', () => {
  assert.equal(auditSerial('0123456789abcdef'), '01:23:45:67:89:ab:cd:ef');
  assert.equal(auditSerial('8f0a'), '8f:0a'); // top bit set: no 00 pad
  assert.equal(auditSerial('ff'), 'ff');
  assert.equal(auditSerial('07'), '07');
  assert.equal(auditSerial('ABCDEF'), 'ab:cd:ef');
  assert.equal(auditSerial('0080'), '80'); // a stored INTEGER pad is not magnitude
  assert.equal(auditSerial('00'), '00');
  assert.equal(auditSerial('f3'.repeat(16)), Array(16).fill('f3').join(':'));
  for (const bad of ['', 'abc', 'zz', 'ab:cd', ' ab']) assert.throws(() => auditSerial(bad), RangeError, bad);
});

test('compareAuditRecords: issuedAt ascending, then serial numerically', () => {
  assert.ok(compareAuditRecords({ issuedAt: 1, serialHex: 'ff' }, { issuedAt: 2, serialHex: '01' }) < 0);
  assert.ok(compareAuditRecords({ issuedAt: 2, serialHex: '01' }, { issuedAt: 1, serialHex: 'ff' }) > 0);
  assert.ok(compareAuditRecords({ issuedAt: 1, serialHex: 'ff' }, { issuedAt: 1, serialHex: '0100' }) < 0);
  assert.ok(compareAuditRecords({ issuedAt: 1, serialHex: '7f' }, { issuedAt: 1, serialHex: '80' }) < 0);
  assert.equal(compareAuditRecords({ issuedAt: 1, serialHex: '80' }, { issuedAt: 1, serialHex: '0080' }), 0);
});

// ---------------------------------------------------------------- records and reports

const ARN = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const TEMPLATE = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';
const EXAMPLE = opensslCert('/C=US/ST=Washington/L=Seattle/O=Example Company/OU=Sales/CN=www.example1.com').der;
const T0 = Date.UTC(2024, 0, 15, 10, 0, 0);

function input(serialHex: string, der: Uint8Array, extra: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    awsAccountId: '123456789012', certificateArn: `${ARN}/certificate/${serialHex}`, serialHex, certificateDer: der,
    notBefore: T0 - 3_600_000, notAfter: T0 + 365 * 86_400_000, issuedAt: T0, templateArn: TEMPLATE, ...extra,
  };
}

const ALL_KEYS = ['awsAccountId', 'requestedByServicePrincipal', 'certificateArn', 'serial', 'subject', 'notBefore', 'notAfter',
  'issuedAt', 'revokedAt', 'revocationReason', 'templateArn'];

async function collect(gen: AsyncGenerator<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const c of gen) chunks.push(c);
  return chunks;
}

/** RFC 4180 parser: quoted fields with doubled quotes and embedded CR/LF; every record ends in \n. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') {
        if (text[i] === '"' || text[i] === '\r') throw new Error(`bare ${JSON.stringify(text[i])} in unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\n') { i++; rows.push(row); row = []; continue; }
    throw new Error(`expected , or \\n after a field at ${i}`);
  }
  if (row.length !== 0) throw new Error('last record does not end in \\n');
  return rows;
}

test('jsonReport: one array, keys in §6.4 order, optional keys omitted, values formatted', async () => {
  const comma = opensslCert('/O=Acme, Inc./CN=quote"here').der;
  const records = [
    input('01aa', EXAMPLE),
    input('02', EXAMPLE, { issuedAt: T0 + 1000, revokedAt: null, revocationReason: null, requestedByServicePrincipal: undefined }),
    input('8f00000000000000000000000000000b', comma, {
      issuedAt: T0 + 1000, requestedByServicePrincipal: 'acm.amazonaws.com',
      revokedAt: T0 + 86_400_123, revocationReason: 'KEY_COMPROMISE',
    }),
  ];
  const chunks = await collect(jsonReport(records)); // a plain (sync) iterable works too
  const text = chunks.join('');
  assert.ok(text.endsWith('\n'));
  const parsed = JSON.parse(text) as Record<string, string>[];
  assert.ok(Array.isArray(parsed));
  assert.equal(parsed.length, 3);
  const [a, c, b] = parsed as [Record<string, string>, Record<string, string>, Record<string, string>];
  assert.deepEqual(Object.keys(a), ALL_KEYS.filter((k) => !['requestedByServicePrincipal', 'revokedAt', 'revocationReason'].includes(k)));
  assert.deepEqual(Object.keys(b), ALL_KEYS);
  assert.deepEqual(Object.keys(c), Object.keys(a));
  assert.deepEqual(a, {
    awsAccountId: '123456789012', certificateArn: `${ARN}/certificate/01aa`, serial: '01:aa',
    subject: 'CN=www.example1.com,OU=Sales,O=Example Company,L=Seattle,ST=Washington,C=US',
    notBefore: '2024-01-15T09:00:00+0000', notAfter: '2025-01-14T10:00:00+0000', issuedAt: '2024-01-15T10:00:00+0000',
    templateArn: TEMPLATE,
  });
  assert.equal(b.requestedByServicePrincipal, 'acm.amazonaws.com');
  assert.equal(b.serial, '8f:00:00:00:00:00:00:00:00:00:00:00:00:00:00:0b');
  assert.equal(b.subject, 'CN=quote\\"here,O=Acme\\, Inc.');
  assert.equal(b.issuedAt, '2024-01-15T10:00:01+0000');
  assert.equal(b.revokedAt, '2024-01-16T10:00:00+0000');
  assert.equal(b.revocationReason, 'KEY_COMPROMISE');
  assert.equal(c.serial, '02');

  assert.equal((await collect(jsonReport([]))).join(''), '[]\n');
  assert.deepEqual(JSON.parse((await collect(jsonReport([]))).join('')), []);
});

test('csvReport: header, 11 columns, RFC 4180 quoting, \\n after every line', async () => {
  const comma = opensslCert('/O=Acme, Inc./CN=quote"here').der;
  const records = [
    input('01aa', EXAMPLE),
    input('02', comma, { issuedAt: T0 + 1, requestedByServicePrincipal: 'acm.amazonaws.com', revokedAt: T0 + 2000, revocationReason: 'SUPERSEDED' }),
  ];
  const text = (await collect(csvReport((async function* () { yield* records; })()))).join('');
  assert.ok(text.startsWith(CSV_HEADER + '\n'));
  assert.ok(text.endsWith('\n'));
  // The multi-RDN subject holds commas, so it is quoted; the inner quote (Java-escaped \") is doubled.
  assert.ok(text.includes(',"CN=www.example1.com,OU=Sales,O=Example Company,L=Seattle,ST=Washington,C=US",'));
  assert.ok(text.includes(',"CN=quote\\""here,O=Acme\\, Inc.",'));
  const rows = parseCsv(text);
  assert.equal(rows.length, 3);
  assert.equal(rows[0]?.join(','), CSV_HEADER);
  for (const r of rows) assert.equal(r.length, 11);
  assert.deepEqual(rows[1], [
    '123456789012', '', `${ARN}/certificate/01aa`, '01:aa',
    'CN=www.example1.com,OU=Sales,O=Example Company,L=Seattle,ST=Washington,C=US',
    '2024-01-15T09:00:00+0000', '2025-01-14T10:00:00+0000', '2024-01-15T10:00:00+0000', '', '', TEMPLATE,
  ]);
  assert.deepEqual(rows[2], [
    '123456789012', 'acm.amazonaws.com', `${ARN}/certificate/02`, '02', 'CN=quote\\"here,O=Acme\\, Inc.',
    '2024-01-15T09:00:00+0000', '2025-01-14T10:00:00+0000', '2024-01-15T10:00:00+0000', '2024-01-15T10:00:02+0000',
    'SUPERSEDED', TEMPLATE,
  ]);

  assert.equal((await collect(csvReport([]))).join(''), CSV_HEADER + '\n');
});

test('csvReport: a subject with an embedded newline and CR round-trips through the RFC 4180 parser', async () => {
  const leaf = opensslCert('/CN=placeholder').der;
  // Replace the subject: splice a hand-built Name into a copy of the certificate structure.
  const subject = name(rdn(ava('2.5.4.3', utf8String('line1\nline2\r'))), rdn(ava('2.5.4.10', utf8String('plain'))));
  const alg = seq(oid('1.2.840.10045.4.3.2'));
  const tbs = seq(tlv(0xa0, integer(Uint8Array.of(2))), integer(Uint8Array.of(9)), alg, name(), seq(time(new Date(0)), time(new Date(1e12))),
    subject, seq(seq(oid('1.2.840.10045.2.1')), bitString(Uint8Array.of(4))));
  const der = seq(tbs, alg, bitString(Uint8Array.of(0)));
  assert.notEqual(hex(leaf), hex(der));
  const rows = parseCsv((await collect(csvReport([input('09', der)]))).join(''));
  assert.equal(rows.length, 2);
  assert.equal(rows[1]?.[4], 'O=plain,CN=line1\nline2\\\r');
});

test('reports reject revokedAt without revocationReason (and the reverse) and out-of-order input', async () => {
  await assert.rejects(collect(jsonReport([input('01', EXAMPLE, { revokedAt: T0 })])), RangeError);
  await assert.rejects(collect(csvReport([input('01', EXAMPLE, { revocationReason: 'UNSPECIFIED' })])), RangeError);
  assert.throws(() => auditRecord(input('01', EXAMPLE, { revokedAt: null, revocationReason: 'UNSPECIFIED' })), RangeError);
  await assert.rejects(collect(csvReport([input('02', EXAMPLE), input('01', EXAMPLE)])), /out of order/);
  await assert.rejects(collect(jsonReport([input('01', EXAMPLE, { issuedAt: T0 + 1 }), input('02', EXAMPLE)])), /out of order/);
  await assert.rejects(collect(csvReport([input('01', Uint8Array.of(0x30, 0x00))])), DerError);
});

test('reports stream: 200,000 records from an async generator, chunks before the input ends, batched', async () => {
  const N = 200_000;
  for (const [format, report] of [['csv', csvReport], ['json', jsonReport]] as const) {
    let pulled = 0;
    async function* source(): AsyncGenerator<AuditRecordInput> {
      for (let i = 0; i < N; i++) {
        pulled++;
        const s = (0x8000_0000 + i).toString(16);
        yield input(s, EXAMPLE, {
          issuedAt: T0 + i,
          ...(i % 3 === 0 ? { revokedAt: T0 + i + 5000, revocationReason: 'CESSATION_OF_OPERATION' } : {}),
        });
      }
    }
    const started = performance.now();
    let chunks = 0;
    let pulledAtFirst = -1;
    let lines = 0;
    let chars = 0;
    let last = '';
    const sizes: number[] = [];
    for await (const chunk of report(source())) {
      if (chunks === 0) pulledAtFirst = pulled;
      chunks++;
      sizes.push(chunk.length);
      chars += chunk.length;
      for (let p = chunk.indexOf('\n'); p !== -1; p = chunk.indexOf('\n', p + 1)) lines++;
      last = chunk;
    }
    const ms = performance.now() - started;
    assert.equal(pulled, N, format);
    assert.ok(pulledAtFirst > 0 && pulledAtFirst < 2000, `${format}: first chunk after ${pulledAtFirst} records`);
    assert.ok(chunks > 100, `${format}: ${chunks} chunks`);
    for (const s of sizes.slice(0, -1)) assert.ok(s >= REPORT_CHUNK_CHARS && s < REPORT_CHUNK_CHARS + 1024, `${format}: chunk of ${s}`);
    assert.equal(lines, format === 'csv' ? N + 1 : N + 2, format); // header / '[' line + records (+ ']')
    assert.ok(chars > N * 300, `${format}: ${chars} chars`);
    assert.ok(ms < 30_000, `${format}: ${ms} ms`);
    if (format === 'json') {
      assert.ok(last.endsWith('\n]\n'));
      const lastRecord = last.slice(last.lastIndexOf('\n', last.length - 4) + 1, -3);
      const rec = JSON.parse(lastRecord) as Record<string, string>;
      assert.equal(rec.serial, auditSerial((0x8000_0000 + N - 1).toString(16)));
      assert.equal(rec.revokedAt, undefined); // N - 1 = 199999 is not a multiple of 3
    } else {
      const lastLine = last.slice(last.lastIndexOf('\n', last.length - 2) + 1);
      const row = parseCsv(lastLine)[0] ?? [];
      assert.equal(row.length, 11);
      assert.equal(row[3], '80:03:0d:3f');
    }
  }
});
