// Ports for private keys: a KeyStore makes keys and hands out Signers; key material never leaves it.
import type { KeyAlgorithm, SigningAlgorithm } from '../x509/algorithms.ts';

/** A reference to a private key held by a KeyStore. `uri` is opaque to everyone but that store. */
export interface KeyRef {
  readonly uri: string;
  readonly algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo of the public half. */
  readonly spki: Uint8Array;
}

/** A signature over data handed over in pieces (a million-entry CRL is never held whole). */
export interface SignatureStream {
  /** Adds the next piece; the caller may overwrite `chunk` as soon as this returns. */
  update(chunk: Uint8Array): void;
  /** The signature over all the pieces, the same as `sign` makes over their concatenation. Call once. */
  final(): Promise<Uint8Array>;
}

export interface Signer {
  readonly key: KeyRef;
  /** Signs `tbs` (the DER to be signed) and returns the signature value (DER for ECDSA). */
  sign(alg: SigningAlgorithm, tbs: Uint8Array): Promise<Uint8Array>;
  /** Starts a streamed signature. Optional: a signer without it is streamed by `beginSignature` (in memory). */
  begin?(alg: SigningAlgorithm): SignatureStream;
}

export interface KeyStore {
  generate(spec: { algorithm: KeyAlgorithm; label: string }): Promise<KeyRef>;
  signer(ref: KeyRef): Promise<Signer>;
  destroy(ref: KeyRef): Promise<void>;
}

/** `signer.begin(alg)`, or for a signer that cannot stream, the pieces collected and signed in one call. */
export function beginSignature(signer: Signer, alg: SigningAlgorithm): SignatureStream {
  return signer.begin?.(alg) ?? collectedSignature((tbs) => signer.sign(alg, tbs));
}

/** A SignatureStream that keeps a copy of every piece and signs their concatenation: memory grows with the data. */
export function collectedSignature(sign: (tbs: Uint8Array) => Promise<Uint8Array>): SignatureStream {
  let parts: Buffer[] = [];
  return {
    update(chunk) { parts.push(Buffer.from(chunk)); },
    final() {
      const data = Buffer.concat(parts);
      parts = [];
      return sign(data);
    },
  };
}
