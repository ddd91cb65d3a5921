// Key and signing algorithms: the model's enum values, their compatibility, OIDs and node:crypto parameters.
import { constants, type SignKeyObjectInput, type KeyObject } from 'node:crypto';

export type KeyAlgorithm =
  | 'RSA_2048' | 'RSA_3072' | 'RSA_4096'
  | 'EC_prime256v1' | 'EC_secp384r1' | 'EC_secp521r1'
  | 'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87'
  | 'SM2';

export type SigningAlgorithm =
  | 'SHA256WITHECDSA' | 'SHA384WITHECDSA' | 'SHA512WITHECDSA'
  | 'SHA256WITHRSA' | 'SHA384WITHRSA' | 'SHA512WITHRSA'
  | 'SHA256WITHRSA_PSS' | 'SHA384WITHRSA_PSS' | 'SHA512WITHRSA_PSS'
  | 'SM3WITHSM2'
  | 'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87';

export type KeyFamily = 'RSA' | 'EC' | 'ML_DSA' | 'SM2';

export function keyFamily(k: KeyAlgorithm): KeyFamily {
  if (k.startsWith('RSA_')) return 'RSA';
  if (k.startsWith('EC_')) return 'EC';
  if (k.startsWith('ML_DSA_')) return 'ML_DSA';
  return 'SM2';
}

/** Key algorithms this server can generate (SM2 is not: Node's OpenSSL has no SM2 signing). */
export const SUPPORTED_KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1',
  'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
];

/** X509.md §2.2: may a key of algorithm `k` sign with `s`? */
export function isCompatible(k: KeyAlgorithm, s: SigningAlgorithm): boolean {
  switch (keyFamily(k)) {
    case 'RSA': return /^SHA(256|384|512)WITHRSA(_PSS)?$/.test(s);
    case 'EC': return /^SHA(256|384|512)WITHECDSA$/.test(s);
    case 'ML_DSA': return s === k;
    case 'SM2': return s === 'SM3WITHSM2';
  }
}

/** Parameters for node:crypto generateKeyPair. */
export function keyGenParams(k: KeyAlgorithm): { type: 'rsa' | 'ec' | 'ml-dsa-44' | 'ml-dsa-65' | 'ml-dsa-87'; options: Record<string, unknown> } {
  switch (k) {
    case 'RSA_2048': return { type: 'rsa', options: { modulusLength: 2048, publicExponent: 65537 } };
    case 'RSA_3072': return { type: 'rsa', options: { modulusLength: 3072, publicExponent: 65537 } };
    case 'RSA_4096': return { type: 'rsa', options: { modulusLength: 4096, publicExponent: 65537 } };
    case 'EC_prime256v1': return { type: 'ec', options: { namedCurve: 'prime256v1' } };
    case 'EC_secp384r1': return { type: 'ec', options: { namedCurve: 'secp384r1' } };
    case 'EC_secp521r1': return { type: 'ec', options: { namedCurve: 'secp521r1' } };
    case 'ML_DSA_44': return { type: 'ml-dsa-44', options: {} };
    case 'ML_DSA_65': return { type: 'ml-dsa-65', options: {} };
    case 'ML_DSA_87': return { type: 'ml-dsa-87', options: {} };
    case 'SM2': throw new Error('SM2 keys are not supported');
  }
}

function hashOf(s: SigningAlgorithm): 'sha256' | 'sha384' | 'sha512' | null {
  if (s.startsWith('SHA256')) return 'sha256';
  if (s.startsWith('SHA384')) return 'sha384';
  if (s.startsWith('SHA512')) return 'sha512';
  return null;
}

/** Arguments for node:crypto `sign(digest, data, key)` for a signing algorithm. */
export function signArgs(s: SigningAlgorithm, key: KeyObject): { digest: string | null; key: KeyObject | SignKeyObjectInput } {
  const h = hashOf(s);
  if (s.endsWith('_PSS')) {
    const saltLength = h === 'sha256' ? 32 : h === 'sha384' ? 48 : 64;
    return { digest: h, key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength } };
  }
  // A bare KeyObject where the defaults fit (DER ECDSA signatures, PKCS#1 v1.5 padding): Node prepares it ~20 µs faster.
  if (s.endsWith('WITHECDSA')) return { digest: h, key };
  if (s.endsWith('WITHRSA')) return { digest: h, key };
  if (s.startsWith('ML_DSA_')) return { digest: null, key };
  throw new Error(`signing algorithm ${s} is not supported`);
}

/** Signature algorithm OIDs (X509.md §2.3). */
export const SIGNATURE_OID: Record<SigningAlgorithm, string> = {
  SHA256WITHRSA: '1.2.840.113549.1.1.11',
  SHA384WITHRSA: '1.2.840.113549.1.1.12',
  SHA512WITHRSA: '1.2.840.113549.1.1.13',
  SHA256WITHRSA_PSS: '1.2.840.113549.1.1.10',
  SHA384WITHRSA_PSS: '1.2.840.113549.1.1.10',
  SHA512WITHRSA_PSS: '1.2.840.113549.1.1.10',
  SHA256WITHECDSA: '1.2.840.10045.4.3.2',
  SHA384WITHECDSA: '1.2.840.10045.4.3.3',
  SHA512WITHECDSA: '1.2.840.10045.4.3.4',
  SM3WITHSM2: '1.2.156.10197.1.501',
  ML_DSA_44: '2.16.840.1.101.3.4.3.17',
  ML_DSA_65: '2.16.840.1.101.3.4.3.18',
  ML_DSA_87: '2.16.840.1.101.3.4.3.19',
};
