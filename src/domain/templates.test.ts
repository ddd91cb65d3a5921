// Tests for the template table and templateContent's precedence, criticality and order rules (TEMPLATES.md §3–§5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ApiError } from '../contract/errors.ts';
import type { ApiPassthrough, CustomExtension } from '../contract/generated.ts';
import { oid, octetString, seq, tlv } from '../x509/der.ts';
import { EKU_OID, extendedKeyUsage } from '../x509/extensions.ts';
import { spkiFromPublicKey } from '../x509/keys.ts';
import { subjectDer } from '../x509/name.ts';
import type { ParsedCsr, RawExtension } from '../x509/types.ts';
import {
  DEFAULT_TEMPLATE_ARN, TEMPLATES, checkTemplatePathLen, findTemplate, templateArn, templateContent, templatePathLen,
  type TemplateDef, type TemplateFamily, type TemplateVariety,
} from './templates.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const SPKI = spkiFromPublicKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
const ISSUER_SKI = new Uint8Array(20).fill(0x11);
const CDP = 'http://pca.example/crl/ca.crl';
const OCSP = 'http://ocsp.pca.example';

const NAMES: Record<string, string> = {
  '2.5.29.19': 'BC', '2.5.29.35': 'AKI', '2.5.29.14': 'SKI', '2.5.29.15': 'KU', '2.5.29.37': 'EKU', '2.5.29.31': 'CDP',
  '1.3.6.1.5.5.7.1.1': 'AIA', '2.5.29.17': 'SAN', '2.5.29.32': 'CP', '1.3.6.1.4.1.99999.1': 'XC', '1.3.6.1.4.1.99999.2': 'XA',
};

const raw = (id: string, critical: boolean, value: Uint8Array): RawExtension => ({ oid: id, critical, value });
const uriSeq = (u: string): Uint8Array => seq(seq(tlv(0xa0, tlv(0xa0, tlv(0x86, ascii(u))))));
/** Every kind of CSR extension, including ones that must never pass (BC, SKI, AKI). */
const CSR_EXTS: RawExtension[] = [
  raw('2.5.29.17', false, seq(tlv(0x82, ascii('csr.example')))),
  raw('2.5.29.15', true, Uint8Array.of(3, 2, 3, 8)),
  raw('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.4'))),
  raw('2.5.29.19', true, Uint8Array.of(0x30, 6, 1, 1, 0xff, 2, 1, 7)),
  raw('2.5.29.14', false, octetString(Uint8Array.of(1, 2))),
  raw('2.5.29.35', false, seq(tlv(0x80, Uint8Array.of(1, 2)))),
  raw('2.5.29.31', false, uriSeq('http://csr.example/x.crl')),
  raw('1.3.6.1.5.5.7.1.1', false, seq(seq(oid('1.3.6.1.5.5.7.48.1'), tlv(0x86, ascii('http://csr-ocsp.example'))))),
  raw('2.5.29.32', false, seq(seq(oid('1.3.6.1.4.1.99999.50')))),
  raw('1.3.6.1.4.1.99999.1', true, Uint8Array.of(5, 0)),
];
const custom = (id: string, value: Uint8Array, critical = false): CustomExtension => ({ ObjectIdentifier: id, Value: b64(value), Critical: critical });
const API_CUSTOM: CustomExtension[] = [
  custom('1.3.6.1.4.1.99999.2', Uint8Array.of(0x0c, 1, 0x61), true),
  custom('2.5.29.35', seq(tlv(0x80, new Uint8Array(20).fill(0xaa)))),
  custom('2.5.29.31', uriSeq('http://api.example/x.crl')),
  custom('1.3.6.1.5.5.7.1.1', seq(seq(oid('1.3.6.1.5.5.7.48.1'), tlv(0x86, ascii('http://api-ocsp.example'))))),
  custom('2.5.29.19', Uint8Array.of(0x30, 6, 1, 1, 0xff, 2, 1, 9)),
  custom('2.5.29.14', octetString(Uint8Array.of(9))),
];
const API: ApiPassthrough = {
  Subject: { CommonName: 'api.example' },
  Extensions: {
    KeyUsage: { DigitalSignature: true, NonRepudiation: true },
    ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'TIME_STAMPING' }],
    SubjectAlternativeNames: [{ DnsName: 'api.example' }],
    CertificatePolicies: [{ CertPolicyId: '1.3.6.1.4.1.99999.77' }],
    CustomExtensions: API_CUSTOM,
  },
};
const CSR_VALUES = new Set(CSR_EXTS.map((e) => hex(e.value)));
const API_VALUES = new Set([...API_CUSTOM.map((c) => Buffer.from(c.Value, 'base64').toString('hex')), '030206c0',
  hex(extendedKeyUsage([{ ExtendedKeyUsageType: 'TIME_STAMPING' }]).value), hex(seq(tlv(0x82, ascii('api.example')))),
  hex(seq(seq(oid('1.3.6.1.4.1.99999.77'))))]);

function csr(o: Partial<ParsedCsr> = {}): ParsedCsr {
  return { der: new Uint8Array(0), subjectDer: subjectDer({ CommonName: 'csr.example' }), subjectEmpty: false, spkiDer: SPKI, keyType: 'EC', extensions: [], ...o };
}

/** "NAME[:source][!]" per extension, in order; source c = CSR, a = API, none = template/CA. */
function describe(exts: RawExtension[]): string {
  return exts.map((e) => {
    const v = hex(e.value);
    const src = CSR_VALUES.has(v) ? ':c' : API_VALUES.has(v) ? ':a' : '';
    return `${NAMES[e.oid] ?? e.oid}${src}${e.critical ? '!' : ''}`;
  }).join(',');
}

function content(t: TemplateDef, o: { csr?: ParsedCsr; api?: ApiPassthrough; ca?: boolean } = {}): { subjectDer: Uint8Array; extensions: RawExtension[] } {
  const ca = o.ca ?? true;
  return templateContent({ template: t, csr: o.csr ?? csr(), api: o.api, issuer: { ski: t.root ? null : ISSUER_SKI }, cdpUri: ca ? CDP : null, ocspUri: ca ? OCSP : null });
}

const tpl = (name: string): TemplateDef => {
  const t = findTemplate(`arn:aws:acm-pca:::template/${name}/V1`);
  assert.ok(t, name);
  return t;
};

function throwsCode(f: () => unknown, code: string, message: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof ApiError && e.code === code && message.test(e.message));
}

test('template table: 61 unique names, family and variety counts per TEMPLATES.md §5', () => {
  assert.equal(TEMPLATES.length, 61);
  assert.equal(new Set(TEMPLATES.map((t) => t.name)).size, 61);
  const count = (f: (t: TemplateDef) => boolean): number => TEMPLATES.filter(f).length;
  const families: Record<TemplateFamily, number> = { EE: 4, EE_CLIENT: 4, EE_SERVER: 4, CODE: 4, OCSP: 4, BLANK_EE: 3, BLANK_EE_CBC: 3,
    SUB_n: 16, BLANK_SUB_n: 12, ROOT: 1, ROOT_API: 1, BLANK_ROOT: 1, BLANK_ROOT_n: 4 };
  for (const [f, n] of Object.entries(families)) assert.equal(count((t) => t.family === f), n, f);
  const varieties: Record<TemplateVariety, number> = { BASE: 10, CSR: 15, API: 21, APICSR: 15 };
  for (const [v, n] of Object.entries(varieties)) assert.equal(count((t) => t.variety === v), n, v);
  assert.equal(count((t) => t.root), 7);
  assert.equal(count((t) => t.ca), 35);
  assert.deepEqual(tpl('BlankRootCACertificate_PathLen2_APIPassthrough'), { name: 'BlankRootCACertificate_PathLen2_APIPassthrough',
    family: 'BLANK_ROOT_n', variety: 'API', pathLen: 2, root: true, ca: true });
  assert.deepEqual(tpl('SubordinateCACertificate_PathLen3_APICSRPassthrough'), { name: 'SubordinateCACertificate_PathLen3_APICSRPassthrough',
    family: 'SUB_n', variety: 'APICSR', pathLen: 3, root: false, ca: true });
});

test('findTemplate: every name in any aws* partition; V2, unknown, wrong case and malformed ARNs do not resolve', () => {
  for (const t of TEMPLATES) {
    for (const p of ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b']) assert.equal(findTemplate(templateArn(t, p)), t);
  }
  assert.equal(findTemplate(DEFAULT_TEMPLATE_ARN)?.name, 'EndEntityCertificate');
  for (const bad of [
    'arn:aws:acm-pca:::template/EndEntityCertificate/V2', 'arn:aws:acm-pca:::template/EndEntityCertificate/V0',
    'arn:aws:acm-pca:::template/endentitycertificate/V1', 'arn:aws:acm-pca:::template/EndEntityCertificate/v1',
    'arn:aws:acm-pca:::template/NoSuchTemplate/V1', 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen4/V1',
    'arn:aws:acm-pca:::template/BlankEndEntityCertificate/V1', 'arn:aws:acm-pca:::template/RootCACertificate_CSRPassthrough/V1',
    'arn:aws:acm-pca:us-east-1::template/EndEntityCertificate/V1', 'arn:gcp:acm-pca:::template/EndEntityCertificate/V1',
    'arn:aws:acm-pca:::template/EndEntityCertificate/V1/', ' arn:aws:acm-pca:::template/EndEntityCertificate/V1', 'EndEntityCertificate',
  ]) assert.equal(findTemplate(bad), undefined, bad);
});

test('path length helper', () => {
  assert.equal(templatePathLen(tpl('EndEntityCertificate')), null);
  assert.equal(templatePathLen(tpl('RootCACertificate')), null);
  assert.equal(templatePathLen(tpl('BlankRootCACertificate_PathLen1_APIPassthrough')), null);
  assert.equal(templatePathLen(tpl('SubordinateCACertificate_PathLen2')), 2);
  assert.equal(templatePathLen(tpl('BlankSubordinateCACertificate_PathLen0_CSRPassthrough')), 0);
  checkTemplatePathLen(tpl('SubordinateCACertificate_PathLen1'), 2);
  checkTemplatePathLen(tpl('SubordinateCACertificate_PathLen3'), null);
  checkTemplatePathLen(tpl('EndEntityCertificate'), 0);
  throwsCode(() => checkTemplatePathLen(tpl('SubordinateCACertificate_PathLen1'), 1), 'InvalidArgsException', /path length 1.*constraint is 1/);
  throwsCode(() => checkTemplatePathLen(tpl('BlankSubordinateCACertificate_PathLen0_APIPassthrough'), 0), 'InvalidArgsException', /only issue end-entity/);
});

/** Family → template-defined BC / KU / EKU values (hex) and the baseline (no CSR extensions, no API, CA CDP+OCSP). */
const FAMILY: Record<TemplateFamily, { bc: string; ku: string | null; eku: string[] | null; base: string }> = {
  EE: { bc: '3000', ku: '030205a0', eku: ['SERVER_AUTH', 'CLIENT_AUTH'], base: 'BC,AKI,SKI,KU!,EKU,CDP,AIA' },
  EE_CLIENT: { bc: '3000', ku: '030205a0', eku: ['CLIENT_AUTH'], base: 'BC,AKI,SKI,KU!,EKU,CDP,AIA' },
  EE_SERVER: { bc: '3000', ku: '030205a0', eku: ['SERVER_AUTH'], base: 'BC,AKI,SKI,KU!,EKU,CDP,AIA' },
  CODE: { bc: '3000', ku: '03020780', eku: ['CODE_SIGNING'], base: 'BC,AKI,SKI,KU!,EKU!,CDP,AIA' },
  OCSP: { bc: '3000', ku: '03020780', eku: ['OCSP_SIGNING'], base: 'BC,AKI,SKI,KU!,EKU!,CDP,AIA' },
  SUB_n: { bc: '30060101ff0201', ku: '03020186', eku: null, base: 'BC!,AKI,SKI,KU!,CDP,AIA' },
  ROOT: { bc: '30030101ff', ku: '03020186', eku: null, base: 'BC!,SKI,KU!' },
  ROOT_API: { bc: '30030101ff', ku: '03020186', eku: null, base: 'BC!,SKI,KU!' },
  BLANK_EE: { bc: '3000', ku: null, eku: null, base: 'BC,AKI,SKI,CDP,AIA' },
  BLANK_EE_CBC: { bc: '3000', ku: null, eku: null, base: 'BC!,AKI,SKI,CDP,AIA' },
  BLANK_SUB_n: { bc: '30060101ff0201', ku: null, eku: null, base: 'BC!,AKI,SKI,CDP,AIA' },
  BLANK_ROOT: { bc: '30030101ff', ku: null, eku: null, base: 'BC!,SKI' },
  BLANK_ROOT_n: { bc: '30060101ff0201', ku: null, eku: null, base: 'BC!,SKI' },
};

test('every template without passthrough input: family extension set, values, criticality and order (TEMPLATES.md §4)', () => {
  for (const t of TEMPLATES) {
    const f = FAMILY[t.family];
    const { subjectDer: s, extensions } = content(t);
    assert.equal(describe(extensions), f.base, t.name);
    assert.equal(hex(s), hex(csr().subjectDer), t.name);
    const value = (id: string): string | undefined => extensions.find((e) => e.oid === id)?.value && hex(extensions.find((e) => e.oid === id)?.value as Uint8Array);
    assert.equal(value('2.5.29.19'), t.pathLen === null ? f.bc : f.bc + `0${t.pathLen}`, t.name);
    assert.equal(value('2.5.29.15') ?? null, f.ku, t.name);
    assert.equal(value('2.5.29.37') ?? null, f.eku && hex(seq(...f.eku.map((k) => oid(EKU_OID[k] as string)))), t.name);
    if (!t.root) assert.equal(value('2.5.29.35'), `3016801411${'11'.repeat(19)}`, t.name);
    assert.equal(new Set(extensions.map((e) => e.oid)).size, extensions.length, `${t.name}: duplicate OID`);
  }
});

/** [family group, variety] → expected with all CSR extensions + full ApiPassthrough, with and without CA CDP/OCSP. */
const FULL: [TemplateFamily[], TemplateVariety, string, string][] = [
  [['EE', 'EE_CLIENT', 'EE_SERVER'], 'BASE', 'BC,AKI,SKI,KU!,EKU,CDP,AIA,SAN:c', 'BC,AKI,SKI,KU!,EKU,SAN:c'],
  [['EE', 'EE_CLIENT', 'EE_SERVER'], 'CSR', 'BC,AKI,SKI,KU!,EKU,CDP,AIA,SAN:c,CP:c,XC:c!', 'BC,AKI,SKI,KU!,EKU,CDP:c,AIA:c,SAN:c,CP:c,XC:c!'],
  [['EE', 'EE_CLIENT', 'EE_SERVER'], 'API', 'BC,AKI,SKI,KU!,EKU,CDP,AIA,SAN:a,CP:a,XA:a!', 'BC,AKI,SKI,KU!,EKU,CDP:a,AIA:a,SAN:a,CP:a,XA:a!'],
  [['EE', 'EE_CLIENT', 'EE_SERVER'], 'APICSR', 'BC,AKI,SKI,KU!,EKU,CDP,AIA,SAN:a,CP:a,XA:a!,XC:c!', 'BC,AKI,SKI,KU!,EKU,CDP:a,AIA:a,SAN:a,CP:a,XA:a!,XC:c!'],
  [['CODE', 'OCSP'], 'BASE', 'BC,AKI,SKI,KU!,EKU!,CDP,AIA,SAN:c', 'BC,AKI,SKI,KU!,EKU!,SAN:c'],
  [['CODE', 'OCSP'], 'CSR', 'BC,AKI,SKI,KU!,EKU!,CDP,AIA,SAN:c,CP:c,XC:c!', 'BC,AKI,SKI,KU!,EKU!,CDP:c,AIA:c,SAN:c,CP:c,XC:c!'],
  [['CODE', 'OCSP'], 'API', 'BC,AKI,SKI,KU!,EKU!,CDP,AIA,SAN:a,CP:a,XA:a!', 'BC,AKI,SKI,KU!,EKU!,CDP:a,AIA:a,SAN:a,CP:a,XA:a!'],
  [['CODE', 'OCSP'], 'APICSR', 'BC,AKI,SKI,KU!,EKU!,CDP,AIA,SAN:a,CP:a,XA:a!,XC:c!', 'BC,AKI,SKI,KU!,EKU!,CDP:a,AIA:a,SAN:a,CP:a,XA:a!,XC:c!'],
  [['SUB_n'], 'BASE', 'BC!,AKI,SKI,KU!,CDP,AIA,SAN:c', 'BC!,AKI,SKI,KU!,SAN:c'],
  [['SUB_n'], 'CSR', 'BC!,AKI,SKI,KU!,EKU:c,CDP,AIA,SAN:c,CP:c,XC:c!', 'BC!,AKI,SKI,KU!,EKU:c,CDP:c,AIA:c,SAN:c,CP:c,XC:c!'],
  [['SUB_n'], 'API', 'BC!,AKI,SKI,KU!,EKU:a,CDP,AIA,SAN:a,CP:a,XA:a!', 'BC!,AKI,SKI,KU!,EKU:a,CDP:a,AIA:a,SAN:a,CP:a,XA:a!'],
  [['SUB_n'], 'APICSR', 'BC!,AKI,SKI,KU!,EKU:a,CDP,AIA,SAN:a,CP:a,XA:a!,XC:c!', 'BC!,AKI,SKI,KU!,EKU:a,CDP:a,AIA:a,SAN:a,CP:a,XA:a!,XC:c!'],
  [['BLANK_EE'], 'CSR', 'BC,AKI,SKI,KU:c!,EKU:c,CDP,AIA,SAN:c,CP:c,XC:c!', 'BC,AKI,SKI,KU:c!,EKU:c,CDP:c,AIA:c,SAN:c,CP:c,XC:c!'],
  [['BLANK_EE'], 'API', 'BC,AKI,SKI,KU:a!,EKU:a,CDP,AIA,SAN:a,CP:a,XA:a!', 'BC,AKI,SKI,KU:a!,EKU:a,CDP:a,AIA:a,SAN:a,CP:a,XA:a!'],
  [['BLANK_EE'], 'APICSR', 'BC,AKI,SKI,KU:a!,EKU:a,CDP,AIA,SAN:a,CP:a,XA:a!,XC:c!', 'BC,AKI,SKI,KU:a!,EKU:a,CDP:a,AIA:a,SAN:a,CP:a,XA:a!,XC:c!'],
  [['BLANK_EE_CBC', 'BLANK_SUB_n'], 'CSR', 'BC!,AKI,SKI,KU:c!,EKU:c,CDP,AIA,SAN:c,CP:c,XC:c!', 'BC!,AKI,SKI,KU:c!,EKU:c,CDP:c,AIA:c,SAN:c,CP:c,XC:c!'],
  [['BLANK_EE_CBC', 'BLANK_SUB_n'], 'API', 'BC!,AKI,SKI,KU:a!,EKU:a,CDP,AIA,SAN:a,CP:a,XA:a!', 'BC!,AKI,SKI,KU:a!,EKU:a,CDP:a,AIA:a,SAN:a,CP:a,XA:a!'],
  [['BLANK_EE_CBC', 'BLANK_SUB_n'], 'APICSR', 'BC!,AKI,SKI,KU:a!,EKU:a,CDP,AIA,SAN:a,CP:a,XA:a!,XC:c!', 'BC!,AKI,SKI,KU:a!,EKU:a,CDP:a,AIA:a,SAN:a,CP:a,XA:a!,XC:c!'],
  [['ROOT'], 'BASE', 'BC!,SKI,KU!,SAN:c', 'BC!,SKI,KU!,SAN:c'],
  [['ROOT_API'], 'API', 'BC!,AKI:a,SKI,KU!,EKU:a,SAN:a,CP:a,XA:a!', 'BC!,AKI:a,SKI,KU!,EKU:a,SAN:a,CP:a,XA:a!'],
  [['BLANK_ROOT', 'BLANK_ROOT_n'], 'API', 'BC!,AKI:a,SKI,KU:a!,EKU:a,SAN:a,CP:a,XA:a!', 'BC!,AKI:a,SKI,KU:a!,EKU:a,SAN:a,CP:a,XA:a!'],
];

test('every template with all CSR extensions and a full ApiPassthrough: template > API > CSR, CA CDP/AIA first (TEMPLATES.md §3)', () => {
  const seen = new Set<string>();
  for (const [families, variety, withCa, withoutCa] of FULL) {
    for (const t of TEMPLATES.filter((x) => families.includes(x.family) && x.variety === variety)) {
      seen.add(t.name);
      const input = { csr: csr({ extensions: CSR_EXTS }), api: API };
      const a = content(t, { ...input, ca: true });
      assert.equal(describe(a.extensions), withCa, `${t.name} (CA CDP/OCSP on)`);
      assert.equal(describe(content(t, { ...input, ca: false }).extensions), withoutCa, `${t.name} (CA CDP/OCSP off)`);
      const apiSubject = variety === 'API' || variety === 'APICSR';
      assert.equal(hex(a.subjectDer), hex(subjectDer({ CommonName: apiSubject ? 'api.example' : 'csr.example' })), t.name);
    }
  }
  assert.equal(seen.size, 61, 'table covers every template');
});

test('SAN: CSR SAN copied with its critical flag by every variety unless the API supplies one', () => {
  const critSan = raw('2.5.29.17', true, seq(tlv(0x82, ascii('csr.example'))));
  assert.equal(describe(content(tpl('EndEntityCertificate'), { csr: csr({ extensions: [critSan] }) }).extensions).split(',').pop(), 'SAN:c!');
  const api: ApiPassthrough = { Extensions: { SubjectAlternativeNames: [{ DnsName: 'api.example' }] } };
  const r = content(tpl('EndEntityCertificate_APIPassthrough'), { csr: csr({ extensions: [critSan] }), api });
  assert.equal(describe(r.extensions).split(',').pop(), 'SAN:a');
  assert.equal(hex(r.subjectDer), hex(csr().subjectDer), 'no API subject: CSR subject kept');
});

test('empty subject: SAN becomes critical; no SAN → MalformedCSR (CSR only) or InvalidArgs (API involved)', () => {
  const empty = { subjectDer: Uint8Array.of(0x30, 0), subjectEmpty: true };
  const san = raw('2.5.29.17', false, seq(tlv(0x82, ascii('csr.example'))));
  assert.match(describe(content(tpl('EndEntityCertificate'), { csr: csr({ ...empty, extensions: [san] }) }).extensions), /SAN:c!$/);
  throwsCode(() => content(tpl('EndEntityCertificate'), { csr: csr(empty) }), 'MalformedCSRException', /empty subject and no subjectAltName/);
  throwsCode(() => content(tpl('EndEntityCertificate_APICSRPassthrough'), { csr: csr(empty) }), 'MalformedCSRException', /empty subject/);
  throwsCode(() => content(tpl('EndEntityCertificate_CSRPassthrough'), { csr: csr(empty), api: API }), 'MalformedCSRException', /empty subject/);
  const kuOnly: ApiPassthrough = { Extensions: { KeyUsage: { DigitalSignature: true } } };
  throwsCode(() => content(tpl('BlankEndEntityCertificate_APIPassthrough'), { csr: csr(empty), api: kuOnly }), 'InvalidArgsException', /ApiPassthrough\.Subject/);
  const apiSan: ApiPassthrough = { Extensions: { SubjectAlternativeNames: [{ DnsName: 'api.example' }] } };
  assert.match(describe(content(tpl('EndEntityCertificate_APIPassthrough'), { csr: csr(empty), api: apiSan }).extensions), /SAN:a!$/);
  const apiSubject = content(tpl('EndEntityCertificate_APIPassthrough'), { csr: csr(empty), api: { Subject: { CommonName: 'x' } } });
  assert.equal(describe(apiSubject.extensions), 'BC,AKI,SKI,KU!,EKU,CDP,AIA');
});

test('ApiPassthrough is ignored (not even validated) for BASE and CSR templates', () => {
  const bad: ApiPassthrough = { Subject: { CommonName: 'x', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'y' }] },
    Extensions: { CustomExtensions: [custom('1.2.3', Uint8Array.of(1)), custom('1.2.3', Uint8Array.of(1))], ExtendedKeyUsage: [{}] } };
  for (const name of ['EndEntityCertificate', 'SubordinateCACertificate_PathLen0_CSRPassthrough', 'RootCACertificate']) {
    const r = content(tpl(name), { api: bad });
    assert.equal(hex(r.subjectDer), hex(csr().subjectDer), name);
  }
});

test('API rules: the same OID twice in one request, bad items and bad custom values → InvalidArgsException', () => {
  const t = tpl('BlankEndEntityCertificate_APIPassthrough');
  const ext = (e: NonNullable<ApiPassthrough['Extensions']>): ApiPassthrough => ({ Extensions: e });
  const cases: [ApiPassthrough, RegExp][] = [
    [ext({ KeyUsage: { DigitalSignature: true }, CustomExtensions: [custom('2.5.29.15', Uint8Array.of(3, 2, 7, 0x80))] }), /2\.5\.29\.15, which is already supplied by KeyUsage/],
    [ext({ ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'SERVER_AUTH' }], CustomExtensions: [custom('2.5.29.37', seq())] }), /already supplied by ExtendedKeyUsage/],
    [ext({ SubjectAlternativeNames: [{ DnsName: 'a' }], CustomExtensions: [custom('2.5.29.17', seq())] }), /already supplied by SubjectAlternativeNames/],
    [ext({ CertificatePolicies: [{ CertPolicyId: '1.2.3' }], CustomExtensions: [custom('2.5.29.32', seq())] }), /already supplied by CertificatePolicies/],
    [ext({ KeyUsage: { DigitalSignature: true }, CustomExtensions: [custom('1.2.3.4', Uint8Array.of(5, 0)), custom('1.2.3.4', Uint8Array.of(5, 0))] }),
      /CustomExtensions\[1\].*already supplied by CustomExtensions\[0\]/],
    [ext({ CustomExtensions: [{ ObjectIdentifier: '1.2.3.4', Value: 'not base64!' }] }), /standard base64/],
    [ext({ CustomExtensions: [{ ObjectIdentifier: '1.2.3.4', Value: '' }] }), /standard base64/],
    [ext({ CustomExtensions: [{ ObjectIdentifier: 'x.y', Value: 'BQA=' }] }), /ObjectIdentifier must be an object identifier/],
    [ext({ CustomExtensions: [{ ObjectIdentifier: '2.5.29.015', Value: 'BQA=' }] }), /without leading zeros/],
    [ext({ CertificatePolicies: [{ CertPolicyId: '1.2.03' }] }), /without leading zeros/],
    [ext({ ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'SERVER_AUTH', ExtendedKeyUsageObjectIdentifier: '1.2.3' }] }), /exactly one of .* both are set/],
    [ext({ ExtendedKeyUsage: [{}] }), /exactly one of .* neither is set/],
    [ext({ ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'NOPE' as never }] }), /must be one of SERVER_AUTH/],
    [ext({ SubjectAlternativeNames: [{ DnsName: 'a', IpAddress: '10.0.0.1' }] }), /exactly one of/],
    [ext({ CertificatePolicies: [{ CertPolicyId: '1.2.3' }, { CertPolicyId: '1.2.3' }] }), /appears more than once/],
    [ext({ CertificatePolicies: [{ CertPolicyId: '1.2.3', PolicyQualifiers: [{ PolicyQualifierId: 'CPS', Qualifier: { CpsUri: 'http://ü' } }] }] }), /ASCII/],
    [{ Subject: { CommonName: 'a', CustomAttributes: [{ ObjectIdentifier: '2.5.4.3', Value: 'b' }] } }, /cannot be combined/],
  ];
  for (const [api, message] of cases) throwsCode(() => content(t, { api }), 'InvalidArgsException', message);
});

test('API details: template-defined OIDs from CustomExtensions are dropped silently; all-false KeyUsage adds nothing; EKU OIDs', () => {
  const r = content(tpl('EndEntityCertificate_APIPassthrough'), { api: { Extensions: { CustomExtensions: [custom('2.5.29.15', Uint8Array.of(3, 2, 7, 0x80))] } } });
  assert.equal(describe(r.extensions), 'BC,AKI,SKI,KU!,EKU,CDP,AIA');
  assert.equal(hex(r.extensions[3]?.value ?? new Uint8Array(0)), '030205a0');
  assert.equal(describe(content(tpl('BlankEndEntityCertificate_APIPassthrough'), { api: { Extensions: { KeyUsage: {} } } }).extensions), 'BC,AKI,SKI,CDP,AIA');
  const all = Object.keys(EKU_OID).map((k) => ({ ExtendedKeyUsageType: k as never }));
  const eku = content(tpl('BlankEndEntityCertificate_APIPassthrough'), { api: { Extensions: { ExtendedKeyUsage: [...all, { ExtendedKeyUsageObjectIdentifier: '1.3.6.1.4.1.99999.3' }] } } })
    .extensions.find((e) => e.oid === '2.5.29.37');
  const oids = ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.3', '1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.8', '1.3.6.1.5.5.7.3.9',
    '1.3.6.1.4.1.311.20.2.2', '1.3.6.1.5.5.7.3.36', '1.3.6.1.4.1.11129.2.4.4', '1.3.6.1.4.1.99999.3'];
  assert.equal(hex(eku?.value ?? new Uint8Array(0)), hex(seq(...oids.map((o) => oid(o)))));
  assert.equal(eku?.critical, false);
});

test('non-root templates need the issuer key identifier; root templates never emit AKI/CDP/AIA of their own', () => {
  assert.throws(() => templateContent({ template: tpl('EndEntityCertificate'), csr: csr(), api: undefined, issuer: { ski: null }, cdpUri: null, ocspUri: null }), /key identifier/);
  const r = templateContent({ template: tpl('RootCACertificate'), csr: csr(), api: undefined, issuer: { ski: ISSUER_SKI }, cdpUri: CDP, ocspUri: OCSP });
  assert.equal(describe(r.extensions), 'BC!,SKI,KU!');
});
