// Ports for private keys: a KeyStore makes keys and hands out Signers; key material never leaves it.
import type { KeyAlgorithm, SigningAlgorithm } from '../x509/algorithms.ts';

/** A reference to a private key held by a KeyStore. `uri` is opaque to everyone but that store. */
export interface KeyRef {
  readonly uri: string;
  readonly algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo of the public half. */
  readonly spki: Uint8Array;
}

export interface Signer {
  readonly key: KeyRef;
  /** Signs `tbs` (the DER to be signed) and returns the signature value (DER for ECDSA). */
  sign(alg: SigningAlgorithm, tbs: Uint8Array): Promise<Uint8Array>;
}

export interface KeyStore {
  generate(spec: { algorithm: KeyAlgorithm; label: string }): Promise<KeyRef>;
  signer(ref: KeyRef): Promise<Signer>;
  destroy(ref: KeyRef): Promise<void>;
}
