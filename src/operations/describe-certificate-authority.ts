// DescribeCertificateAuthority: the full CertificateAuthority record, in any status.
import { toWire } from './ca-view.ts';
import type { Handler } from './context.ts';
import { loadCa } from './context.ts';

export const describeCertificateAuthority: Handler<'DescribeCertificateAuthority'> = async (input, ctx) => {
  const ca = await loadCa(ctx, input.CertificateAuthorityArn);
  return { CertificateAuthority: toWire(ca, ctx.now) };
};
