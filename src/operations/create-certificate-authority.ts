// CreateCertificateAuthority: validate, record the CA as CREATING in one transaction, start key+CSR generation.
import { fail } from '../contract/errors.ts';
import { caArn } from '../domain/arn.ts';
import { normaliseRevocation } from '../domain/revocation-config.ts';
import { checkTags, MAX_TAGS_PER_CA } from '../domain/tags.ts';
import { IDEMPOTENCY_WINDOW_MS } from '../jobs/purge.ts';
import type { CaRecord } from '../ports/store.ts';
import { isCompatible, SUPPORTED_KEY_ALGORITHMS } from '../x509/algorithms.ts';
import { checkCaCsrInputs } from '../x509/csr.ts';
import type { Handler } from './context.ts';

export const createCertificateAuthority: Handler<'CreateCertificateAuthority'> = async (input, ctx) => {
  const cfg = input.CertificateAuthorityConfiguration;
  if (!SUPPORTED_KEY_ALGORITHMS.includes(cfg.KeyAlgorithm)) {
    throw fail('InvalidArgsException', `KeyAlgorithm ${cfg.KeyAlgorithm} is not supported by this server; use one of ${SUPPORTED_KEY_ALGORITHMS.join(', ')}.`);
  }
  if (!isCompatible(cfg.KeyAlgorithm, cfg.SigningAlgorithm)) {
    throw fail('InvalidArgsException', `SigningAlgorithm ${cfg.SigningAlgorithm} cannot be used with KeyAlgorithm ${cfg.KeyAlgorithm}: the signing algorithm family must match the key (RSA keys sign with SHA*WITHRSA[_PSS], EC keys with SHA*WITHECDSA, ML-DSA keys with the ML_DSA value of the same level).`);
  }
  const standard = input.KeyStorageSecurityStandard ?? 'FIPS_140_2_LEVEL_3_OR_HIGHER';
  if (standard === 'CCPC_LEVEL_1_OR_HIGHER' && !ctx.region.startsWith('cn-')) {
    throw fail('InvalidArgsException', 'A certificate authority cannot be created in this region with the specified security standard.');
  }
  checkCaCsrInputs(cfg.Subject, cfg.CsrExtensions);
  const revocation = normaliseRevocation(input.RevocationConfiguration);
  const tags = input.Tags ?? [];
  checkTags(tags);
  if (tags.length > MAX_TAGS_PER_CA) throw fail('TooManyTagsException', `A CA can have at most ${MAX_TAGS_PER_CA} tags.`);

  const { svc } = ctx;
  const token = input.IdempotencyToken;
  const tokenKey = token === undefined ? null
    : { account: ctx.accountId, region: ctx.region, operation: 'CreateCertificateAuthority', scope: '', token };

  const result = await svc.store.transaction(async (tx) => {
    if (tokenKey) {
      const seen = await tx.idempotency.get(tokenKey, ctx.now - IDEMPOTENCY_WINDOW_MS);
      if (seen && (await tx.cas.get(seen.result))) return { arn: seen.result, created: false };
    }
    const count = await tx.cas.count(ctx.accountId, ctx.region);
    if (count >= svc.config.caQuota) {
      throw fail('LimitExceededException', `Account ${ctx.accountId} already has ${count} certificate authorities in ${ctx.region} (quota ${svc.config.caQuota}; DELETED CAs count until they are purged).`);
    }
    const id = svc.uuid();
    const arn = caArn(ctx.region, ctx.accountId, id);
    const ca: CaRecord = {
      arn, id, account: ctx.accountId, region: ctx.region, type: input.CertificateAuthorityType,
      status: 'CREATING', statusBeforeDeletion: null, failureReason: null,
      configuration: JSON.stringify(cfg), revocation: revocation ? JSON.stringify(revocation) : null,
      usageMode: input.UsageMode ?? 'GENERAL_PURPOSE', keyStorageSecurityStandard: standard,
      keyAlgorithm: cfg.KeyAlgorithm, createdAt: ctx.now, lastStateChangeAt: ctx.now, restorableUntil: null,
      keyUri: null, keySpki: null, csrPem: null, certificatePem: null, certificateChainPem: null,
      serial: null, notBefore: null, notAfter: null, caSubjectDer: null, caSki: null, caPathLen: null,
    };
    await tx.cas.insert(ca);
    if (tags.length) await tx.tags.replace(arn, tags.map((t) => ({ key: t.Key, value: t.Value ?? null })));
    if (tokenKey) await tx.idempotency.put({ ...tokenKey, result: arn, createdAt: ctx.now });
    return { arn, created: true };
  });
  if (result.created) {
    svc.log.info('CA created', { requestId: ctx.requestId, arn: result.arn, type: input.CertificateAuthorityType, keyAlgorithm: cfg.KeyAlgorithm });
    void svc.creation.start(result.arn);
  }
  return { CertificateAuthorityArn: result.arn };
};
