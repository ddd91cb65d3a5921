// The handler table: one entry per operation of the model, typed so that a missing operation fails to compile.
import type { OperationName } from '../contract/generated.ts';
import { createCertificateAuthorityAuditReport, describeCertificateAuthorityAuditReport } from './audit-reports.ts';
import { createCertificateAuthority } from './create-certificate-authority.ts';
import { deleteCertificateAuthority } from './delete-certificate-authority.ts';
import { describeCertificateAuthority } from './describe-certificate-authority.ts';
import { getCertificate } from './get-certificate.ts';
import { getCertificateAuthorityCertificate } from './get-certificate-authority-certificate.ts';
import { getCertificateAuthorityCsr } from './get-certificate-authority-csr.ts';
import { importCertificateAuthorityCertificate } from './import-certificate-authority-certificate.ts';
import { issueCertificate } from './issue-certificate.ts';
import { listCertificateAuthorities } from './list-certificate-authorities.ts';
import { revokeCertificate } from './revoke-certificate.ts';
import { restoreCertificateAuthority } from './restore-certificate-authority.ts';
import { listTags, tagCertificateAuthority, untagCertificateAuthority } from './tags.ts';
import { updateCertificateAuthority } from './update-certificate-authority.ts';
import { notImplemented, type Handler } from './context.ts';

export const HANDLERS: { readonly [K in OperationName]: Handler<K> } = {
  CreateCertificateAuthority: createCertificateAuthority,
  CreateCertificateAuthorityAuditReport: createCertificateAuthorityAuditReport,
  CreatePermission: notImplemented('CreatePermission'),
  DeleteCertificateAuthority: deleteCertificateAuthority,
  DeletePermission: notImplemented('DeletePermission'),
  DeletePolicy: notImplemented('DeletePolicy'),
  DescribeCertificateAuthority: describeCertificateAuthority,
  DescribeCertificateAuthorityAuditReport: describeCertificateAuthorityAuditReport,
  GetCertificate: getCertificate,
  GetCertificateAuthorityCertificate: getCertificateAuthorityCertificate,
  GetCertificateAuthorityCsr: getCertificateAuthorityCsr,
  GetPolicy: notImplemented('GetPolicy'),
  ImportCertificateAuthorityCertificate: importCertificateAuthorityCertificate,
  IssueCertificate: issueCertificate,
  ListCertificateAuthorities: listCertificateAuthorities,
  ListPermissions: notImplemented('ListPermissions'),
  ListTags: listTags,
  PutPolicy: notImplemented('PutPolicy'),
  RestoreCertificateAuthority: restoreCertificateAuthority,
  RevokeCertificate: revokeCertificate,
  TagCertificateAuthority: tagCertificateAuthority,
  UntagCertificateAuthority: untagCertificateAuthority,
  UpdateCertificateAuthority: updateCertificateAuthority,
};
