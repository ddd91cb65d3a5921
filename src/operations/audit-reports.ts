// CreateCertificateAuthorityAuditReport and DescribeCertificateAuthorityAuditReport (API.md §3.2, §3.8; REVOCATION.md §6).
import { fail } from '../contract/errors.ts';
import { stateError, visibleStatus } from '../domain/authority.ts';
import { checkBucket } from '../domain/revocation-config.ts';
import type { AuditReportRecord } from '../ports/store.ts';
import type { Handler } from './context.ts';
import { loadCa, reloadInTx } from './context.ts';

export const createCertificateAuthorityAuditReport: Handler<'CreateCertificateAuthorityAuditReport'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  const check = (ca: Awaited<ReturnType<typeof loadCa>>) => {
    const status = visibleStatus(ca, ctx.now);
    if (status !== 'ACTIVE' && status !== 'DISABLED' && status !== 'EXPIRED') stateError(ca, status, 'produce audit reports (ACTIVE, DISABLED or EXPIRED CAs can)');
  };
  check(await loadCa(ctx, arn));
  checkBucket(input.S3BucketName);
  const { svc } = ctx;
  const interval = svc.config.auditReportIntervalMs;
  const record = await svc.store.transaction(async (tx) => {
    const ca = await reloadInTx(tx, ctx, arn);
    check(ca);
    const last = await tx.auditReports.latest(arn);
    if (last?.status === 'CREATING') throw fail('RequestInProgressException', `Audit report ${last.id} of ${arn} is still being written; wait for it (DescribeCertificateAuthorityAuditReport) before asking for another.`);
    if (last && last.createdAt + interval > ctx.now) {
      throw fail('RequestInProgressException', `Certificate authority ${arn} produced audit report ${last.id} at ${new Date(last.createdAt).toISOString()}; one report per CA is allowed every ${Math.round(interval / 60_000)} minutes, so the next is possible from ${new Date(last.createdAt + interval).toISOString()}.`);
    }
    const id = svc.uuid();
    const r: AuditReportRecord = {
      id, caArn: arn, bucket: input.S3BucketName, s3Key: `audit-report/${ca.id}/${id}.${input.AuditReportResponseFormat === 'JSON' ? 'json' : 'csv'}`,
      format: input.AuditReportResponseFormat, status: 'CREATING', createdAt: ctx.now, failureReason: null,
    };
    await tx.auditReports.insert(r);
    return r;
  });
  svc.audit.schedule(record);
  return { AuditReportId: record.id, S3Key: record.s3Key };
};

export const describeCertificateAuthorityAuditReport: Handler<'DescribeCertificateAuthorityAuditReport'> = async (input, ctx) => {
  const ca = await loadCa(ctx, input.CertificateAuthorityArn);
  const r = await ctx.svc.store.read.auditReports.get(ca.arn, input.AuditReportId);
  if (!r) throw fail('ResourceNotFoundException', `Certificate authority ${ca.arn} has no audit report ${input.AuditReportId}.`);
  return { AuditReportStatus: r.status, S3BucketName: r.bucket, S3Key: r.s3Key, CreatedAt: new Date(r.createdAt) };
};
