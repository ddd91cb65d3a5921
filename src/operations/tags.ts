// TagCertificateAuthority, UntagCertificateAuthority and ListTags.
import { fail } from '../contract/errors.ts';
import { stateError, visibleStatus } from '../domain/authority.ts';
import { checkTags, MAX_TAGS_PER_CA, mergeTags, removeTags } from '../domain/tags.ts';
import type { TagRecord } from '../ports/store.ts';
import type { Handler } from './context.ts';
import { loadCa, reloadInTx } from './context.ts';

export const tagCertificateAuthority: Handler<'TagCertificateAuthority'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  await loadCa(ctx, arn);
  checkTags(input.Tags);
  await ctx.svc.store.transaction(async (tx) => {
    const ca = await reloadInTx(tx, ctx, arn);
    const status = visibleStatus(ca, ctx.now);
    if (status === 'DELETED') stateError(ca, status, 'be tagged; restore it first');
    const merged = mergeTags(await tx.tags.list(arn), input.Tags);
    if (merged.length > MAX_TAGS_PER_CA) {
      throw fail('TooManyTagsException', `Certificate authority ${arn} would have ${merged.length} tags; at most ${MAX_TAGS_PER_CA} are allowed. Nothing was changed.`);
    }
    await tx.tags.replace(arn, merged);
  });
  return {};
};

export const untagCertificateAuthority: Handler<'UntagCertificateAuthority'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  await loadCa(ctx, arn);
  checkTags(input.Tags);
  await ctx.svc.store.transaction(async (tx) => {
    const ca = await reloadInTx(tx, ctx, arn);
    const status = visibleStatus(ca, ctx.now);
    if (status === 'DELETED') stateError(ca, status, 'be untagged; restore it first');
    await tx.tags.replace(arn, removeTags(await tx.tags.list(arn), input.Tags));
  });
  return {};
};

export const listTags: Handler<'ListTags'> = async (input, ctx) => {
  const arn = input.CertificateAuthorityArn;
  await loadCa(ctx, arn);
  const scope = { operation: 'ListTags', account: ctx.accountId, region: ctx.region, scope: arn };
  let start = 0;
  if (input.NextToken !== undefined) {
    const p = ctx.svc.tokens.open(scope, input.NextToken, ctx.now);
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) throw fail('InvalidNextTokenException', 'The NextToken is not valid; start again without NextToken.');
    start = p;
  }
  const all = await ctx.svc.store.read.tags.list(arn);
  const limit = input.MaxResults ?? 1000;
  const out: { Tags: ReturnType<typeof toWireTags>; NextToken?: string } = { Tags: toWireTags(all.slice(start, start + limit)) };
  if (start + limit < all.length) out.NextToken = ctx.svc.tokens.issue(scope, start + limit, ctx.now);
  return out;
};

function toWireTags(tags: TagRecord[]): Array<{ Key: string; Value?: string }> {
  return tags.map((t) => (t.value === null ? { Key: t.key } : { Key: t.key, Value: t.value }));
}
