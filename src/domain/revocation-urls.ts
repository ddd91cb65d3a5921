// The CRL distribution point and OCSP URLs frozen into issued certificates (REVOCATION.md §2.2, §3).
import type { CrlConfigurationInput, RevocationConfigurationInput } from './revocation-config.ts';

export interface RevocationUrlSettings {
  /** Replaces the S3 host of CDP URLs, e.g. http://pca.internal:8765; 'aws' (or unset) keeps AWS's S3 URL. CustomCname still wins. */
  crlBaseUrl: string | undefined;
  /** Replaces the AWS OCSP URL; 'aws' (or unset) keeps it. OcspCustomCname still wins. */
  ocspUrl: string | undefined;
}

/**
 * The URL settings a server uses: its own URL unless configured otherwise (it serves CRLs and OCSP itself). With a
 * dedicated OCSP port, the OCSP URL is the same URL on that port.
 */
export function serverUrlSettings(c: { crlBaseUrl: string | undefined; ocspUrl: string | undefined; publicUrl: string | undefined }, listenUrl: string, ocspPort?: number): RevocationUrlSettings {
  const base = c.publicUrl ?? listenUrl;
  let ocspBase = base;
  if (ocspPort !== undefined) {
    const u = new URL(base);
    u.port = String(ocspPort);
    ocspBase = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  }
  return { crlBaseUrl: c.crlBaseUrl ?? base, ocspUrl: c.ocspUrl ?? `${ocspBase}/ocsp` };
}

/**
 * The object key of a CRL in its bucket, which is also the path of its URI (REVOCATION.md §2.6): the `crl` folder
 * or CustomPath ('/' = the bucket's root), then the CA id (COMPLETE) or partition id (PARTITIONED) and `.crl`.
 */
export function crlObjectKey(crl: CrlConfigurationInput, id: string): string {
  const folder = crl.CustomPath === undefined ? 'crl' : crl.CustomPath === '/' ? '' : crl.CustomPath;
  return `${folder ? `${folder}/` : ''}${id}.crl`;
}

/** The CDP URI for certificates of this CA (or partition id), or null when the CA's configuration asks for none. */
export function cdpUri(rc: RevocationConfigurationInput | null, caId: string, region: string, s: RevocationUrlSettings): string | null {
  const crl: CrlConfigurationInput | undefined = rc?.CrlConfiguration;
  if (!crl?.Enabled || crl.CrlDistributionPointExtensionConfiguration?.OmitExtension) return null;
  const path = crlObjectKey(crl, caId);
  if (crl.CustomCname) return `http://${crl.CustomCname}/${path}`;
  if (s.crlBaseUrl && s.crlBaseUrl !== 'aws') return `${s.crlBaseUrl.replace(/\/+$/, '')}/${path}`;
  return `http://${crl.S3BucketName}.s3.${region}.amazonaws.com/${path}`;
}

/** The OCSP responder URI for the AIA extension, or null when OCSP is not enabled. */
export function ocspUri(rc: RevocationConfigurationInput | null, region: string, s: RevocationUrlSettings): string | null {
  const ocsp = rc?.OcspConfiguration;
  if (!ocsp?.Enabled) return null;
  if (ocsp.OcspCustomCname) return `http://${ocsp.OcspCustomCname}`;
  if (s.ocspUrl && s.ocspUrl !== 'aws') return s.ocspUrl;
  return `http://ocsp.acm-pca.${region}.amazonaws.com`;
}
