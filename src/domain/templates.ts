// The 61 certificate templates (TEMPLATES.md §5) and the content rules that turn template + CSR + API into extensions.
import { ApiError } from '../contract/errors.ts';
import type { ApiPassthrough, Extensions } from '../contract/generated.ts';
import { ski } from '../x509/certificate.ts';
import {
  EXT, authorityInfoAccessOcsp, authorityKeyIdentifier, basicConstraints, certificatePolicies, crlDistributionPoints,
  customExtension, ekuFromOids, extendedKeyUsage, keyUsage, subjectAltName, subjectKeyIdentifier,
} from '../x509/extensions.ts';
import { subjectDer as encodeSubjectDer } from '../x509/name.ts';
import type { ParsedCsr, RawExtension } from '../x509/types.ts';

export type TemplateFamily =
  | 'EE' | 'EE_CLIENT' | 'EE_SERVER' | 'CODE' | 'OCSP' | 'SUB_n' | 'ROOT' | 'ROOT_API'
  | 'BLANK_EE' | 'BLANK_EE_CBC' | 'BLANK_SUB_n' | 'BLANK_ROOT' | 'BLANK_ROOT_n';
/** BASE: no passthrough; CSR: CSR extensions; API: ApiPassthrough; APICSR: both (API wins). */
export type TemplateVariety = 'BASE' | 'CSR' | 'API' | 'APICSR';

export interface TemplateDef {
  readonly name: string;
  readonly family: TemplateFamily;
  readonly variety: TemplateVariety;
  /** pathLenConstraint of the issued CA certificate; null when none. */
  readonly pathLen: number | null;
  /** Self-issued root CA certificate template. */
  readonly root: boolean;
  /** Issues a CA certificate (BasicConstraints cA=TRUE). */
  readonly ca: boolean;
}

export const DEFAULT_TEMPLATE_ARN = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';

const SUFFIX: Readonly<Record<TemplateVariety, string>> = {
  BASE: '', CSR: '_CSRPassthrough', API: '_APIPassthrough', APICSR: '_APICSRPassthrough',
};
const ALL: readonly TemplateVariety[] = ['BASE', 'CSR', 'API', 'APICSR'];
const PASSTHROUGH: readonly TemplateVariety[] = ['CSR', 'API', 'APICSR'];
const ROOT_FAMILIES = new Set<TemplateFamily>(['ROOT', 'ROOT_API', 'BLANK_ROOT', 'BLANK_ROOT_n']);
const CA_FAMILIES = new Set<TemplateFamily>([...ROOT_FAMILIES, 'SUB_n', 'BLANK_SUB_n']);

/** TEMPLATES.md §5: [name stem, family, varieties, path lengths (null = none)]. Names are stem + variety suffix. */
const TABLE: readonly [string, TemplateFamily, readonly TemplateVariety[], readonly (number | null)[]][] = [
  ['EndEntityCertificate', 'EE', ALL, [null]], // #1–4
  ['EndEntityClientAuthCertificate', 'EE_CLIENT', ALL, [null]], // #5–8
  ['EndEntityServerAuthCertificate', 'EE_SERVER', ALL, [null]], // #9–12
  ['CodeSigningCertificate', 'CODE', ALL, [null]], // #13–16
  ['OCSPSigningCertificate', 'OCSP', ALL, [null]], // #17–20
  ['BlankEndEntityCertificate', 'BLANK_EE', PASSTHROUGH, [null]], // #21–23
  ['BlankEndEntityCertificate_CriticalBasicConstraints', 'BLANK_EE_CBC', PASSTHROUGH, [null]], // #24–26
  ['SubordinateCACertificate_PathLen#', 'SUB_n', ALL, [0, 1, 2, 3]], // #27–42
  ['BlankSubordinateCACertificate_PathLen#', 'BLANK_SUB_n', PASSTHROUGH, [0, 1, 2, 3]], // #43–54
  ['RootCACertificate', 'ROOT', ['BASE'], [null]], // #55
  ['RootCACertificate', 'ROOT_API', ['API'], [null]], // #56
  ['BlankRootCACertificate', 'BLANK_ROOT', ['API'], [null]], // #57
  ['BlankRootCACertificate_PathLen#', 'BLANK_ROOT_n', ['API'], [0, 1, 2, 3]], // #58–61
];

/** All 61 templates. */
export const TEMPLATES: readonly TemplateDef[] = TABLE.flatMap(([stem, family, varieties, lens]) =>
  lens.flatMap((pathLen) => varieties.map((variety): TemplateDef => ({
    name: stem.replace('#', String(pathLen)) + SUFFIX[variety],
    family, variety, pathLen, root: ROOT_FAMILIES.has(family), ca: CA_FAMILIES.has(family),
  }))));

const BY_NAME = new Map(TEMPLATES.map((t) => [t.name, t]));
const ARN_RE = /^arn:aws[a-z0-9-]*:acm-pca:::template\/([A-Za-z0-9_]+)\/V1$/;

/** The template named by a template ARN (any `aws*` partition, case-sensitive, V1 only), or undefined. */
export function findTemplate(arn: string): TemplateDef | undefined {
  const m = typeof arn === 'string' ? ARN_RE.exec(arn) : null;
  return m?.[1] === undefined ? undefined : BY_NAME.get(m[1]);
}

/** The template ARN of `t` in `partition`. */
export function templateArn(t: TemplateDef, partition = 'aws'): string {
  return `arn:${partition}:acm-pca:::template/${t.name}/V1`;
}

/**
 * The pathLenConstraint a subordinate-CA template puts into the issued certificate (null for
 * end-entity and root templates, which are not checked against the issuer's path length).
 */
export function templatePathLen(t: TemplateDef): number | null {
  return t.ca && !t.root ? t.pathLen : null;
}

/** TEMPLATES.md §6: a SUB_n / BLANK_SUB_n template needs n < the issuing CA certificate's pathLen. */
export function checkTemplatePathLen(t: TemplateDef, issuerPathLen: number | null | undefined): void {
  const n = templatePathLen(t);
  if (n !== null && issuerPathLen != null && n >= issuerPathLen) {
    throw new ApiError('InvalidArgsException', `Template ${t.name} issues a CA certificate with path length ${n}, but the ` +
      `issuing CA certificate's path length constraint is ${issuerPathLen}; use a template with a path length below ${issuerPathLen}` +
      (issuerPathLen === 0 ? ' (a CA with path length 0 can only issue end-entity certificates)' : ''));
  }
}

// ---------------------------------------------------------------- content

interface Profile {
  bc: RawExtension;
  /** Template-defined KeyUsage / EKU; null = not defined (passthrough may supply it). */
  ku: RawExtension | null;
  eku: RawExtension | null;
  /** AKI: from the issuer's SKI, only from the API (root API families), or never (ROOT). */
  aki: 'issuer' | 'api' | 'none';
}

const KP = '1.3.6.1.5.5.7.3.';
const KU_EE = keyUsage({ DigitalSignature: true, KeyEncipherment: true });
const KU_SIGN = keyUsage({ DigitalSignature: true });
const KU_CA = keyUsage({ DigitalSignature: true, KeyCertSign: true, CRLSign: true });
const EE_BC = basicConstraints(false, null, false);

function profile(t: TemplateDef): Profile {
  const caBc = basicConstraints(true, t.pathLen, true);
  switch (t.family) {
    case 'EE': return { bc: EE_BC, ku: KU_EE, eku: ekuFromOids([`${KP}1`, `${KP}2`], false), aki: 'issuer' };
    case 'EE_CLIENT': return { bc: EE_BC, ku: KU_EE, eku: ekuFromOids([`${KP}2`], false), aki: 'issuer' };
    case 'EE_SERVER': return { bc: EE_BC, ku: KU_EE, eku: ekuFromOids([`${KP}1`], false), aki: 'issuer' };
    case 'CODE': return { bc: EE_BC, ku: KU_SIGN, eku: ekuFromOids([`${KP}3`], true), aki: 'issuer' };
    case 'OCSP': return { bc: EE_BC, ku: KU_SIGN, eku: ekuFromOids([`${KP}9`], true), aki: 'issuer' };
    case 'SUB_n': return { bc: caBc, ku: KU_CA, eku: null, aki: 'issuer' };
    case 'ROOT': return { bc: caBc, ku: KU_CA, eku: null, aki: 'none' };
    case 'ROOT_API': return { bc: caBc, ku: KU_CA, eku: null, aki: 'api' };
    case 'BLANK_EE': return { bc: EE_BC, ku: null, eku: null, aki: 'issuer' };
    case 'BLANK_EE_CBC': return { bc: basicConstraints(false, null, true), ku: null, eku: null, aki: 'issuer' };
    case 'BLANK_SUB_n': return { bc: caBc, ku: null, eku: null, aki: 'issuer' };
    case 'BLANK_ROOT': case 'BLANK_ROOT_n': return { bc: caBc, ku: null, eku: null, aki: 'api' };
  }
}

const PROFILES = new Map(TEMPLATES.map((t) => [t, profile(t)]));

/** TEMPLATES.md §4 "Recommended full order"; other extensions follow in the order received. */
const ORDER: readonly string[] = [
  EXT.basicConstraints, EXT.authorityKeyIdentifier, EXT.subjectKeyIdentifier, EXT.keyUsage, EXT.extKeyUsage,
  EXT.cRLDistributionPoints, EXT.authorityInfoAccess, EXT.subjectAltName, EXT.certificatePolicies,
];

function invalid(message: string): ApiError {
  return new ApiError('InvalidArgsException', message);
}

/** ApiPassthrough.Extensions → extensions, structured fields first; rejects an OID supplied twice. */
function apiExtensions(ext: Extensions): RawExtension[] {
  if (ext === null || typeof ext !== 'object') throw invalid('ApiPassthrough.Extensions must be an Extensions structure');
  const at = 'ApiPassthrough.Extensions';
  const out: RawExtension[] = [];
  const given = new Map<string, string>();
  if (ext.KeyUsage != null) {
    given.set(EXT.keyUsage, 'KeyUsage');
    const ku = keyUsage(ext.KeyUsage);
    if (ku !== null) out.push(ku);
  }
  if (ext.ExtendedKeyUsage != null) {
    given.set(EXT.extKeyUsage, 'ExtendedKeyUsage');
    out.push(extendedKeyUsage(ext.ExtendedKeyUsage, false, `${at}.ExtendedKeyUsage`));
  }
  if (ext.SubjectAlternativeNames != null) {
    given.set(EXT.subjectAltName, 'SubjectAlternativeNames');
    out.push(subjectAltName(ext.SubjectAlternativeNames, false, `${at}.SubjectAlternativeNames`));
  }
  if (ext.CertificatePolicies != null) {
    given.set(EXT.certificatePolicies, 'CertificatePolicies');
    out.push(certificatePolicies(ext.CertificatePolicies, `${at}.CertificatePolicies`));
  }
  if (ext.CustomExtensions != null) {
    if (!Array.isArray(ext.CustomExtensions) || ext.CustomExtensions.length === 0) {
      throw invalid(`${at}.CustomExtensions must be a non-empty list`);
    }
    ext.CustomExtensions.forEach((c, i) => {
      const e = customExtension(c, `${at}.CustomExtensions[${i}]`);
      const prior = given.get(e.oid);
      if (prior !== undefined) {
        throw invalid(`${at}.CustomExtensions[${i}] has ObjectIdentifier ${e.oid}, which is already supplied by ${prior}; ` +
          'each extension may be given only once per request');
      }
      given.set(e.oid, `CustomExtensions[${i}]`);
      out.push(e);
    });
  }
  return out;
}

/**
 * Subject and extensions of a certificate issued with `template` (TEMPLATES.md §3/§4, X509.md §4):
 * template > API > CSR per extension OID; Subject/SAN from the CSR unless an API variety supplies
 * them; the CA's CDP/AIA win; BC/SKI/AKI never from passthrough (except AKI via the API for the
 * ROOT_API / BLANK_ROOT families); root families carry no AKI/CDP/AIA of their own.
 */
export function templateContent(o: {
  template: TemplateDef;
  csr: ParsedCsr;
  api: ApiPassthrough | undefined;
  issuer: { ski: Uint8Array | null };
  cdpUri: string | null;
  ocspUri: string | null;
}): { subjectDer: Uint8Array; extensions: RawExtension[] } {
  const { template: t, csr } = o;
  const p = PROFILES.get(t) ?? profile(t);
  const useApi = t.variety === 'API' || t.variety === 'APICSR';
  const useCsr = t.variety === 'CSR' || t.variety === 'APICSR';
  const api = useApi && o.api != null ? o.api : undefined;
  if (api !== undefined && typeof api !== 'object') throw invalid('ApiPassthrough must be an ApiPassthrough structure');
  const fromApi = api?.Extensions != null ? apiExtensions(api.Extensions) : [];

  let subject = csr.subjectDer;
  let subjectEmpty = csr.subjectEmpty;
  if (api?.Subject != null) {
    subject = encodeSubjectDer(api.Subject, 'ApiPassthrough.Subject');
    subjectEmpty = false;
  }

  const chosen = new Map<string, RawExtension>();
  chosen.set(EXT.basicConstraints, p.bc);
  if (p.aki === 'issuer') {
    if (o.issuer.ski === null) throw new Error(`template ${t.name} needs the issuing CA's key identifier`);
    chosen.set(EXT.authorityKeyIdentifier, authorityKeyIdentifier(o.issuer.ski));
  }
  chosen.set(EXT.subjectKeyIdentifier, subjectKeyIdentifier(ski(csr.spkiDer)));
  if (p.ku !== null) chosen.set(EXT.keyUsage, p.ku);
  if (p.eku !== null) chosen.set(EXT.extKeyUsage, p.eku);
  if (!t.root && o.cdpUri !== null) chosen.set(EXT.cRLDistributionPoints, crlDistributionPoints(o.cdpUri));
  if (!t.root && o.ocspUri !== null) chosen.set(EXT.authorityInfoAccess, authorityInfoAccessOcsp(o.ocspUri));

  // Never from passthrough: BC, SKI, AKI (API AKI only for root API families); roots: no CDP/AIA at all.
  const blocked = new Set<string>([EXT.basicConstraints, EXT.subjectKeyIdentifier, EXT.authorityKeyIdentifier]);
  if (t.root) { blocked.add(EXT.cRLDistributionPoints); blocked.add(EXT.authorityInfoAccess); }
  const offer = (e: RawExtension, allowAki: boolean): void => {
    if (chosen.has(e.oid)) return;
    if (blocked.has(e.oid) && !(allowAki && e.oid === EXT.authorityKeyIdentifier)) return;
    chosen.set(e.oid, e);
  };
  for (const e of fromApi) offer(e, p.aki === 'api');
  for (const e of csr.extensions) if (useCsr || e.oid === EXT.subjectAltName) offer(e, false);

  const san = chosen.get(EXT.subjectAltName);
  if (subjectEmpty) {
    if (san === undefined) {
      throw api !== undefined
        ? invalid('The certificate would have neither a subject nor a subject alternative name: the CSR subject is empty; ' +
          'supply ApiPassthrough.Subject or ApiPassthrough.Extensions.SubjectAlternativeNames')
        : new ApiError('MalformedCSRException', 'The CSR has an empty subject and no subjectAltName extension; ' +
          'a certificate needs at least one of them — add a subject (e.g. -subj "/CN=name") or a subjectAltName to the CSR');
    }
    if (!san.critical) chosen.set(EXT.subjectAltName, { ...san, critical: true });
  }

  const rank = (oid: string): number => { const i = ORDER.indexOf(oid); return i < 0 ? ORDER.length : i; };
  const extensions = [...chosen.values()].sort((a, b) => rank(a.oid) - rank(b.oid));
  return { subjectDer: subject, extensions };
}
