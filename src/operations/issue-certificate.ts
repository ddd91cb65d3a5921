// IssueCertificate: every check up front, the certificate built and signed off the event loop, then committed in one
// row and the ARN returned. With an issuance delay the row is committed PENDING and signed in the background.
import { fail } from '../contract/errors.ts';
import { caKeyRef, caRevocation, stateError, visibleStatus } from '../domain/authority.ts';
import { cdpUri, ocspUri } from '../domain/revocation-urls.ts';
import type { PrepJob } from '../domain/certificate-prep.ts';
import { DEFAULT_TEMPLATE_ARN, checkTemplatePathLen, findTemplate } from '../domain/templates.ts';
import { computeValidity } from '../domain/validity.ts';
import { IDEMPOTENCY_WINDOW_MS } from '../jobs/purge.ts';
import type { CaRecord } from '../ports/store.ts';
import { isCompatible } from '../x509/algorithms.ts';
import { newSerial } from '../x509/serial.ts';
import type { Handler, RequestContext } from './context.ts';
import { loadCa } from './context.ts';

function tokenKey(ctx: RequestContext, caArn: string, token: string) {
  return { account: ctx.accountId, region: ctx.region, operation: 'IssueCertificate', scope: caArn, token };
}

const NO_TBS = new Uint8Array(0);

export const issueCertificate: Handler<'IssueCertificate'> = async (input, ctx) => {
  const caArn = input.CertificateAuthorityArn;
  const ca = await loadCa(ctx, caArn);
  const { svc } = ctx;
  if (input.IdempotencyToken !== undefined) {
    const seen = await svc.store.read.idempotency.get(tokenKey(ctx, caArn, input.IdempotencyToken), ctx.now - IDEMPOTENCY_WINDOW_MS);
    if (seen) return { CertificateArn: seen.result };
  }
  const templateArn = input.TemplateArn ?? DEFAULT_TEMPLATE_ARN;
  const template = findTemplate(templateArn);
  if (!template) {
    throw fail('InvalidArgsException', `TemplateArn ${templateArn} is not a known template; use arn:aws:acm-pca:::template/<Name>/V1 with one of the AWS Private CA template names (e.g. EndEntityCertificate).`);
  }
  const selfIssue = template.root;
  checkState(ca, ctx.now, selfIssue);
  if (selfIssue && ca.type !== 'ROOT') {
    throw fail('InvalidArgsException', `Template ${template.name} makes a self-signed root certificate; only a ROOT CA can use it, and ${caArn} is SUBORDINATE.`);
  }
  if (!isCompatible(ca.keyAlgorithm, input.SigningAlgorithm)) {
    throw fail('InvalidArgsException', `SigningAlgorithm ${input.SigningAlgorithm} cannot be used with this CA's ${ca.keyAlgorithm} key.`);
  }
  if (!selfIssue) checkTemplatePathLen(template, ca.caPathLen);
  const validity = computeValidity({
    validity: input.Validity, validityNotBefore: input.ValidityNotBefore, now: ctx.now,
    issuerNotAfter: selfIssue ? null : ca.notAfter, shortLived: !selfIssue && ca.usageMode === 'SHORT_LIVED_CERTIFICATE',
  });
  const rc = caRevocation(ca);
  const crlEnabled = rc?.CrlConfiguration?.Enabled === true;
  // PARTITIONED: the certificate is bound to one partition, whose CRL its CDP names (REVOCATION.md §2.5).
  const partition = crlEnabled && !selfIssue && rc?.CrlConfiguration?.CrlType === 'PARTITIONED' ? await svc.partitions.assign(caArn) : null;
  const key = caKeyRef(ca)!; // a CA that passed checkState has its key (it is made before PENDING_CERTIFICATE)
  const job: PrepJob = {
    csr: input.Csr, templateArn, api: input.ApiPassthrough, selfIssue, caKeySpki: key.spki, issuerSki: ca.caSki,
    issuerSubjectDer: ca.caSubjectDer, cdpUri: cdpUri(rc, partition ?? ca.id, ca.region, svc.urls), ocspUri: ocspUri(rc, ca.region, svc.urls),
    signingAlgorithm: input.SigningAlgorithm, notBefore: validity.notBefore.getTime(), notAfter: validity.notAfter.getTime(), serial: newSerial(),
    signWith: svc.issuance.signsAtOnce ? key : null,
  };
  // Checked, built and (normally) signed before anything is written: the one row committed is final, so a
  // certificate is acknowledged only once it is durable, and GetCertificate finds it at once.
  const { tbs, der } = await svc.prep.run(job);
  // Lifetime certificate quota per CA (LIFECYCLE.md §11), higher with PARTITIONED CRLs.
  const partitioned = rc?.CrlConfiguration?.CrlType === 'PARTITIONED';
  const limit = partitioned ? svc.config.partitionedCertificateQuota : svc.config.certificateQuota;

  const result = await svc.store.transaction(async (tx) => {
    if (input.IdempotencyToken !== undefined) {
      const seen = await tx.idempotency.get(tokenKey(ctx, caArn, input.IdempotencyToken), ctx.now - IDEMPOTENCY_WINDOW_MS);
      if (seen) return { arn: seen.result, hex: null, collided: false };
    }
    const cur = await tx.cas.issuanceState(caArn);
    if (!cur) throw fail('ResourceNotFoundException', `Could not find certificate authority ${caArn} in account ${ctx.accountId}, region ${ctx.region}.`);
    checkState({ ...ca, status: cur.status, notAfter: cur.notAfter }, ctx.now, selfIssue);
    if (cur.issuedCount >= limit) {
      throw fail('LimitExceededException', `Certificate authority ${caArn} has issued ${cur.issuedCount} certificates, its lifetime limit${partitioned ? ' with PARTITIONED CRLs' : ' unless its CRL is PARTITIONED (then it may issue more)'}; create another CA to issue more.`);
    }
    const hex = Buffer.from(job.serial).toString('hex');
    const inserted = await tx.certificates.insert({
      // The TBS is kept only until the certificate is signed (the DER contains it): an ISSUED row is a third smaller.
      caArn, serial: hex, status: der ? 'ISSUED' : 'PENDING', tbs: der ? NO_TBS : tbs, signingAlgorithm: input.SigningAlgorithm, der, failureReason: null,
      templateArn, notBefore: validity.notBefore.getTime(), notAfter: validity.notAfter.getTime(), issuedAt: ctx.now,
      requestedBy: ctx.accessKeyId, selfIssued: selfIssue, revokedAt: null, revocationReason: null, crlPartition: partition,
    });
    if (!inserted) return { arn: '', hex: null, collided: true };
    await tx.cas.addIssued(caArn);
    // The first certificate of a CA that publishes CRLs schedules its first CRL (REVOCATION.md §2.3).
    if (partition) await tx.crls.addToPartition(caArn, partition, ctx.now);
    else if (crlEnabled && !selfIssue && !svc.crl.started(caArn)) await tx.crls.ensure(caArn, '', ctx.now);
    const arn = `${caArn}/certificate/${hex}`;
    if (input.IdempotencyToken !== undefined) await tx.idempotency.put({ ...tokenKey(ctx, caArn, input.IdempotencyToken), result: arn, createdAt: ctx.now });
    return { arn, hex, collided: false };
  });
  // A 128-bit random serial this CA already used: practically never; start again with a fresh one.
  if (result.collided) return issueCertificate(input, ctx);
  if (partition && result.hex) svc.crl.poke();
  else if (crlEnabled && !selfIssue && !svc.crl.started(caArn) && result.hex) svc.crl.markStarted(caArn);
  // Not signed yet (an issuance delay is configured, or signing failed and is retried): the background job signs it.
  if (result.hex && !der) svc.issuance.schedule({ caArn, serial: result.hex, tbs, signingAlgorithm: input.SigningAlgorithm, key });
  return { CertificateArn: result.arn };
};


/** LIFECYCLE.md §4: ACTIVE issues; a ROOT CA may self-issue while PENDING_CERTIFICATE or EXPIRED (and re-issue while ACTIVE). */
function checkState(ca: CaRecord, now: number, selfIssue: boolean): void {
  const status = visibleStatus(ca, now);
  if (status === 'ACTIVE') return;
  if (selfIssue && (status === 'PENDING_CERTIFICATE' || status === 'EXPIRED')) return;
  stateError(ca, status, selfIssue ? 'issue its root certificate' : 'issue certificates');
}
