// The OCSP responder (RFC 6960 / RFC 5019; REVOCATION.md §4): finds the CA by the request's issuer hashes, answers
// good or revoked for certificates it issued (unauthorized otherwise), signed by the CA key. Responses to requests
// without a nonce are reused until half their validity has passed; a revocation discards them at once.
import { caKeyRef, caRevocation, caSigningAlgorithm, visibleStatus } from '../domain/authority.ts';
import type { KeyStore } from '../ports/keys.ts';
import type { CaRecord, Repositories } from '../ports/store.ts';
import type { Logger } from '../protocol/log.ts';
import type { SigningAlgorithm } from '../x509/algorithms.ts';
import { CRL_REASON } from '../x509/crl.ts';
import {
  OCSP_STATUS, OcspMalformed, encodeResponseData, encodeSuccessResponse, issuerHashes, ocspErrorResponse, parseOcspRequest, responderKeyHash,
  type OcspCertId, type OcspCertStatus, type OcspHash,
} from '../x509/ocsp.ts';

/** `store.read` only: the responder never writes, and runs on reader connections in the OCSP listener threads. */
export interface OcspDeps {
  store: { read: Pick<Repositories, 'cas' | 'certificates'> };
  keys: KeyStore;
  log: Logger;
  now(): number;
  validityMs: number;
  /** Other responders with caches of their own (the OCSP listener threads): each invalidation reaches them too. */
  peers?: { invalidate(caArn: string, serial: string): Promise<void> } | null;
}

export interface OcspAnswer {
  body: Uint8Array;
  /** Present on successful responses (for the HTTP caching headers). */
  thisUpdate?: number;
  nextUpdate?: number;
  /** HTTP caching header values, filled in by the HTTP layer once per (possibly reused) answer. */
  http?: { lastModified: string; expires: string; etag: string };
}

/** What the responder needs of a CA, parsed once per CA record (the store hands out the same object until it changes). */
interface CaFacts { ocsp: boolean; alg: SigningAlgorithm; keyHash: Uint8Array }
const facts = new WeakMap<CaRecord, CaFacts>();
function caFacts(ca: CaRecord): CaFacts {
  let f = facts.get(ca);
  if (!f) {
    f = { ocsp: caRevocation(ca)?.OcspConfiguration?.Enabled === true, alg: caSigningAlgorithm(ca), keyHash: responderKeyHash(ca.keySpki!) };
    facts.set(ca, f);
  }
  return f;
}

interface Cached { answer: OcspAnswer; reuseUntil: number }
const HASHES: readonly OcspHash[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const CACHE_MAX = 200_000;

export class OcspResponder {
  private readonly d: OcspDeps;
  /** `hash|issuerNameHash|issuerKeyHash` (hex) → CA ARN, for every CA with an installed certificate. */
  private index = new Map<string, string>();
  private indexedAt = -Infinity;
  /** `caArn|serial` → certID DER (hex) → response, for nonce-less requests. */
  private readonly cache = new Map<string, Map<string, Cached>>();
  private cached = 0;
  /** Bumped by every invalidation: a response read before one must not be cached after it. */
  private generation = 0;

  constructor(d: OcspDeps) { this.d = d; }

  /**
   * Discards reused responses for a certificate (its status just changed), here and in every peer; resolves once no
   * cached answer from before the change can be served any more.
   */
  async invalidate(caArn: string, serial: string): Promise<void> {
    this.generation++;
    const m = this.cache.get(`${caArn}|${serial}`);
    if (m) { this.cached -= m.size; this.cache.delete(`${caArn}|${serial}`); }
    await this.d.peers?.invalidate(caArn, serial);
  }

  /** Answers one DER OCSPRequest with a DER OCSPResponse (OCSP-level errors are responses too). */
  async respond(request: Uint8Array): Promise<OcspAnswer> {
    let req;
    try {
      req = parseOcspRequest(request);
    } catch (e) {
      // Whatever a request's bytes make the parser throw, the answer is malformedRequest, never a 5xx.
      if (!(e instanceof OcspMalformed)) this.d.log.warn('ocsp: unexpected parser error', { error: e });
      return { body: ocspErrorResponse(OCSP_STATUS.malformedRequest) };
    }
    // RFC 5019 §2.1.1: one certificate per request (REVOCATION.md R6).
    if (req.certIds.length !== 1) return { body: ocspErrorResponse(OCSP_STATUS.malformedRequest) };
    const id = req.certIds[0]!;
    try {
      const ca = await this.findCa(id);
      if (!ca) return { body: ocspErrorResponse(OCSP_STATUS.unauthorized) };
      const now = this.d.now();
      const key = `${ca.arn}|${id.serial}`;
      const idHex = req.nonce === null ? hex(id.der) : '';
      if (req.nonce === null) {
        const hit = this.cache.get(key)?.get(idHex);
        if (hit && hit.reuseUntil > now) return hit.answer;
      }
      const gen = this.generation;
      const cert = await this.d.store.read.certificates.revocationStatus(ca.arn, id.serial);
      if (!cert || cert.status !== 'ISSUED') return { body: ocspErrorResponse(OCSP_STATUS.unauthorized) };
      const status: OcspCertStatus = cert.revokedAt === null
        ? { kind: 'good' }
        : { kind: 'revoked', time: new Date(cert.revokedAt), reasonCode: (CRL_REASON[cert.reason ?? 'UNSPECIFIED'] ?? 0) || null };
      const t = Math.floor(now / 1000) * 1000;
      const thisUpdate = new Date(t);
      const nextUpdate = new Date(t + this.d.validityMs);
      const f = caFacts(ca);
      const tbs = encodeResponseData({
        responderKeyHash: f.keyHash, producedAt: thisUpdate, nonce: req.nonce,
        responses: [{ certIdDer: id.der, status, thisUpdate, nextUpdate }],
      });
      const alg = f.alg;
      const signer = await this.d.keys.signer(caKeyRef(ca)!);
      const answer: OcspAnswer = { body: encodeSuccessResponse(tbs, alg, await signer.sign(alg, tbs)), thisUpdate: t, nextUpdate: t + this.d.validityMs };
      if (req.nonce === null && gen === this.generation) {
        if (this.cached >= CACHE_MAX) { this.cache.clear(); this.cached = 0; }
        let m = this.cache.get(key);
        if (!m) { m = new Map(); this.cache.set(key, m); }
        if (!m.has(idHex)) this.cached++;
        // Copy: the encoder's output may be a view on a shared pool.
        m.set(idHex, { answer: { ...answer, body: Uint8Array.from(answer.body) }, reuseUntil: t + this.d.validityMs / 2 });
      }
      return answer;
    } catch (e) {
      this.d.log.error('ocsp: internal error', { error: e });
      return { body: ocspErrorResponse(OCSP_STATUS.internalError) };
    }
  }

  /** The CA a CertID names, if it answers OCSP now (ACTIVE or DISABLED, OCSP enabled), else null. */
  private async findCa(id: OcspCertId): Promise<CaRecord | null> {
    if (id.hash === null) return null;
    const k = `${id.hash}|${hex(id.issuerNameHash)}|${hex(id.issuerKeyHash)}`;
    let arn = this.index.get(k);
    if (arn === undefined && this.d.now() - this.indexedAt > 1000) {
      await this.reindex();
      arn = this.index.get(k);
    }
    if (arn === undefined) return null;
    const ca = await this.d.store.read.cas.get(arn);
    if (!ca || !ca.keySpki || !ca.keyUri) return null;
    const status = visibleStatus(ca, this.d.now());
    if (status !== 'ACTIVE' && status !== 'DISABLED') return null;
    return caFacts(ca).ocsp ? ca : null;
  }

  /** Rebuilds the issuer-hash index from every CA with an installed certificate (at most once a second). */
  private async reindex(): Promise<void> {
    this.indexedAt = this.d.now();
    const next = new Map<string, string>();
    for (const status of ['ACTIVE', 'DISABLED'] as const) {
      for (const ca of await this.d.store.read.cas.withStatus(status)) {
        if (!ca.caSubjectDer || !ca.keySpki) continue;
        for (const h of HASHES) {
          const { nameHash, keyHash } = issuerHashes(h, ca.caSubjectDer, ca.keySpki);
          next.set(`${h}|${hex(nameHash)}|${hex(keyHash)}`, ca.arn);
        }
      }
    }
    this.index = next;
  }
}
