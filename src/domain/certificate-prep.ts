// The CPU-heavy half of IssueCertificate as a pure job (CSR parse + verify, template content, TBS, and the CA's
// signature when the certificate is to be signed at once): runs inline or in a worker thread.
import { fail } from '../contract/errors.ts';
import type { ApiPassthrough } from '../contract/generated.ts';
import type { KeyRef, KeyStore } from '../ports/keys.ts';
import type { SigningAlgorithm } from '../x509/algorithms.ts';
import { encodeCertificate, encodeTbs } from '../x509/certificate.ts';
import { parseAndVerifyCsr } from '../x509/csr-parse.ts';
import { findTemplate, templateContent } from './templates.ts';

export interface PrepJob {
  csr: Uint8Array;
  templateArn: string;
  api: ApiPassthrough | undefined;
  /** Root templates: the certificate is the CA's own (self-issued); the CSR key must be the CA key. */
  selfIssue: boolean;
  caKeySpki: Uint8Array;
  issuerSki: Uint8Array | null;
  issuerSubjectDer: Uint8Array | null;
  cdpUri: string | null;
  ocspUri: string | null;
  signingAlgorithm: SigningAlgorithm;
  notBefore: number;
  notAfter: number;
  serial: Uint8Array;
  /** The CA key to sign with now; null leaves signing to the background issuance job. */
  signWith: KeyRef | null;
}

export interface Prepared {
  tbs: Uint8Array;
  /** The signed certificate, when the job asked for signing and it succeeded. */
  der: Uint8Array | null;
  /** Why signing failed (the background job retries and records the failure). */
  signError: string | null;
}

/**
 * Validates the request against the CSR and template and builds the TBS; signs it too when `job.signWith` is set.
 * `inWorker`: running on a worker thread, so the CSR check is done there rather than on the threadpool.
 */
export async function prepareCertificate(job: PrepJob, keys: KeyStore, inWorker = false): Promise<Prepared> {
  const tbs = await buildTbs(job, inWorker);
  if (!job.signWith) return { tbs, der: null, signError: null };
  try {
    const signer = await keys.signer(job.signWith);
    return { tbs, der: encodeCertificate(tbs, job.signingAlgorithm, await signer.sign(job.signingAlgorithm, tbs)), signError: null };
  } catch (e) {
    return { tbs, der: null, signError: e instanceof Error ? e.message : String(e) };
  }
}

async function buildTbs(job: PrepJob, inWorker: boolean): Promise<Uint8Array> {
  const template = findTemplate(job.templateArn);
  if (!template) throw fail('InvalidArgsException', `TemplateArn ${job.templateArn} is not a known template.`);
  const csr = await parseAndVerifyCsr(job.csr, inWorker);
  if (job.selfIssue && Buffer.compare(Buffer.from(csr.spkiDer), Buffer.from(job.caKeySpki)) !== 0) {
    throw fail('InvalidArgsException', `Template ${template.name} issues the CA's own certificate: the CSR must be the CA's CSR (GetCertificateAuthorityCsr), but its public key is not the CA's key.`);
  }
  const content = templateContent({
    template, csr, api: job.api, issuer: { ski: job.selfIssue ? null : job.issuerSki },
    cdpUri: job.selfIssue ? null : job.cdpUri, ocspUri: job.selfIssue ? null : job.ocspUri,
  });
  return encodeTbs({
    serial: job.serial, signingAlgorithm: job.signingAlgorithm, issuerDer: job.selfIssue ? content.subjectDer : job.issuerSubjectDer!,
    notBefore: new Date(job.notBefore), notAfter: new Date(job.notAfter), subjectDer: content.subjectDer, spkiDer: csr.spkiDer,
    extensions: content.extensions,
  });
}
