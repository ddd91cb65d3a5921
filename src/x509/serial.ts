// Certificate serial numbers (X509.md §3): 16 random bytes from a CSPRNG, first byte non-zero.
import { randomBytes } from 'node:crypto';

/** Always 16 magnitude bytes, so the certificate id in the ARN is always 32 hex digits. */
export function newSerial(): Uint8Array {
  for (;;) {
    const b = randomBytes(16);
    if (b[0] !== 0) return new Uint8Array(b);
  }
}
