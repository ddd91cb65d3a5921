// ListCertificateAuthorities: the caller's CAs (every status) in creation order, at most 100 a page.
import { fail } from '../contract/errors.ts';
import type { CertificateAuthority } from '../contract/generated.ts';
import { toWire } from './ca-view.ts';
import type { Handler } from './context.ts';

const PAGE_MAX = 100;

export const listCertificateAuthorities: Handler<'ListCertificateAuthorities'> = async (input, ctx) => {
  const owner = input.ResourceOwner ?? 'SELF';
  const scope = { operation: 'ListCertificateAuthorities', account: ctx.accountId, region: ctx.region, scope: owner };
  let after: { createdAt: number; arn: string } | null = null;
  if (input.NextToken !== undefined) {
    const p = ctx.svc.tokens.open(scope, input.NextToken, ctx.now) as { c?: unknown; a?: unknown } | null;
    if (!p || typeof p.c !== 'number' || typeof p.a !== 'string') {
      throw fail('InvalidNextTokenException', 'The NextToken is not valid; start again without NextToken.');
    }
    after = { createdAt: p.c, arn: p.a };
  }
  // Sharing through resource policies (PutPolicy) is not built yet: no CA is shared with another account.
  if (owner === 'OTHER_ACCOUNTS') return { CertificateAuthorities: [] };
  const limit = Math.min(input.MaxResults ?? PAGE_MAX, PAGE_MAX);
  const rows = await ctx.svc.store.read.cas.list(ctx.accountId, ctx.region, after, limit + 1);
  const page = rows.slice(0, limit).filter((ca) => !(ca.status === 'DELETED' && ca.restorableUntil !== null && ca.restorableUntil <= ctx.now));
  const out: { CertificateAuthorities: CertificateAuthority[]; NextToken?: string } = { CertificateAuthorities: page.map((ca) => toWire(ca, ctx.now)) };
  if (rows.length > limit) {
    const last = rows[limit - 1]!;
    out.NextToken = ctx.svc.tokens.issue(scope, { c: last.createdAt, a: last.arn }, ctx.now);
  }
  return out;
};
