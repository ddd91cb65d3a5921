// Software KeyStore: keys made by node:crypto, kept only as AES-256-GCM-wrapped PKCS#8 under a key-encryption key.
import { createCipheriv, createDecipheriv, createPrivateKey, createSign, generateKeyPair, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { collectedSignature, type KeyRef, type KeyStore, type SignatureStream, type Signer } from '../../ports/keys.ts';
import { keyGenParams, signArgs, type KeyAlgorithm, type SigningAlgorithm } from '../../x509/algorithms.ts';

const generateKeyPairAsync = promisify(generateKeyPair) as unknown as (
  type: string, options: Record<string, unknown>,
) => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;
const signAsync = promisify(sign);

const PREFIX = 'soft:v1:';

/**
 * The KeyRef uri is `soft:v1:<keyId>:<base64url(iv | ciphertext | tag)>`: the wrapped key travels with the
 * CA record, so creating a key and recording it commit in one transaction (no orphans, no separate file).
 * The additional authenticated data binds the blob to its key id and algorithm.
 */
export class SoftwareKeyStore implements KeyStore {
  private readonly kek: Buffer;
  private readonly cache = new Map<string, KeyObject>();

  /** Sign on the calling thread (a worker thread) instead of the libuv threadpool. */
  private readonly signHere: boolean;

  constructor(kek: Uint8Array, o: { signOnThisThread?: boolean } = {}) {
    if (kek.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
    this.kek = Buffer.from(kek);
    this.signHere = o.signOnThisThread ?? false;
  }

  async generate(spec: { algorithm: KeyAlgorithm; label: string }): Promise<KeyRef> {
    const { type, options } = keyGenParams(spec.algorithm);
    const { publicKey, privateKey } = await generateKeyPairAsync(type, options);
    const keyId = randomUUID();
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(aad(keyId, spec.algorithm));
    const ct = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
    pkcs8.fill(0);
    const blob = Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url');
    this.cache.set(keyId, privateKey);
    return {
      uri: `${PREFIX}${keyId}:${blob}`,
      algorithm: spec.algorithm,
      spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    };
  }

  async signer(ref: KeyRef): Promise<Signer> {
    const key = this.unwrap(ref);
    const here = this.signHere;
    const signer: Signer = {
      key: ref,
      async sign(alg: SigningAlgorithm, tbs: Uint8Array): Promise<Uint8Array> {
        const a = signArgs(alg, key);
        return new Uint8Array(here ? sign(a.digest, tbs, a.key) : await signAsync(a.digest, tbs, a.key));
      },
      begin(alg: SigningAlgorithm): SignatureStream {
        const a = signArgs(alg, key);
        // node:crypto has no streaming (nor pre-hash) form of ML-DSA: its data is collected and signed in one call,
        // so an ML-DSA CA's CRL is held in memory (twice, briefly) while RSA and ECDSA ones are streamed.
        if (a.digest === null) return collectedSignature((tbs) => signer.sign(alg, tbs));
        const s = createSign(a.digest);
        return {
          update(chunk) { s.update(chunk); },
          // Same digest and padding/salt options as `sign`. Runs on this thread: one private-key operation per CRL.
          async final() { return new Uint8Array(s.sign(a.key)); },
        };
      },
    };
    return signer;
  }

  async destroy(ref: KeyRef): Promise<void> {
    const { keyId } = parseUri(ref.uri);
    this.cache.delete(keyId);
  }

  private unwrap(ref: KeyRef): KeyObject {
    const { keyId, blob } = parseUri(ref.uri);
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    const raw = Buffer.from(blob, 'base64url');
    if (raw.length < 12 + 16 + 1) throw new Error(`key ${keyId}: wrapped key is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', this.kek, raw.subarray(0, 12));
    decipher.setAAD(aad(keyId, ref.algorithm));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    let pkcs8: Buffer;
    try {
      pkcs8 = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    } catch {
      throw new Error(`key ${keyId}: cannot unwrap (wrong key-encryption key or tampered data)`);
    }
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    pkcs8.fill(0);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(keyId, key);
    return key;
  }
}

function aad(keyId: string, algorithm: string): Buffer {
  return Buffer.from(`openpca:key:v1:${algorithm}:${keyId}`);
}

function parseUri(uri: string): { keyId: string; blob: string } {
  if (!uri.startsWith(PREFIX)) throw new Error('not a software key reference');
  const rest = uri.slice(PREFIX.length);
  const i = rest.indexOf(':');
  if (i < 0) throw new Error('malformed software key reference');
  return { keyId: rest.slice(0, i), blob: rest.slice(i + 1) };
}
