// All 61 templates × 4 passthrough variants through the live server and SDK v3, checked with openssl and @peculiar/asn1-x509 against TEMPLATES.md §3–§5.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateCertificateAuthorityCommand, GetCertificateAuthorityCsrCommand, GetCertificateCommand, ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand, waitUntilCertificateIssued, type ACMPCAClient, type ApiPassthrough, type CsrExtensions,
} from '@aws-sdk/client-acm-pca';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AccessDescription, AttributeTypeAndValue, AttributeValue, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, CRLDistributionPoints,
  Certificate, CertificatePolicies, DistributionPoint, DistributionPointName, ExtendedKeyUsage, Extensions, GeneralName, KeyIdentifier,
  Name, PolicyInformation, RelativeDistinguishedName, SubjectAlternativeName,
} from '@peculiar/asn1-x509';
import { TEMPLATES } from '../src/domain/templates.ts';
import { opensslCsr, opensslVerify } from './helpers/certs.ts';
import { pemToDer } from './helpers/pki.ts';
import { sdkClient, sleep, startTestServer, type TestServer } from './helpers/server.ts';

const enc = new TextEncoder();
const T = (name: string): string => `arn:aws:acm-pca:::template/${name}/V1`;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const colonHex = (b: Uint8Array): string => hex(b).toUpperCase().match(/../g)!.join(':');
const ser = (v: unknown): Buffer => Buffer.from(AsnConvert.serialize(v));
const bytes = (...b: number[]): Buffer => Buffer.from(b);

// ------------------------------------------------------------------ the spec, transcribed (TEMPLATES.md §4, §5)

type Family = 'EE' | 'EE_CLIENT' | 'EE_SERVER' | 'CODE' | 'OCSP' | 'SUB_n' | 'ROOT' | 'ROOT_API'
  | 'BLANK_EE' | 'BLANK_EE_CBC' | 'BLANK_SUB_n' | 'BLANK_ROOT' | 'BLANK_ROOT_n';
type Variety = 'BASE' | 'CSR' | 'API' | 'APICSR';
interface Spec { name: string; family: Family; variety: Variety; pathLen: number | null }

const SUFFIX: Record<Variety, string> = { BASE: '', CSR: '_CSRPassthrough', API: '_APIPassthrough', APICSR: '_APICSRPassthrough' };
const rows = (stem: string, family: Family, varieties: Variety[], lens: (number | null)[] = [null]): Spec[] =>
  lens.flatMap((pathLen) => varieties.map((variety) => ({ name: stem.replace('#', String(pathLen)) + SUFFIX[variety], family, variety, pathLen })));
const V4: Variety[] = ['BASE', 'CSR', 'API', 'APICSR'];
const V3: Variety[] = ['CSR', 'API', 'APICSR'];
const SPEC: Spec[] = [
  ...rows('EndEntityCertificate', 'EE', V4), // §5.1 #1–4
  ...rows('EndEntityClientAuthCertificate', 'EE_CLIENT', V4),
  ...rows('EndEntityServerAuthCertificate', 'EE_SERVER', V4),
  ...rows('CodeSigningCertificate', 'CODE', V4),
  ...rows('OCSPSigningCertificate', 'OCSP', V4), // #17–20
  ...rows('BlankEndEntityCertificate', 'BLANK_EE', V3), // §5.2 #21–23
  ...rows('BlankEndEntityCertificate_CriticalBasicConstraints', 'BLANK_EE_CBC', V3), // #24–26
  ...[0, 1, 2, 3].flatMap((n) => rows(`SubordinateCACertificate_PathLen${n}`, 'SUB_n', V4, [n])), // §5.3 #27–42
  ...[0, 1, 2, 3].flatMap((n) => rows(`BlankSubordinateCACertificate_PathLen${n}`, 'BLANK_SUB_n', V3, [n])), // #43–54
  { name: 'RootCACertificate', family: 'ROOT', variety: 'BASE', pathLen: null }, // §5.4 #55
  { name: 'RootCACertificate_APIPassthrough', family: 'ROOT_API', variety: 'API', pathLen: null }, // #56
  { name: 'BlankRootCACertificate_APIPassthrough', family: 'BLANK_ROOT', variety: 'API', pathLen: null }, // #57
  ...[0, 1, 2, 3].map((n): Spec => ({ name: `BlankRootCACertificate_PathLen${n}_APIPassthrough`, family: 'BLANK_ROOT_n', variety: 'API', pathLen: n })),
];

const OID = {
  bc: '2.5.29.19', aki: '2.5.29.35', ski: '2.5.29.14', ku: '2.5.29.15', eku: '2.5.29.37', cdp: '2.5.29.31',
  aia: '1.3.6.1.5.5.7.1.1', san: '2.5.29.17', cp: '2.5.29.32', sia: '1.3.6.1.5.5.7.1.11', csrCustom: '1.2.3.4.5', apiCustom: '1.2.3.4.6',
} as const;
const KP = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2', codeSigning: '1.3.6.1.5.5.7.3.3', emailProtection: '1.3.6.1.5.5.7.3.4', ocspSigning: '1.3.6.1.5.5.7.3.9' };
const OPENSSL_NAME: Record<string, string> = {
  [OID.bc]: 'X509v3 Basic Constraints', [OID.aki]: 'X509v3 Authority Key Identifier', [OID.ski]: 'X509v3 Subject Key Identifier',
  [OID.ku]: 'X509v3 Key Usage', [OID.eku]: 'X509v3 Extended Key Usage', [OID.cdp]: 'X509v3 CRL Distribution Points',
  [OID.aia]: 'Authority Information Access', [OID.san]: 'X509v3 Subject Alternative Name', [OID.cp]: 'X509v3 Certificate Policies',
  [OID.sia]: 'Subject Information Access',
};
/** TEMPLATES.md §4 "Observed extension order" prefixes [obs]: BC, AKI, SKI, KU, EKU, CDP. */
const OBS_ORDER: readonly string[] = [OID.bc, OID.aki, OID.ski, OID.ku, OID.eku, OID.cdp];

/** One expected extension: exact extnValue bytes and criticality, plus what `openssl x509 -text` must print. */
interface Ext { oid: string; critical: boolean; der: Buffer; text?: string; exact?: boolean; from: string }

// X509.md §7.1 / §7.2 literal encodings
const bcDer = (ca: boolean, pathLen: number | null): Buffer =>
  !ca ? bytes(0x30, 0x00) : pathLen === null ? bytes(0x30, 0x03, 0x01, 0x01, 0xff) : bytes(0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, pathLen);
const KU_EE = { der: bytes(0x03, 0x02, 0x05, 0xa0), text: 'Digital Signature, Key Encipherment' };
const KU_SIGN = { der: bytes(0x03, 0x02, 0x07, 0x80), text: 'Digital Signature' };
const KU_CA = { der: bytes(0x03, 0x02, 0x01, 0x86), text: 'Digital Signature, Certificate Sign, CRL Sign' };
const EKU_TEXT: Record<string, string> = {
  [KP.serverAuth]: 'TLS Web Server Authentication', [KP.clientAuth]: 'TLS Web Client Authentication', [KP.codeSigning]: 'Code Signing',
  [KP.emailProtection]: 'E-mail Protection', [KP.ocspSigning]: 'OCSP Signing',
};
const eku = (oids: string[], critical: boolean) => ({ der: ser(new ExtendedKeyUsage(oids)), critical, text: oids.map((o) => EKU_TEXT[o]).join(', ') });

interface FamilyDef {
  bc: { critical: boolean; ca: boolean };
  /** Template-defined KU / EKU; null = the template leaves it to passthrough. */
  ku: { der: Buffer; text: string } | null;
  eku: { der: Buffer; critical: boolean; text: string } | null;
  root: boolean;
  blank: boolean;
}
const EE_BC = { critical: false, ca: false };
const CA_BC = { critical: true, ca: true };
const FAMILIES: Record<Family, FamilyDef> = {
  EE: { bc: EE_BC, ku: KU_EE, eku: eku([KP.serverAuth, KP.clientAuth], false), root: false, blank: false },
  EE_CLIENT: { bc: EE_BC, ku: KU_EE, eku: eku([KP.clientAuth], false), root: false, blank: false },
  EE_SERVER: { bc: EE_BC, ku: KU_EE, eku: eku([KP.serverAuth], false), root: false, blank: false },
  CODE: { bc: EE_BC, ku: KU_SIGN, eku: eku([KP.codeSigning], true), root: false, blank: false },
  OCSP: { bc: EE_BC, ku: KU_SIGN, eku: eku([KP.ocspSigning], true), root: false, blank: false },
  SUB_n: { bc: CA_BC, ku: KU_CA, eku: null, root: false, blank: false },
  ROOT: { bc: CA_BC, ku: KU_CA, eku: null, root: true, blank: false },
  ROOT_API: { bc: CA_BC, ku: KU_CA, eku: null, root: true, blank: false },
  BLANK_EE: { bc: EE_BC, ku: null, eku: null, root: false, blank: true },
  BLANK_EE_CBC: { bc: { critical: true, ca: false }, ku: null, eku: null, root: false, blank: true },
  BLANK_SUB_n: { bc: CA_BC, ku: null, eku: null, root: false, blank: true },
  BLANK_ROOT: { bc: CA_BC, ku: null, eku: null, root: true, blank: true },
  BLANK_ROOT_n: { bc: CA_BC, ku: null, eku: null, root: true, blank: true },
};

// ------------------------------------------------------------------ the four request variants

const API: ApiPassthrough = {
  Subject: { CommonName: 'api.example.com', Organization: 'API' },
  Extensions: {
    SubjectAlternativeNames: [{ DnsName: 'api.example.com' }],
    KeyUsage: { DigitalSignature: true, NonRepudiation: true },
    ExtendedKeyUsage: [{ ExtendedKeyUsageType: 'CODE_SIGNING' }],
    CertificatePolicies: [{ CertPolicyId: '2.23.140.1.2.1' }],
    CustomExtensions: [{ ObjectIdentifier: OID.apiCustom, Value: 'BQA=' }],
  },
};
const utf8Rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
/** What API carries, encoded independently (X509.md §4.2 RDN order O before CN, UTF8String; §7.2–§7.6). */
interface ApiModel { subjectDer: Buffer; ku: Ext; eku: Ext; san: Ext; cp: Ext; customs: Ext[] }
const API_MODEL: ApiModel = {
  subjectDer: ser(new Name([utf8Rdn('2.5.4.10', 'API'), utf8Rdn('2.5.4.3', 'api.example.com')])),
  ku: { oid: OID.ku, critical: true, der: bytes(0x03, 0x02, 0x06, 0xc0), text: 'Digital Signature, Non Repudiation', exact: true, from: 'API' },
  eku: { oid: OID.eku, ...eku([KP.codeSigning], false), exact: true, from: 'API' },
  san: { oid: OID.san, critical: false, der: ser(new SubjectAlternativeName([new GeneralName({ dNSName: 'api.example.com' })])), text: 'DNS:api.example.com', exact: true, from: 'API' },
  cp: { oid: OID.cp, critical: false, der: ser(new CertificatePolicies([new PolicyInformation({ policyIdentifier: '2.23.140.1.2.1' })])), text: 'Policy: 2.23.140.1.2.1', from: 'API' },
  customs: [{ oid: OID.apiCustom, critical: false, der: bytes(0x05, 0x00), from: 'API' }],
};

type VariantId = 'plain' | 'csr-ext' | 'api' | 'api+csr-ext';
interface Variant { id: VariantId; csrExt: boolean; api: boolean }
const VARIANTS: Variant[] = [
  { id: 'plain', csrExt: false, api: false }, // (a)
  { id: 'csr-ext', csrExt: true, api: false }, // (b)
  { id: 'api', csrExt: false, api: true }, // (c)
  { id: 'api+csr-ext', csrExt: true, api: true }, // (d)
];
const CSR_ADDEXT = ['subjectAltName=DNS:csr.example.com', 'keyUsage=digitalSignature,keyAgreement', 'extendedKeyUsage=emailProtection', `${OID.csrCustom}=DER:05:00`];
/** A root template must get the CA's own CSR; its "own extensions" come from CsrExtensions (X509.md §9). */
const ROOT_CSR_EXTENSIONS: CsrExtensions = {
  KeyUsage: { DigitalSignature: true, KeyAgreement: true },
  SubjectInformationAccess: [{ AccessMethod: { AccessMethodType: 'CA_REPOSITORY' }, AccessLocation: { UniformResourceIdentifier: 'http://repo.example.com/ca' } }],
};
const RC = { CrlConfiguration: { Enabled: true, S3BucketName: 'crl-bucket' }, OcspConfiguration: { Enabled: true } };
const OCSP_URL = 'http://ocsp.acm-pca.us-east-1.amazonaws.com';
const cdpUrl = (caArn: string): string => `http://crl-bucket.s3.us-east-1.amazonaws.com/crl/${caArn.split('/').pop()}.crl`;

// ------------------------------------------------------------------ DER helpers (independent of src/x509)

/** One TLV at `off`: the whole element, its content and where it ends. */
function readTlv(b: Uint8Array, off: number): { whole: Uint8Array; content: Uint8Array; end: number } {
  let i = off + 1;
  let len = b[i++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[i++]!;
  }
  return { whole: b.subarray(off, i + len), content: b.subarray(i, i + len), end: i + len };
}
function children(el: Uint8Array): Uint8Array[] {
  const { content } = readTlv(el, 0);
  const out: Uint8Array[] = [];
  for (let o = 0; o < content.length;) { const t = readTlv(content, o); out.push(t.whole); o = t.end; }
  return out;
}
const keyBits = (spki: Uint8Array): Buffer => Buffer.from(readTlv(children(spki)[1]!, 0).content.subarray(1));
const sha1 = (b: Uint8Array): Buffer => createHash('sha1').update(b).digest();

interface ParsedCert { der: Buffer; issuerDer: Buffer; subjectDer: Buffer; spkiDer: Buffer; exts: Ext[]; rawExtElements: Uint8Array[] }
function parseCert(pem: string): ParsedCert {
  const der = pemToDer(pem);
  const tbs = children(der)[0]!;
  const k = children(tbs);
  const v = k[0]![0] === 0xa0 ? 1 : 0;
  const extField = k.find((e) => e[0] === 0xa3);
  const cert = AsnConvert.parse(der, Certificate);
  const exts = [...(cert.tbsCertificate.extensions ?? [])].map((e): Ext => ({ oid: e.extnID, critical: e.critical, der: Buffer.from(e.extnValue.buffer), from: 'cert' }));
  return {
    der, issuerDer: Buffer.from(k[v + 2]!), subjectDer: Buffer.from(k[v + 4]!), spkiDer: Buffer.from(k[v + 5]!), exts,
    rawExtElements: extField ? children(children(extField)[0]!) : [],
  };
}
interface ParsedCsr { pem: string; subjectDer: Buffer; spkiDer: Buffer; exts: Ext[] }
function parseCsr(pem: string): ParsedCsr {
  const der = pemToDer(pem);
  const k = children(children(der)[0]!);
  const csr = AsnConvert.parse(der, CertificationRequest);
  const req = csr.certificationRequestInfo.attributes.find((a) => a.type === '1.2.840.113549.1.9.14');
  const list = req?.values[0] ? [...AsnConvert.parse(req.values[0], Extensions)] : [];
  return {
    pem, subjectDer: Buffer.from(k[1]!), spkiDer: Buffer.from(k[2]!),
    exts: list.map((e): Ext => ({ oid: e.extnID, critical: e.critical, der: Buffer.from(e.extnValue.buffer), from: 'CSR' })),
  };
}
function skiOf(c: ParsedCert): Buffer {
  const e = c.exts.find((x) => x.oid === OID.ski);
  assert.ok(e, 'issuer certificate has a SubjectKeyIdentifier');
  return Buffer.from(readTlv(e.der, 0).content);
}

/** `openssl x509 -noout -text`'s extension block: [{name, critical, body}] in certificate order. */
function opensslExtensions(text: string): { name: string; critical: boolean; body: string }[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^ {8}X509v3 extensions:/.test(l));
  if (start < 0) return [];
  const out: { name: string; critical: boolean; body: string[] }[] = [];
  for (const l of lines.slice(start + 1)) {
    const h = /^ {12}(\S.*?):\s?(critical)?\s*$/.exec(l);
    if (h) { out.push({ name: h[1]!, critical: h[2] === 'critical', body: [] }); continue; }
    if (/^ {16}/.test(l) && out.length) { out[out.length - 1]!.body.push(l.trim()); continue; }
    break;
  }
  return out.map((e) => ({ ...e, body: e.body.join('\n') }));
}

// ------------------------------------------------------------------ expected content (TEMPLATES.md §3 rules 1–7)

interface Issuer { arn: string; cert: ParsedCert; pem: string; chainPem: string }
interface Expected { subjectDer: Buffer; issuerDer: Buffer; exts: Ext[] }

function expected(s: Spec, v: Variant, csr: ParsedCsr, issuer: Issuer | null, api: ApiModel | null): Expected {
  const f = FAMILIES[s.family];
  const useApi = (s.variety === 'API' || s.variety === 'APICSR') && api !== null;
  const useCsr = s.variety === 'CSR' || s.variety === 'APICSR';
  const csrExt = (oid: string): Ext | undefined => csr.exts.find((e) => e.oid === oid);
  const out: Ext[] = [];
  const pathLen = f.bc.ca ? s.pathLen : null;
  out.push({ oid: OID.bc, critical: f.bc.critical, der: bcDer(f.bc.ca, pathLen), text: !f.bc.ca ? 'CA:FALSE' : pathLen === null ? 'CA:TRUE' : `CA:TRUE, pathlen:${pathLen}`, exact: true, from: 'template' });
  if (issuer) {
    const id = skiOf(issuer.cert);
    out.push({ oid: OID.aki, critical: false, der: ser(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(id) })), text: colonHex(id), from: 'issuer SKI' });
  }
  const ski = sha1(keyBits(csr.spkiDer));
  out.push({ oid: OID.ski, critical: false, der: Buffer.concat([bytes(0x04, 0x14), ski]), text: colonHex(ski), exact: true, from: 'CSR key' });
  const ku = f.ku ? { oid: OID.ku, critical: true, ...f.ku, exact: true, from: 'template' } : useApi ? api.ku : useCsr ? csrExt(OID.ku) : undefined;
  if (ku) out.push(ku);
  const ek = f.eku ? { oid: OID.eku, ...f.eku, exact: true, from: 'template' } : useApi ? api.eku : useCsr ? csrExt(OID.eku) : undefined;
  if (ek) out.push(ek);
  if (issuer) {
    const url = cdpUrl(issuer.arn);
    const dp = new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [new GeneralName({ uniformResourceIdentifier: url })] }) });
    out.push({ oid: OID.cdp, critical: false, der: ser(new CRLDistributionPoints([dp])), text: `URI:${url}`, from: 'CA CRL configuration' });
    const ad = new AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: new GeneralName({ uniformResourceIdentifier: OCSP_URL }) });
    out.push({ oid: OID.aia, critical: false, der: ser(new AuthorityInfoAccessSyntax([ad])), text: `OCSP - URI:${OCSP_URL}`, exact: true, from: 'CA OCSP configuration' });
  }
  const san = useApi ? api.san : csrExt(OID.san); // rule 4: every variety takes the CSR SAN; API replaces it whole
  if (san) out.push(san);
  if (useApi) out.push(api.cp);
  const taken = (oid: string) => out.some((e) => e.oid === oid);
  // Rule 7: BC/SKI/AKI never from passthrough, except an API AKI for the root API families (no issuer AKI there).
  const blocked = new Set<string>([OID.bc, OID.ski, OID.aki]);
  if (f.root) { blocked.add(OID.cdp); blocked.add(OID.aia); }
  if (useApi) for (const c of api.customs) if (!taken(c.oid) && (!blocked.has(c.oid) || (c.oid === OID.aki && f.root))) out.push(c);
  if (useCsr) for (const c of csr.exts) if (!taken(c.oid) && !blocked.has(c.oid)) out.push(c);
  return { subjectDer: useApi ? api.subjectDer : csr.subjectDer, issuerDer: issuer ? issuer.cert.subjectDer : useApi ? api.subjectDer : csr.subjectDer, exts: out };
}

function checkCertificate(pem: string, exp: Expected, csr: ParsedCsr, label: string): void {
  const c = parseCert(pem);
  const name = (o: string) => OPENSSL_NAME[o] ?? o;
  const ids = c.exts.map((e) => e.oid);
  assert.equal(new Set(ids).size, ids.length, `${label}: duplicate extension OIDs ${ids.map(name).join(', ')}`);
  assert.deepEqual([...ids].sort(), exp.exts.map((e) => e.oid).sort(),
    `${label}: extension set\n  actual:   ${ids.map(name).join(', ')}\n  expected: ${exp.exts.map((e) => `${name(e.oid)} (${e.from})`).join(', ')}`);
  for (const e of exp.exts) {
    const a = c.exts.find((x) => x.oid === e.oid)!;
    assert.equal(a.critical, e.critical, `${label}: ${name(e.oid)} (from ${e.from}) critical flag`);
    assert.equal(hex(a.der), hex(e.der), `${label}: ${name(e.oid)} (from ${e.from}) value bytes`);
  }
  // DER: a non-critical extension omits the DEFAULT FALSE critical BOOLEAN; a critical one has BOOLEAN TRUE (01 01 ff).
  for (const raw of c.rawExtElements) {
    const parts = children(raw);
    assert.ok(parts.length === 2 || (parts.length === 3 && hex(parts[1]!) === '0101ff'), `${label}: extension ${hex(raw).slice(0, 40)}… critical flag is not DER`);
  }
  // [obs] order prefixes: BC, AKI, SKI, KU, EKU, CDP lead, in that order, whichever of them are present.
  const obs = OBS_ORDER.filter((o) => ids.includes(o));
  assert.deepEqual(ids.slice(0, obs.length).map(name), obs.map(name), `${label}: extension order ${ids.map(name).join(', ')}`);
  assert.equal(hex(c.subjectDer), hex(exp.subjectDer), `${label}: subject`);
  assert.equal(hex(c.issuerDer), hex(exp.issuerDer), `${label}: issuer`);
  assert.equal(hex(c.spkiDer), hex(csr.spkiDer), `${label}: public key from the CSR`);
}

async function checkOpensslText(pem: string, exp: Expected, label: string): Promise<string> {
  const out = await new Promise<string>((resolve, reject) => {
    execFile('openssl', ['x509', '-noout', '-text'], { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout))).stdin!.end(pem);
  });
  const got = opensslExtensions(out);
  const want = exp.exts.map((e) => OPENSSL_NAME[e.oid] ?? e.oid);
  assert.deepEqual(got.map((g) => g.name).sort(), [...want].sort(), `${label}: openssl extension list`);
  for (const e of exp.exts) {
    const g = got.find((x) => x.name === (OPENSSL_NAME[e.oid] ?? e.oid))!;
    assert.equal(g.critical, e.critical, `${label}: openssl shows ${g.name} critical=${g.critical}`);
    if (e.text === undefined) continue;
    if (e.exact) assert.equal(g.body, e.text, `${label}: openssl ${g.name}`);
    else assert.ok(g.body.includes(e.text), `${label}: openssl ${g.name} body ${JSON.stringify(g.body)} lacks ${JSON.stringify(e.text)}`);
  }
  return out;
}

// ------------------------------------------------------------------ server plumbing

let server: TestServer;
let pca: ACMPCAClient;
let root: Issuer;
let sub: Issuer;
let plainCsr: ParsedCsr;
let extCsr: ParsedCsr;
const started = Date.now();

/** Retries `fn` every 50 ms while the server answers RequestInProgressException. */
async function poll<R>(fn: () => Promise<R>, what: string): Promise<R> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if ((e as Error).name !== 'RequestInProgressException' || Date.now() > deadline) throw new Error(`${what}: ${(e as Error).name}: ${(e as Error).message}`);
      await sleep(50);
    }
  }
}

async function createCa(type: 'ROOT' | 'SUBORDINATE', cn: string, csrExtensions?: CsrExtensions): Promise<{ arn: string; csr: string }> {
  const arn = (await pca.send(new CreateCertificateAuthorityCommand({
    CertificateAuthorityType: type,
    CertificateAuthorityConfiguration: {
      KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: cn, Organization: 'OpenPCA Templates', Country: 'US' },
      ...(csrExtensions ? { CsrExtensions: csrExtensions } : {}),
    },
    RevocationConfiguration: RC,
  }))).CertificateAuthorityArn!;
  const csr = await poll(async () => (await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))).Csr!, `CSR of ${cn}`);
  return { arn, csr };
}

interface Issued { arn: string; cert: string; chain: string | undefined }
async function issue(caArn: string, csrPem: string, template: string, api: ApiPassthrough | undefined, years?: number): Promise<Issued> {
  const { CertificateArn } = await pca.send(new IssueCertificateCommand({
    CertificateAuthorityArn: caArn, Csr: enc.encode(csrPem), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: T(template),
    Validity: years ? { Type: 'YEARS', Value: years } : { Type: 'DAYS', Value: 30 }, ...(api ? { ApiPassthrough: api } : {}),
  }));
  const out = await poll(() => pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn })), `GetCertificate ${template}`);
  return { arn: CertificateArn!, cert: out.Certificate!, chain: out.CertificateChain };
}

/** Issues with the SDK waiter (used for the two CA certificates of the setup). */
async function issueWithWaiter(caArn: string, csrPem: string, template: string, years: number): Promise<Issued> {
  const { CertificateArn } = await pca.send(new IssueCertificateCommand({
    CertificateAuthorityArn: caArn, Csr: enc.encode(csrPem), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: T(template), Validity: { Type: 'YEARS', Value: years },
  }));
  await waitUntilCertificateIssued({ client: pca, maxWaitTime: 30, minDelay: 1 }, { CertificateAuthorityArn: caArn, CertificateArn });
  const out = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }));
  return { arn: CertificateArn!, cert: out.Certificate!, chain: out.CertificateChain };
}

type Outcome = { ok: true; issued: Issued; csr: ParsedCsr; issuer: Issuer | null } | { ok: false; error: Error };
const results = new Map<string, Outcome>();
interface Job { key: string; run: () => Promise<{ issued: Issued; csr: ParsedCsr; issuer: Issuer | null }> }

async function runPool(jobs: Job[], width = 20): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try { results.set(job.key, { ok: true, ...(await job.run()) }); } catch (e) { results.set(job.key, { ok: false, error: e as Error }); }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

const key = (s: string, v: string) => `${s}|${v}`;
/** The issuer for a non-root template: the pathLen-3 subordinate, or the root (no pathLen) for PathLen3 templates (§6: n < p). */
const issuerFor = (s: Spec): Issuer => (s.pathLen === 3 ? root : sub);

/** An AKI value a caller hands in through the API (ROOT_API / BLANK_ROOT, TEMPLATES.md §4). */
const API_AKI_ID = Buffer.alloc(20, 0x5a);
const API_AKI_DER = ser(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(API_AKI_ID) }));
const apiWithAki: ApiPassthrough = {
  ...API, Extensions: { ...API.Extensions, CustomExtensions: [...API.Extensions!.CustomExtensions!, { ObjectIdentifier: OID.aki, Value: API_AKI_DER.toString('base64') }] },
};
const akiModel: ApiModel = { ...API_MODEL, customs: [...API_MODEL.customs, { oid: OID.aki, critical: false, der: API_AKI_DER, text: colonHex(API_AKI_ID), from: 'API CustomExtension' }] };
const EXTRAS = {
  rootApiAki: { spec: SPEC.find((s) => s.name === 'RootCACertificate_APIPassthrough')!, api: apiWithAki },
  blankRootAki: { spec: SPEC.find((s) => s.name === 'BlankRootCACertificate_APIPassthrough')!, api: apiWithAki },
  eeApiAki: { spec: SPEC.find((s) => s.name === 'EndEntityCertificate_APIPassthrough')!, api: apiWithAki },
  blankEeApiAki: { spec: SPEC.find((s) => s.name === 'BlankEndEntityCertificate_APICSRPassthrough')!, api: apiWithAki },
};

describe('templates: 61 × 4 variants end to end (TEMPLATES.md §3–§5)', () => {
  before(async () => {
    // AWS's own CDP and OCSP URLs, which TEMPLATES.md's expectations name (the server's own URL is the default).
    server = await startTestServer({ env: { OPENPCA_CRL_BASE_URL: 'aws', OPENPCA_OCSP_URL: 'aws' } });
    pca = sdkClient(server);
    plainCsr = parseCsr(opensslCsr('/CN=plain.example.com/O=Plain CSR').csrPem);
    extCsr = parseCsr(opensslCsr('/CN=csr.example.com/O=Ext CSR', { addext: CSR_ADDEXT }).csrPem);
    assert.deepEqual(extCsr.exts.map((e) => e.oid).sort(), [OID.san, OID.ku, OID.eku, OID.csrCustom].sort(), 'the test CSR carries its extensions');

    const rootSpecs = SPEC.filter((s) => FAMILIES[s.family].root);
    const pendingJobs = [
      ...rootSpecs.flatMap((s, i) => VARIANTS.map((v) => ({ k: key(s.name, v.id), cn: `Root ${i}${v.id}`, ext: v.csrExt }))),
      ...Object.keys(EXTRAS).filter((k) => FAMILIES[EXTRAS[k as keyof typeof EXTRAS].spec.family].root).map((k) => ({ k, cn: `Root ${k}`, ext: false })),
    ];
    const [r, s, ...pending] = await Promise.all([
      createCa('ROOT', 'Templates Root'), createCa('SUBORDINATE', 'Templates Sub PathLen3'),
      ...pendingJobs.map((p) => createCa('ROOT', p.cn, p.ext ? ROOT_CSR_EXTENSIONS : undefined)),
    ]);
    const rootCert = await issueWithWaiter(r!.arn, r!.csr, 'RootCACertificate', 10);
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: r!.arn, Certificate: enc.encode(rootCert.cert) }));
    root = { arn: r!.arn, pem: rootCert.cert, cert: parseCert(rootCert.cert), chainPem: rootCert.cert };
    const subCert = await issueWithWaiter(r!.arn, s!.csr, 'SubordinateCACertificate_PathLen3', 5);
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: s!.arn, Certificate: enc.encode(subCert.cert), CertificateChain: enc.encode(rootCert.cert) }));
    sub = { arn: s!.arn, pem: subCert.cert, cert: parseCert(subCert.cert), chainPem: subCert.cert + rootCert.cert };
    const pendingBy = new Map(pendingJobs.map((p, i) => [p.k, pending[i]!]));

    const jobs: Job[] = [];
    for (const spec of SPEC) {
      for (const v of VARIANTS) {
        const api = v.api ? API : undefined;
        if (FAMILIES[spec.family].root) {
          const ca = pendingBy.get(key(spec.name, v.id))!;
          jobs.push({ key: key(spec.name, v.id), run: async () => ({ issued: await issue(ca.arn, ca.csr, spec.name, api, 1), csr: parseCsr(ca.csr), issuer: null }) });
        } else {
          const csr = v.csrExt ? extCsr : plainCsr;
          const iss = issuerFor(spec);
          jobs.push({ key: key(spec.name, v.id), run: async () => ({ issued: await issue(iss.arn, csr.pem, spec.name, api), csr, issuer: iss }) });
        }
      }
    }
    for (const [k, x] of Object.entries(EXTRAS)) {
      if (FAMILIES[x.spec.family].root) {
        const ca = pendingBy.get(k)!;
        jobs.push({ key: k, run: async () => ({ issued: await issue(ca.arn, ca.csr, x.spec.name, x.api, 1), csr: parseCsr(ca.csr), issuer: null }) });
      } else {
        jobs.push({ key: k, run: async () => ({ issued: await issue(sub.arn, extCsr.pem, x.spec.name, x.api), csr: extCsr, issuer: sub }) });
      }
    }
    await runPool(jobs);
  }, { timeout: 120_000 });

  after(async () => {
    pca?.destroy();
    await server?.stop();
    console.log(`# templates.test.ts: ${results.size} certificates issued and checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('the transcribed TEMPLATES.md §5 list has 61 templates and equals src/domain/templates.ts', () => {
    assert.equal(SPEC.length, 61);
    assert.equal(new Set(SPEC.map((s) => s.name)).size, 61);
    assert.deepEqual(TEMPLATES.map((t) => `${t.name} ${t.family} ${t.variety} ${t.pathLen}`).sort(), SPEC.map((s) => `${s.name} ${s.family} ${s.variety} ${s.pathLen}`).sort());
  });

  test('the setup CAs: root without AKI/CDP/AIA, subordinate with pathlen 3 and the root\'s CDP/AIA', () => {
    const rootCsr = { pem: '', subjectDer: root.cert.subjectDer, spkiDer: root.cert.spkiDer, exts: [] };
    checkCertificate(root.pem, expected(SPEC.find((s) => s.name === 'RootCACertificate')!, VARIANTS[0]!, rootCsr, null, null), rootCsr, 'root');
    const subCsr = { pem: '', subjectDer: sub.cert.subjectDer, spkiDer: sub.cert.spkiDer, exts: [] };
    checkCertificate(sub.pem, expected(SPEC.find((s) => s.name === 'SubordinateCACertificate_PathLen3')!, VARIANTS[0]!, subCsr, root, null), subCsr, 'sub');
  });

  for (const s of SPEC) {
    test(s.name, async (t) => {
      for (const v of VARIANTS) {
        await t.test(v.id, async () => {
          const r = results.get(key(s.name, v.id));
          assert.ok(r, 'issued');
          if (!r.ok) throw r.error;
          const label = `${s.name} [${v.id}]`;
          const exp = expected(s, v, r.csr, r.issuer, v.api ? API_MODEL : null);
          checkCertificate(r.issued.cert, exp, r.csr, label);
          await checkOpensslText(r.issued.cert, exp, label);
          const f = FAMILIES[s.family];
          if (f.root) {
            assert.equal(r.issued.chain, undefined, `${label}: a self-issued root certificate has no chain`);
            const x = new X509Certificate(r.issued.cert);
            assert.ok(x.verify(x.publicKey), `${label}: self-signature`);
            // Blank roots carry the caller's KU; without keyCertSign OpenSSL refuses them as issuers (TEMPLATES.md §7), so only non-Blank ones go through it.
            if (!f.blank) {
              assert.ok(x.checkIssued(x), `${label}: self-issued`);
              const vr = opensslVerify(r.issued.cert, r.issued.cert);
              assert.ok(vr.ok, `${label}: openssl verify -x509_strict: ${vr.output}`);
            }
          } else {
            assert.equal(r.issued.chain, r.issuer!.chainPem, `${label}: CertificateChain`);
            if (!f.blank) {
              const vr = opensslVerify(r.issued.cert, root.pem, r.issuer === sub ? sub.pem : '');
              assert.ok(vr.ok, `${label}: openssl verify -x509_strict: ${vr.output}`);
            }
          }
        });
      }
    });
  }

  test('API-supplied AKI (CustomExtension 2.5.29.35)', async (t) => {
    for (const [k, x] of Object.entries(EXTRAS)) {
      await t.test(`${k}: ${x.spec.name}`, async () => {
        const r = results.get(k);
        assert.ok(r, 'issued');
        if (!r.ok) throw r.error;
        const v = VARIANTS.find((y) => y.id === (x.spec.variety === 'APICSR' ? 'api+csr-ext' : 'api'))!;
        const exp = expected(x.spec, v, r.csr, r.issuer, akiModel);
        const aki = exp.exts.find((e) => e.oid === OID.aki);
        // Root API families take the caller's AKI [doc for ROOT_API, inf for BLANK_ROOT]; others always use the issuer's SKI (rule 7).
        assert.equal(aki?.from, FAMILIES[x.spec.family].root ? 'API CustomExtension' : 'issuer SKI');
        checkCertificate(r.issued.cert, exp, r.csr, k);
        await checkOpensslText(r.issued.cert, exp, k);
      });
    }
  });

  test('a CA certificate with pathLen 3 cannot issue PathLen3 templates (TEMPLATES.md §6: n < p)', async () => {
    for (const name of ['SubordinateCACertificate_PathLen3', 'SubordinateCACertificate_PathLen3_APICSRPassthrough', 'BlankSubordinateCACertificate_PathLen3_APIPassthrough']) {
      await assert.rejects(issue(sub.arn, plainCsr.pem, name, undefined), (e: Error) => {
        assert.equal(e.name, 'InvalidArgsException', `${name}: ${e.message}`);
        assert.match(e.message, /path length/);
        return true;
      });
    }
  });
});
