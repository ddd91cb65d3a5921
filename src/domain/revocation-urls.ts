// The CRL distribution point and OCSP URLs frozen into issued certificates (REVOCATION.md §2.2, §3).
import type { CrlConfigurationInput, RevocationConfigurationInput } from './revocation-config.ts';

export interface RevocationUrlSettings {
  /** Replaces the S3 host of CDP URLs when set, e.g. http://pca.internal:8765 (CustomCname still wins). */
  crlBaseUrl: string | undefined;
  /** Replaces the AWS OCSP host when set (OcspCustomCname still wins). */
  ocspUrl: string | undefined;
}

/** The CDP URI for certificates of this CA, or null when the CA's configuration asks for none. */
export function cdpUri(rc: RevocationConfigurationInput | null, caId: string, region: string, s: RevocationUrlSettings): string | null {
  const crl: CrlConfigurationInput | undefined = rc?.CrlConfiguration;
  if (!crl?.Enabled || crl.CrlDistributionPointExtensionConfiguration?.OmitExtension) return null;
  const folder = crl.CustomPath === undefined ? 'crl' : crl.CustomPath === '/' ? '' : crl.CustomPath;
  const path = `${folder ? `${folder}/` : ''}${caId}.crl`;
  if (crl.CustomCname) return `http://${crl.CustomCname}/${path}`;
  if (s.crlBaseUrl) return `${s.crlBaseUrl.replace(/\/+$/, '')}/${path}`;
  return `http://${crl.S3BucketName}.s3.${region}.amazonaws.com/${path}`;
}

/** The OCSP responder URI for the AIA extension, or null when OCSP is not enabled. */
export function ocspUri(rc: RevocationConfigurationInput | null, region: string, s: RevocationUrlSettings): string | null {
  const ocsp = rc?.OcspConfiguration;
  if (!ocsp?.Enabled) return null;
  if (ocsp.OcspCustomCname) return `http://${ocsp.OcspCustomCname}`;
  if (s.ocspUrl) return s.ocspUrl;
  return `http://ocsp.acm-pca.${region}.amazonaws.com`;
}
