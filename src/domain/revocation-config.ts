// RevocationConfiguration rules (API.md §3.1, REVOCATION.md §2.1, §4): validation and the stored form with defaults.
import { fail } from '../contract/errors.ts';

export interface CrlConfigurationInput {
  Enabled: boolean;
  ExpirationInDays?: number | undefined;
  CustomCname?: string | undefined;
  S3BucketName?: string | undefined;
  S3ObjectAcl?: string | undefined;
  CrlDistributionPointExtensionConfiguration?: { OmitExtension: boolean } | undefined;
  CrlType?: string | undefined;
  CustomPath?: string | undefined;
}
export interface OcspConfigurationInput { Enabled: boolean; OcspCustomCname?: string | undefined }
export interface RevocationConfigurationInput {
  CrlConfiguration?: CrlConfigurationInput | undefined;
  OcspConfiguration?: OcspConfigurationInput | undefined;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** S3 bucket naming rules, applied to the bucket part (before any '/'); InvalidArgsException naming the broken rules. */
export function checkBucket(name: string): void {
  const bucket = name.split('/')[0] ?? '';
  const problems: string[] = [];
  if (bucket.length < 3 || bucket.length > 63) problems.push('be 3 to 63 characters long');
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) problems.push('use only lower-case letters, digits, dots and hyphens, and begin and end with a letter or digit');
  if (/\.\.|\.-|-\./.test(bucket)) problems.push('not contain two adjacent periods or a period next to a hyphen');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) problems.push('not be formatted as an IP address');
  if (problems.length) {
    throw fail('InvalidArgsException', `S3BucketName '${name}' is not a valid S3 bucket name: it must ${problems.join('; ')}.`);
  }
}

function checkCname(value: string, member: string): void {
  if (SCHEME.test(value)) {
    throw fail('InvalidArgsException', `${member} '${value}' must not include a scheme such as http:// or https://; give only the host name (and optional path).`);
  }
}

/** Validates a RevocationConfiguration and returns it as stored and echoed (defaults filled in). */
export function normaliseRevocation(rc: RevocationConfigurationInput | undefined): RevocationConfigurationInput | null {
  if (!rc) return null;
  const out: RevocationConfigurationInput = {};
  const crl = rc.CrlConfiguration;
  if (crl) {
    if (!crl.Enabled) {
      const extra = Object.keys(crl).filter((k) => k !== 'Enabled');
      if (extra.length) {
        throw fail('InvalidArgsException', `CrlConfiguration has Enabled=false, so it must not contain other fields (found: ${extra.join(', ')}).`);
      }
      out.CrlConfiguration = { Enabled: false };
    } else {
      if (!crl.S3BucketName) throw fail('InvalidArgsException', 'CrlConfiguration with Enabled=true requires S3BucketName: the bucket the CRL is published to.');
      checkBucket(crl.S3BucketName);
      if (crl.CustomCname) checkCname(crl.CustomCname, 'CustomCname');
      if (crl.CustomPath !== undefined && crl.CustomPath !== '/' && crl.CustomPath.split('/').some((seg) => seg === '.' || seg === '..')) {
        throw fail('InvalidArgsException', `CustomPath '${crl.CustomPath}' has a '.' or '..' segment; give the folder of the CRL object as plain names separated by '/', e.g. pki/crls.`);
      }
      if (crl.CrlDistributionPointExtensionConfiguration?.OmitExtension && crl.CustomCname) {
        throw fail('InvalidArgsException', 'CustomCname cannot be set when CrlDistributionPointExtensionConfiguration.OmitExtension is true: certificates would carry no CRL distribution point to use it.');
      }
      const c: CrlConfigurationInput = { Enabled: true, ExpirationInDays: crl.ExpirationInDays ?? 7 };
      if (crl.CustomCname !== undefined) c.CustomCname = crl.CustomCname;
      c.S3BucketName = crl.S3BucketName;
      c.S3ObjectAcl = crl.S3ObjectAcl ?? 'PUBLIC_READ';
      if (crl.CrlDistributionPointExtensionConfiguration) c.CrlDistributionPointExtensionConfiguration = { OmitExtension: crl.CrlDistributionPointExtensionConfiguration.OmitExtension };
      c.CrlType = crl.CrlType ?? 'COMPLETE';
      if (crl.CustomPath !== undefined) c.CustomPath = crl.CustomPath;
      out.CrlConfiguration = c;
    }
  }
  const ocsp = rc.OcspConfiguration;
  if (ocsp) {
    if (!ocsp.Enabled) {
      if (ocsp.OcspCustomCname !== undefined) {
        throw fail('InvalidArgsException', 'OcspConfiguration has Enabled=false, so it must not contain OcspCustomCname.');
      }
      out.OcspConfiguration = { Enabled: false };
    } else {
      if (ocsp.OcspCustomCname) checkCname(ocsp.OcspCustomCname, 'OcspCustomCname');
      out.OcspConfiguration = ocsp.OcspCustomCname !== undefined ? { Enabled: true, OcspCustomCname: ocsp.OcspCustomCname } : { Enabled: true };
    }
  }
  return out;
}
